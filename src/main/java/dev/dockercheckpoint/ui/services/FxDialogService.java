package dev.dockercheckpoint.ui.services;

import dev.dockercheckpoint.core.DcpException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/** Dialogs as JavaFX alerts and choosers; notifications with ControlsFX. */
public final class FxDialogService implements DialogService {
    private final Window owner;

    public FxDialogService(Window owner) {
        this.owner = owner;
    }

    @Override
    public void showError(String title, Throwable error) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        VBox content = new VBox(8);
        content.getChildren().add(wrapped(message(error)));
        if (error instanceof DcpException e) {
            if (!e.details().isEmpty()) {
                TextArea lines = new TextArea(String.join("\n", e.details())
                        + (e.logFile() == null ? "" : "\n\nlog: " + e.logFile()));
                lines.setEditable(false);
                lines.setWrapText(true);
                lines.setPrefRowCount(Math.min(8, e.details().size() + 2));
                lines.getStyleClass().add("error-details");
                content.getChildren().add(lines);
            }
            if (!e.hint().isEmpty()) {
                Label hint = wrapped("What to do: " + e.hint());
                hint.getStyleClass().add("error-hint");
                content.getChildren().add(hint);
            }
        }
        alert.getDialogPane().setContent(content);
        alert.getDialogPane().setPrefWidth(640);
        alert.showAndWait();
    }

    /** The message a user sees: ours as it is; anything else as its type and message, never a trace. */
    public static String message(Throwable error) {
        if (error instanceof DcpException) {
            return error.getMessage();
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root instanceof DcpException) {
                return root.getMessage();
            }
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static Label wrapped(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(600);
        return l;
    }

    @Override
    public boolean confirm(String title, String question) {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, question, ButtonType.YES, ButtonType.NO);
        alert.initOwner(owner);
        alert.setTitle(title);
        alert.setHeaderText(title);
        return alert.showAndWait().filter(b -> b == ButtonType.YES).isPresent();
    }

    @Override
    public void notify(String text) {
        if (owner == null || !owner.isShowing()) {
            return;
        }
        Notifications.create().owner(owner).title("docker-checkpoint").text(text).hideAfter(Duration.seconds(5))
                .showInformation();
    }

    @Override
    public Optional<Path> chooseDirectory(String title, Path initial) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        if (initial != null && Files.isDirectory(initial)) {
            chooser.setInitialDirectory(initial.toFile());
        } else if (initial != null && initial.getParent() != null && Files.isDirectory(initial.getParent())) {
            chooser.setInitialDirectory(initial.getParent().toFile());
        }
        File f = chooser.showDialog(owner);
        return Optional.ofNullable(f).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, Path initial) {
        FileChooser chooser = archiveChooser(title);
        if (initial != null) {
            if (initial.getParent() != null && Files.isDirectory(initial.getParent())) {
                chooser.setInitialDirectory(initial.getParent().toFile());
            }
            chooser.setInitialFileName(String.valueOf(initial.getFileName()));
        }
        return Optional.ofNullable(chooser.showSaveDialog(owner)).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseOpenFile(String title, Path initialDir) {
        FileChooser chooser = archiveChooser(title);
        if (initialDir != null && Files.isDirectory(initialDir)) {
            chooser.setInitialDirectory(initialDir.toFile());
        }
        return Optional.ofNullable(chooser.showOpenDialog(owner)).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseTextFile(String title, Path initialDir) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("All files", "*"),
                new FileChooser.ExtensionFilter("Text files (*.txt)", "*.txt"));
        if (initialDir != null && Files.isDirectory(initialDir)) {
            chooser.setInitialDirectory(initialDir.toFile());
        }
        return Optional.ofNullable(chooser.showOpenDialog(owner)).map(File::toPath);
    }

    private static FileChooser archiveChooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoint archives (*.tar.zst, *.tar.gz, *.tar, *.age)", "*.tar.zst",
                        "*.tar.gz", "*.tgz", "*.tar", "*.age"),
                new FileChooser.ExtensionFilter("All files", "*"));
        return chooser;
    }

    @Override
    public void copyToClipboard(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
    }
}
