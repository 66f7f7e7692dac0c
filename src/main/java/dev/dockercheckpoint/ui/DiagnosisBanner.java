package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.core.criulog.PhaseTiming;
import dev.dockercheckpoint.core.criulog.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntConsumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Above a CRIU log: the verdict and cause in plain words, the fix, CRIU's phases as a timeline
 * (each segment as wide as the phase took), with a button to the decisive line, and the Warn lines
 * not known to be harmless (and, when the log shows no failure, such Error lines): each with its
 * number as a link to it, its text, and its known cause and fix when there is one.
 */
public final class DiagnosisBanner extends VBox {
    /** The list of lines scrolls beyond this height, so the log stays in view. */
    private static final double MAX_NOTICES_HEIGHT = 180;
    /** Phase colours in app.css (diagnosis-phase-0 to -7), from the theme's chart colours. */
    private static final int PHASE_COLOURS = 8;

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
            segment.getStyleClass().add("diagnosis-phase-" + i++ % PHASE_COLOURS);
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
        Label counts = new Label(count(report.errorCount(), "error") + ", " + count(report.warningCount(), "warning")
                + " (harmless ones not counted)");
        counts.setId("diagnosisCounts");
        HBox footer = new HBox(8, counts, spacer);
        footer.setAlignment(Pos.CENTER_LEFT);
        if (report.decisiveLine() > 0) {
            Button go = new Button((ok ? "Go to the last line" : "Go to the decisive line") + " ("
                    + report.decisiveLine() + ")");
            go.setId("goToDecisiveLine");
            go.setOnAction(e -> goToLine.accept((int) report.decisiveLine() - 1));
            footer.getChildren().add(go);
        }
        getChildren().addAll(timeline, legend, footer);
        VBox notices = new VBox(4);
        notices.setId("diagnosisNotices");
        if (report.verdict() != Verdict.FAILURE) {
            // after a failure the cause and the decisive line are what matters among the errors
            section(notices, "error", report.errors(), report.errorsNotShown(), goToLine);
        }
        section(notices, "warning", report.warnings(), report.warningsNotShown(), goToLine);
        if (!notices.getChildren().isEmpty()) {
            ScrollPane scroll = new ScrollPane(notices);
            scroll.setId("diagnosisNoticesScroll");
            scroll.setFitToWidth(true);
            scroll.setMaxHeight(MAX_NOTICES_HEIGHT);
            scroll.getStyleClass().add("diagnosis-notices");
            getChildren().add(scroll);
        }
    }

    /** "N warnings not known to be harmless:" and a row per line. */
    private static void section(VBox into, String noun, List<LogReport.Notice> shown, long notShown,
            IntConsumer goToLine) {
        if (shown.isEmpty()) {
            return;
        }
        Label heading = new Label(count(shown.size() + notShown, noun) + " not known to be harmless:");
        heading.getStyleClass().add("diagnosis-notices-heading");
        into.getChildren().add(heading);
        Set<String> explained = new HashSet<>();
        for (LogReport.Notice n : shown) {
            Hyperlink number = new Hyperlink(Long.toString(n.number()));
            number.getStyleClass().add("diagnosis-notice-line");
            number.setTooltip(new Tooltip("Go to line " + n.number()));
            number.setOnAction(e -> goToLine.accept((int) n.number() - 1));
            Label text = new Label(n.text());
            text.getStyleClass().add("diagnosis-notice-text");
            text.setWrapText(true);
            HBox.setHgrow(text, Priority.ALWAYS);
            HBox row = new HBox(6, number, text);
            row.setAlignment(Pos.TOP_LEFT);
            row.getStyleClass().add("diagnosis-notice");
            into.getChildren().add(row);
            if (n.patternId() != null) {
                boolean first = explained.add(n.patternId());
                Label cause = new Label("\u2192 " + n.title() + (first ? ". Fix: " + n.fix() : " (fix above)"));
                cause.getStyleClass().add("diagnosis-notice-cause");
                cause.setWrapText(true);
                cause.setPadding(new Insets(0, 0, 0, 24));
                into.getChildren().add(cause);
            }
        }
        if (notShown > 0) {
            Label more = new Label("\u2026 and " + notShown + " more: the log viewer's \"Warnings + errors\" filter"
                    + " lists every one");
            more.getStyleClass().add("details-label");
            into.getChildren().add(more);
        }
    }

    private static String count(long n, String noun) {
        return Plural.count(n, noun);
    }
}
