package dev.dockercheckpoint.ui.archive;

import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;

/** What the export and import dialogs share: the progress bar, the status and outcome, Stop/Close. */
final class TransferViews {
    private TransferViews() {
    }

    static void bind(TransferProgress t, ProgressBar bar, Label status, Label outcome, Button cancel,
            Runnable close) {
        bar.progressProperty().bind(t.fractionProperty());
        status.textProperty().bind(t.statusProperty());
        outcome.textProperty().bind(t.outcomeProperty());
        t.failedProperty().addListener((o, a, failed) -> {
            if (failed) {
                outcome.getStyleClass().add("field-error");
            } else {
                outcome.getStyleClass().remove("field-error");
            }
        });
        cancel.textProperty().bind(Bindings.when(t.runningProperty()).then("Stop").otherwise("Close"));
        cancel.setOnAction(e -> {
            if (t.runningProperty().get()) {
                t.cancel();
            } else {
                close.run();
            }
        });
    }

    /**
     * Closing the window while the transfer runs stops it instead (it stays open until it has); the
     * window grows to show a longer outcome or error in full.
     */
    static void stopOnClose(Stage stage, TransferProgress t, javafx.beans.value.ObservableValue<?>... texts) {
        for (var text : texts) {
            text.addListener((o, a, b) -> javafx.application.Platform.runLater(stage::sizeToScene));
        }
        t.outcomeProperty().addListener((o, a, b) -> javafx.application.Platform.runLater(stage::sizeToScene));
        stage.setOnCloseRequest(e -> {
            if (t.runningProperty().get()) {
                e.consume();
                t.cancel();
            }
        });
    }
}
