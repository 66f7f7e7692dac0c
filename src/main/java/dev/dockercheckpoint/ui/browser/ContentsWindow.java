package dev.dockercheckpoint.ui.browser;

import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** A checkpoint's contents: the process tree with memory and open files, and CRIU's statistics. */
public final class ContentsWindow {
    private final TreeView<String> tree = new TreeView<>();
    private final Label summary = new Label("Reading the checkpoint's images...");
    private final Label stats = new Label();

    /** Opens the window and loads the contents through the helper. */
    public static ContentsWindow open(Window owner, CheckpointService service, TaskExecutor executor, Path dir,
            CheckpointSummary checkpoint) {
        ContentsWindow w = new ContentsWindow();
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.setTitle(checkpoint.container() + "/" + checkpoint.name() + " contents - docker-checkpoint");
        VBox root = new VBox(8, w.summary, w.tree, w.stats);
        root.setPadding(new Insets(12));
        VBox.setVgrow(w.tree, javafx.scene.layout.Priority.ALWAYS);
        w.tree.setId("contentsTree");
        w.summary.setId("contentsSummary");
        w.stats.setWrapText(true);
        Scene scene = new Scene(root, 720, 520);
        scene.getStylesheets().add(Resources.stylesheet());
        stage.setScene(scene);
        stage.show();
        executor.execute(() -> service.inspect(dir, checkpoint.container(), checkpoint.name()), w::show,
                e -> w.summary.setText("Cannot read the checkpoint: " + e.getMessage()));
        return w;
    }

    void show(CheckpointContents c) {
        summary.setText(c.container() + "/" + c.name() + ": " + Plural.count(c.processes().size(),
                "process") + ", " + Bytes.human(c.totalBytes())
                + " of memory");
        TreeItem<String> root = new TreeItem<>("Processes");
        root.setExpanded(true);
        add(root, c, 0);
        tree.setRoot(root);
        if (c.stats() != null && c.stats().frozenTimeUs() != null) {
            stats.setText(String.format(Locale.ROOT, "Downtime %.1f ms (frozen), freezing %.1f ms, memory dump %.1f ms;"
                    + " %d pages scanned, %d written", c.stats().frozenTimeUs() / 1000.0,
                    nz(c.stats().freezingTimeUs()) / 1000.0, nz(c.stats().memdumpTimeUs()) / 1000.0,
                    nz(c.stats().pagesScanned()), nz(c.stats().pagesWritten())));
        }
    }

    private static void add(TreeItem<String> parent, CheckpointContents c, int ppid) {
        for (CheckpointContents.Process p : c.processes()) {
            if (p.ppid() != ppid) {
                continue;
            }
            TreeItem<String> item = new TreeItem<>(String.format(Locale.ROOT, "%d  %s   %s, %s", p.pid(),
                    p.command(), Plural.count(p.threads(), "thread"), Bytes.human(p.bytes())));
            item.setExpanded(true);
            TreeItem<String> files = new TreeItem<>("open files (" + p.files().size() + ")");
            p.files().forEach(f -> files.getChildren().add(new TreeItem<>(f)));
            item.getChildren().add(files);
            add(item, c, p.pid());
            parent.getChildren().add(item);
        }
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }
}
