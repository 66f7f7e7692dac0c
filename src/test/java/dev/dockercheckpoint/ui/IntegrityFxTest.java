package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The checkpoint browser's integrity: a badge per checkpoint from the listing, the "Check
 * integrity" action through the service, its result in the status line, the badge and the
 * details, and a damaged checkpoint's files named in an error dialog.
 */
@ExtendWith(ApplicationExtension.class)
class IntegrityFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();
    private final ViewModelTest.RecordingDialogs dialogs = new ViewModelTest.RecordingDialogs();

    @Start
    void start(Stage stage) throws Exception {
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running")));
        service.stored.add(FakeCheckpointService.stored("web", "cp1").withIntegrity(Integrity.of(
                Integrity.State.RECORDED)));
        service.stored.add(FakeCheckpointService.stored("web", "old").withIntegrity(Integrity.of(
                Integrity.State.NONE)));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        new MainWindow(stage, service, TaskExecutor.currentThread(), s -> dialogs, new Settings(settings),
                Path.of("/run/test.sock"), (owner, dir, cp, log) -> { }).show();
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    private static List<String> badges(FxRobot robot) {
        return robot.lookup(".integrity-badge").queryAllAs(Label.class).stream().filter(Node::isVisible)
                .map(Label::getText).sorted().toList();
    }

    @Test
    void checkIntegrityShowsTheResultAndABadgePerCheckpoint(FxRobot robot) {
        robot.clickOn("#navCheckpoints");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("checksums", "no checksums"), badges(robot));
        Button check = node(robot, "checkIntegrity", Button.class);
        assertTrue(check.isDisabled(), "nothing selected yet");
        robot.clickOn("cp1   244.1 KiB");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("checksums recorded when it was made, not checked since (Check integrity reads every"
                + " file; a restore checks them first)").tryQuery().isPresent(), "the details say it");
        assertEquals("Check integrity", check.getText());
        robot.clickOn(check);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("web/cp1"), service.integrityChecks);
        assertTrue(node(robot, "browserStatus", Label.class).getText().startsWith("web/cp1: intact, every file"
                + " matches its checksum (3 files, 140.1 KiB"), node(robot, "browserStatus", Label.class).getText());
        assertEquals(List.of("no checksums", "✔ verified"), badges(robot));
        assertTrue(robot.lookup(n -> n instanceof Label l && l.getText().startsWith("verified: every file matched"))
                .tryQuery().isPresent(), "the details show when it was verified");
        assertEquals(List.of(), dialogs.errors);
    }

    @Test
    void aDamagedCheckpointIsNamedInAnErrorAndItsBadge(FxRobot robot) {
        service.damagedFiles = List.of(new Integrity.Damage("pages-1.img", "differs from the SHA-256 recorded when"
                + " the checkpoint was made"));
        robot.clickOn("#navCheckpoints");
        robot.clickOn("cp1   244.1 KiB");
        robot.clickOn("#checkIntegrity");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("Checkpoint damaged: checkpoint web/cp1 is damaged: pages-1.img differs from the SHA-256"
                + " recorded when the checkpoint was made"), dialogs.errors);
        assertEquals("web/cp1 is damaged: pages-1.img differs from the SHA-256 recorded when the checkpoint was made",
                node(robot, "browserStatus", Label.class).getText());
        assertEquals(List.of("no checksums", "✖ damaged"), badges(robot));
        assertTrue(robot.lookup(n -> n instanceof Label l && l.getText().startsWith("damaged: pages-1.img differs"))
                .tryQuery().isPresent(), "the details name the file");
    }
}
