package dev.dockercheckpoint.ui;

import javafx.beans.value.ObservableValue;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.TextField;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** What the dialog views share: their modal window, and a text field marked while its value is refused. */
public final class Dialogs {
    private Dialogs() {
    }

    /**
     * A window of its own for {@code root}, modal to {@code owner}, titled {@code title}, with the
     * application's stylesheet and then {@code stylesheets}; not shown yet.
     */
    public static Stage modal(Window owner, String title, Parent root, String... stylesheets) {
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle(title);
        Scene scene = new Scene(root);
        scene.getStylesheets().add(Resources.stylesheet());
        scene.getStylesheets().addAll(stylesheets);
        stage.setScene(scene);
        return stage;
    }

    /** From now on marks {@code field} invalid when {@code error} turns to a text, and valid when it empties. */
    public static void markInvalidOnError(TextField field, ObservableValue<String> error) {
        error.addListener((o, a, err) -> markInvalid(field, !err.isEmpty()));
    }

    /** Gives {@code field} the style class "invalid", or takes it away. */
    public static void markInvalid(TextField field, boolean invalid) {
        if (!invalid) {
            field.getStyleClass().remove("invalid");
        } else if (!field.getStyleClass().contains("invalid")) {
            field.getStyleClass().add("invalid");
        }
    }
}
