package dev.dockercheckpoint.ui.archive;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Scene;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;

/** A file dropped on the main window is imported: one regular file at a time. */
public final class ArchiveDrop {
    private ArchiveDrop() {
    }

    public static void install(Scene scene, Consumer<Path> onDrop) {
        scene.addEventHandler(DragEvent.DRAG_OVER, e -> {
            if (single(e.getDragboard().getFiles()) != null) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        scene.addEventHandler(DragEvent.DRAG_DROPPED, e -> {
            File f = single(e.getDragboard().getFiles());
            e.setDropCompleted(f != null);
            e.consume();
            if (f != null) {
                onDrop.accept(f.toPath());
            }
        });
    }

    private static File single(List<File> files) {
        return files != null && files.size() == 1 && files.getFirst().isFile() ? files.getFirst() : null;
    }
}
