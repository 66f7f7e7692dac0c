package dev.dockercheckpoint.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;

/**
 * What a list shows when it has nothing to show: an icon, what is missing, and what to do next
 * (style class {@code empty-state}), optionally with a button that does it.
 */
public final class EmptyState extends VBox {
    private final Label title = new Label();
    private final Label text = new Label();
    private final Button action = new Button();

    public EmptyState(Ikon ikon, String title, String text) {
        getStyleClass().add("empty-state");
        setAlignment(Pos.CENTER);
        setSpacing(6);
        setMaxWidth(520);
        this.title.getStyleClass().add("empty-state-title");
        this.text.getStyleClass().add("empty-state-text");
        this.text.setWrapText(true);
        this.title.setWrapText(true);
        var icon = Icons.icon(ikon);
        icon.getStyleClass().add("empty-state-icon");
        action.setVisible(false);
        action.setManaged(false);
        getChildren().addAll(icon, this.title, this.text, action);
        set(title, text);
    }

    /** Changes what is said. */
    public void set(String newTitle, String newText) {
        title.setText(newTitle);
        text.setText(newText);
    }

    /** Shows a button {@code label} that runs {@code onAction}; null hides it. */
    public void action(String label, Runnable onAction) {
        action.setText(label);
        action.setOnAction(onAction == null ? null : e -> onAction.run());
        action.setVisible(onAction != null);
        action.setManaged(onAction != null);
    }

    public Label titleLabel() {
        return title;
    }

    public Label textLabel() {
        return text;
    }

    public Button actionButton() {
        return action;
    }
}
