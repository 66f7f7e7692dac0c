package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.core.criulog.PhaseTiming;
import dev.dockercheckpoint.core.criulog.Verdict;
import java.util.Locale;
import java.util.function.IntConsumer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Above a CRIU log: the verdict and cause in plain words, the fix, and CRIU's phases as a timeline
 * (each segment as wide as the phase took), with a button to the decisive line.
 */
public final class DiagnosisBanner extends VBox {
    private static final String[] COLOURS = {"#8c959f", "#1f6feb", "#8250df", "#bf8700", "#1a7f37", "#cf222e",
        "#0a3069", "#953800", "#116329", "#57606a"};

    public DiagnosisBanner(LogReport report, IntConsumer goToLine) {
        getStyleClass().add("diagnosis-banner");
        setId("diagnosisBanner");
        setSpacing(6);
        boolean ok = report.verdict() == Verdict.SUCCESS;
        Label title = new Label((ok ? "\u2714 " : "\u2716 ") + report.kind().title() + ": " + report.title());
        title.setId("diagnosisTitle");
        title.getStyleClass().addAll("diagnosis-title", ok ? "verdict-passed" : "verdict-failed");
        title.setWrapText(true);
        getChildren().add(title);
        if (!ok) {
            Label explanation = new Label(report.explanation());
            explanation.setWrapText(true);
            Label fix = new Label("Fix: " + report.fix());
            fix.setId("diagnosisFix");
            fix.setWrapText(true);
            fix.getStyleClass().add("diagnosis-fix");
            getChildren().addAll(explanation, fix);
        }
        HBox timeline = new HBox();
        timeline.setId("diagnosisTimeline");
        timeline.getStyleClass().add("diagnosis-timeline");
        double total = report.phases().stream().mapToDouble(PhaseTiming::duration).sum();
        int i = 0;
        for (PhaseTiming p : report.phases()) {
            Region segment = new Region();
            segment.setMinHeight(12);
            segment.setPrefWidth(Math.max(6, 700 * (total <= 0 ? 1.0 / report.phases().size() : p.duration() / total)));
            segment.setStyle("-fx-background-color: " + COLOURS[i++ % COLOURS.length] + ";");
            Tooltip.install(segment, new Tooltip(String.format(Locale.ROOT, "%s: %.1f ms (from %.3f s)",
                    p.title(), p.duration() * 1000, p.start())));
            timeline.getChildren().add(segment);
        }
        Label legend = new Label(report.phases().stream().map(p -> String.format(Locale.ROOT, "%s %.0f ms", p.title(),
                p.duration() * 1000)).reduce((a, b) -> a + "  \u00b7  " + b).orElse("no phases found"));
        legend.getStyleClass().add("details-label");
        legend.setWrapText(true);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox footer = new HBox(8, new Label(report.errorCount() + " errors, " + report.warningCount()
                + " warnings (harmless ones not counted)"), spacer);
        footer.setAlignment(Pos.CENTER_LEFT);
        if (report.decisiveLine() > 0) {
            Button go = new Button((ok ? "Go to the last line" : "Go to the decisive line") + " ("
                    + report.decisiveLine() + ")");
            go.setId("goToDecisiveLine");
            go.setOnAction(e -> goToLine.accept((int) report.decisiveLine() - 1));
            footer.getChildren().add(go);
        }
        getChildren().addAll(timeline, legend, footer);
    }
}
