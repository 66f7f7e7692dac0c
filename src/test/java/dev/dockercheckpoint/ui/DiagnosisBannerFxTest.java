package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The diagnosis banner above a log, on real CRIU logs captured on this project's machines. */
@ExtendWith(ApplicationExtension.class)
class DiagnosisBannerFxTest {
    private final List<Integer> jumps = new ArrayList<>();
    private LogReport report;

    @Start
    void start(Stage stage) throws Exception {
        report = LogReport.of(CriuLogAnalyzer.analyze(Path.of("src/test/resources/criulogs/dump-tcp-without-flag.log")));
        stage.setScene(new Scene(new DiagnosisBanner(report, jumps::add), 900, 300));
        stage.show();
    }

    @Test
    void failedDumpShowsCauseFixTimelineAndJumpsToTheDecisiveLine(FxRobot robot) {
        String title = robot.lookup("#diagnosisTitle").queryAs(Label.class).getText();
        assertTrue(title.contains("Established TCP connection"), title);
        assertTrue(robot.lookup("#diagnosisFix").queryAs(Label.class).getText().contains("--tcp-established"));
        HBox timeline = robot.lookup("#diagnosisTimeline").queryAs(HBox.class);
        assertEquals(report.phases().size(), timeline.getChildren().size());
        assertFalse(timeline.getChildren().isEmpty());
        robot.clickOn("#goToDecisiveLine");
        assertEquals(List.of((int) report.decisiveLine() - 1), jumps, "0-based line of the decisive Error");
        assertEquals(1167, report.decisiveLine());
    }
}
