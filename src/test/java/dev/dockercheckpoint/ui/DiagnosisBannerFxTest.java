package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.criulog.ComposedLogs;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The diagnosis banner above a log, on real CRIU logs captured on this project's machines. */
@ExtendWith(ApplicationExtension.class)
class DiagnosisBannerFxTest {
    private final List<Integer> jumps = new ArrayList<>();
    private LogReport report;
    private Stage stage;

    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
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

    @Test
    void successWithAWarningListsItWithItsLineNumber(FxRobot robot) throws Exception {
        LogReport lost = LogReport.of(CriuLogAnalyzer.analyze(ComposedLogs.lostProcessDump(tmp)));
        robot.interact(() -> stage.setScene(new Scene(new DiagnosisBanner(lost, jumps::add), 900, 400)));
        assertTrue(robot.lookup("#diagnosisNotices").tryQuery().isPresent(), "the list is shown");
        String heading = robot.lookup(".diagnosis-notices-heading").queryAs(Label.class).getText();
        assertEquals("1 warning not known to be harmless:", heading);
        String text = robot.lookup(".diagnosis-notice-text").queryAs(Label.class).getText();
        assertTrue(text.contains("Unexpected process 30012 in the freezer cgroup"), text);
        Hyperlink line = robot.lookup(".diagnosis-notice-line").queryAs(Hyperlink.class);
        assertEquals(Integer.toString(ComposedLogs.LOST_PROCESS_LINE), line.getText());
        String cause = robot.lookup(".diagnosis-notice-cause").queryAs(Label.class).getText();
        assertTrue(cause.contains("Process left out of the checkpoint (docker exec). Fix: Stop that process"), cause);
        robot.clickOn(line);
        assertEquals(List.of(ComposedLogs.LOST_PROCESS_LINE - 1), jumps, "0-based line of the warning");
    }

    @Test
    void aLongListSaysHowManyMore(FxRobot robot) throws Exception {
        LogReport many = LogReport.of(CriuLogAnalyzer.analyze(ComposedLogs.manyWarningsDump(tmp, 25)));
        robot.interact(() -> stage.setScene(new Scene(new DiagnosisBanner(many, jumps::add), 900, 400)));
        assertEquals(LogReport.MAX_SHOWN, robot.lookup(".diagnosis-notice").queryAll().size());
        assertTrue(robot.lookup(".details-label").queryAllAs(Label.class).stream()
                .anyMatch(l -> l.getText().startsWith("\u2026 and 5 more")));
    }

    @Test
    void aFailureWithoutOtherWarningsShowsNoList(FxRobot robot) {
        // dump-tcp-without-flag.log: both warnings are harmless, the errors are the cause
        assertTrue(robot.lookup("#diagnosisNotices").tryQuery().isEmpty());
    }
}
