package dev.dockercheckpoint.ui.verify;

import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.ui.verify.VerificationViewModel.Step;
import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The five verification checks, each with a status icon, name, duration and what was seen,
 * updated as each check finishes; a summary and "Run again".
 */
public final class VerificationPanel extends VBox {
    private final VerificationViewModel model;
    private final VBox rows = new VBox(4);
    private final Label summary = new Label();
    private final Button runAgain = new Button("Run again");

    public VerificationPanel(VerificationViewModel model) {
        this.model = model;
        getStyleClass().add("verification-panel");
        setId("verificationPanel");
        summary.setId("verificationSummary");
        summary.setWrapText(true);
        summary.textProperty().bind(model.summaryProperty());
        model.verdictProperty().addListener((o, a, v) -> {
            summary.getStyleClass().removeAll("verdict-passed", "verdict-failed");
            if (v == VerificationViewModel.Verdict.PASSED) {
                summary.getStyleClass().add("verdict-passed");
            } else if (v == VerificationViewModel.Verdict.FAILED) {
                summary.getStyleClass().add("verdict-failed");
            }
        });
        runAgain.setId("runAgainButton");
        Icons.on(runAgain, Icons.RUN_AGAIN);
        runAgain.setOnAction(e -> model.runAgain());
        runAgain.disableProperty().bind(model.runningProperty().or(model.containerProperty().isEmpty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox footer = new HBox(8, summary, spacer, runAgain);
        footer.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(rows, footer);
        model.steps().addListener((ListChangeListener<Step>) c -> render());
        render();
    }

    private void render() {
        rows.getChildren().setAll(model.steps().stream().map(VerificationPanel::row).toList());
    }

    private static HBox row(Step step) {
        var icon = Icons.icon(switch (step.state()) {
            case PASSED -> Icons.SUCCESS;
            case FAILED -> Icons.FAILURE;
            case RUNNING -> org.kordamp.ikonli.feather.Feather.LOADER;
            case PENDING -> org.kordamp.ikonli.feather.Feather.CIRCLE;
        });
        icon.getStyleClass().add("step-icon");
        Label name = new Label(step.name());
        name.getStyleClass().add("step-name");
        boolean done = step.state() == VerificationViewModel.State.PASSED
                || step.state() == VerificationViewModel.State.FAILED;
        Label duration = new Label(done ? step.duration().toMillis() + " ms" : "");
        duration.getStyleClass().add("step-duration");
        Label detail = new Label(done ? step.detail() : step.state() == VerificationViewModel.State.RUNNING
                ? "checking..." : "waiting");
        detail.getStyleClass().add("step-detail");
        detail.setWrapText(true);
        HBox row = new HBox(icon, name, duration, detail);
        row.getStyleClass().addAll("verification-step", "step-" + step.state().name().toLowerCase(Locale.ROOT));
        row.setId("step-" + step.name().replace(' ', '-'));
        return row;
    }
}
