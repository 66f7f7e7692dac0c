package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The real views and dialogs, driven by clicks and typing in a headless window, over a recording service. */
@ExtendWith(ApplicationExtension.class)
class ViewsFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();
    private final ViewModelTest.RecordingDialogs dialogs = new ViewModelTest.RecordingDialogs();
    private final List<String> logsOpened = new ArrayList<>();
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running"),
                FakeCheckpointService.container("db", "exited")));
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        window = new MainWindow(stage, service, TaskExecutor.currentThread(), s -> dialogs, new Settings(settings),
                Path.of("/run/test.sock"), (owner, dir, cp, log) -> logsOpened.add(cp.container() + "/" + cp.name()
                        + "/" + log));
        window.show();
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    @Test
    void mainWindowShowsTheContainersAndTheStatusBar(FxRobot robot) {
        assertEquals("docker-checkpoint", stage.getTitle());
        assertFalse(stage.getIcons().isEmpty(), "the window has the application icon");
        TableView<?> table = node(robot, "containersTable", TableView.class);
        assertEquals(2, table.getItems().size());
        assertEquals("Helper test (as alice)", node(robot, "connectionStatus", Label.class).getText());
        assertTrue(node(robot, "versionsStatus", Label.class).getText().contains("CRIU 4.2.1"));
        assertFalse(node(robot, "problemPane", Node.class).isVisible());
    }

    @Test
    void filterBoxAndLiveEventsUpdateTheTable(FxRobot robot) {
        robot.clickOn("#containerFilter").write("db");
        TableView<?> table = node(robot, "containersTable", TableView.class);
        assertEquals(1, table.getItems().size());
        robot.doubleClickOn("#containerFilter").eraseText(2);
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running"),
                FakeCheckpointService.container("db", "exited"), FakeCheckpointService.container("cache", "running")));
        robot.interact(() -> service.fire("cache"));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(3, table.getItems().size());
    }

    @Test
    void checkpointDialogValidatesAsYouTypeAndSendsTheTickedOptions(FxRobot robot) {
        robot.clickOn("web");
        robot.clickOn("#checkpointButton");
        TextField name = node(robot, "checkpointName", TextField.class);
        assertEquals("checkpoint1", name.getText());
        robot.doubleClickOn(name).eraseText(12).write("bad/name");
        assertTrue(node(robot, "checkpointNameError", Label.class).getText().contains("contains '/'"));
        assertTrue(node(robot, "startCheckpoint", Button.class).isDisabled());
        robot.doubleClickOn(name).eraseText(12).write("nightly");
        assertEquals("", node(robot, "checkpointNameError", Label.class).getText());
        CheckBox preDump = node(robot, "preDump", CheckBox.class);
        assertTrue(preDump.isDisabled(), "pre-dump is disabled on this kernel");
        assertTrue(preDump.getTooltip().getText().contains("CONFIG_MEM_SOFT_DIRTY"));
        robot.clickOn("#tcp");
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, service.checkpoints.size());
        assertEquals("nightly", service.checkpoints.getFirst().name());
        assertEquals("web", service.checkpoints.getFirst().container());
        assertEquals(new CheckpointOptions(true, false, true, false), service.checkpoints.getFirst().options());
        assertEquals("Checkpoint web/nightly made in 1.3 s", node(robot, "resultTitle", Label.class).getText());
        assertTrue(robot.lookup("#checkpointName").tryQuery().isEmpty(), "the dialog closed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDialogsAndTheBrowserOfferTheDirectoriesTheHelperServes(FxRobot robot) {
        Path var = Path.of("/var/lib/docker-checkpoint/checkpoints");
        robot.clickOn("web");
        robot.clickOn("#checkpointButton");
        ComboBox<String> dir = node(robot, "checkpointDir", ComboBox.class);
        assertEquals(service.baseDirs, dir.getItems());
        assertEquals("/tmp/docker-checkpoints", dir.getValue(), "the last used one, which the helper serves");
        robot.clickOn(dir).clickOn(var.toString());
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(var, service.checkpoints.getFirst().baseDir());

        robot.clickOn("#navCheckpoints");
        ComboBox<Path> browserDir = node(robot, "browserDir", ComboBox.class);
        assertEquals(List.of(Path.of("/tmp/docker-checkpoints"), var), browserDir.getItems());
        assertEquals(var, browserDir.getValue(), "the browser follows the directory just used");
        TreeView<Object> tree = node(robot, "checkpointTree", TreeView.class);
        assertEquals(var.toString(), tree.getRoot().getValue());
        assertEquals(List.of("web"), tree.getRoot().getChildren().stream().map(TreeItem::getValue).toList());
        assertEquals("checkpoint1", ((CheckpointSummary) tree.getRoot().getChildren().getFirst().getChildren()
                .getFirst().getValue()).name());
        robot.clickOn(browserDir).clickOn("/tmp/docker-checkpoints");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("cp1", ((CheckpointSummary) tree.getRoot().getChildren().getFirst().getChildren()
                .getFirst().getValue()).name());

        robot.clickOn("cp1   244.1 KiB");
        robot.clickOn("#browserRestore");
        ComboBox<Path> restoreDir = node(robot, "restoreDir", ComboBox.class);
        assertEquals(Path.of("/tmp/docker-checkpoints"), restoreDir.getValue());
        robot.clickOn(restoreDir).clickOn(var.toString());
        WaitForAsyncUtils.waitForFxEvents();
        ComboBox<CheckpointSummary> checkpoint = node(robot, "restoreCheckpoint", ComboBox.class);
        assertEquals("checkpoint1", checkpoint.getValue().name(), "the chosen directory's checkpoints");
        robot.clickOn("#startRestore");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(var, service.restores.getFirst().baseDir());
    }

    @Test
    void checkpointFailureShowsTheErrorAndKeepsTheDialog(FxRobot robot) {
        service.checkpointFailure = new DcpException(ErrorCode.CRIU_FAILED, "CRIU could not checkpoint container web",
                "the container holds established TCP connections: checkpoint with -tcp");
        robot.clickOn("web");
        robot.press(KeyCode.CONTROL, KeyCode.K).release(KeyCode.K, KeyCode.CONTROL);
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("Checkpoint failed: CRIU could not checkpoint container web"), dialogs.errors);
        assertEquals("failed", node(robot, "checkpointPhase", Label.class).getText());
        assertTrue(robot.lookup("#checkpointName").tryQuery().isPresent());
    }

    @Test
    void restoreDialogFlagsATakenNameAndShowsTheChecksTurningGreen(FxRobot robot) {
        robot.clickOn("web");
        robot.clickOn("#restoreButton");
        TextField newName = node(robot, "newName", TextField.class);
        assertEquals("web-restored", newName.getText());
        robot.doubleClickOn(newName).eraseText(20).write("db");
        assertTrue(node(robot, "newNameError", Label.class).getText().contains("already exists"));
        assertTrue(node(robot, "startRestore", Button.class).isDisabled());
        robot.doubleClickOn(newName).eraseText(20).write("web-copy");
        assertEquals("", node(robot, "newNameError", Label.class).getText());
        robot.clickOn("#startRestore");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("web-copy", service.restores.getFirst().newName());
        assertEquals(5, robot.lookup(".step-passed").queryAll().size(), "five green checks");
        assertTrue(node(robot, "verificationSummary", Label.class).getText().startsWith("All 5 checks passed"));
        service.verificationPasses = false;
        robot.clickOn("#runAgainButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, robot.lookup(".step-failed").queryAll().size());
        assertTrue(node(robot, "verificationSummary", Label.class).getText().startsWith("1 of 5 checks failed"));
    }

    @Test
    void checkpointBrowserShowsDetailsOpensLogsAndDeletesAfterConfirmation(FxRobot robot) {
        robot.clickOn("#navCheckpoints");
        @SuppressWarnings("unchecked")
        TreeView<Object> tree = node(robot, "checkpointTree", TreeView.class);
        TreeItem<Object> web = tree.getRoot().getChildren().getFirst();
        assertEquals("web", web.getValue());
        robot.clickOn("cp1   244.1 KiB");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("Options").tryQuery().isPresent(), "details show the options");
        assertEquals(3, node(robot, "checkpointFiles", TableView.class).getItems().size());
        robot.clickOn("#openDumpLog");
        assertEquals(List.of("web/cp1/dump.log"), logsOpened);
        javafx.scene.chart.BarChart<?, ?> chart = node(robot, "downtimeChart", javafx.scene.chart.BarChart.class);
        assertEquals(1, chart.getData().size());
        assertEquals(1, chart.getData().getFirst().getData().size(), "one bar per checkpoint of the container");
        assertEquals(120.5, ((Number) chart.getData().getFirst().getData().getFirst().getYValue()).doubleValue());
        robot.clickOn("#checkpointContents");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(node(robot, "contentsSummary", Label.class).getText().contains("2 processes"));
        assertTrue(robot.lookup("8  sleep   1 thread, 64.0 KiB").tryQuery().isPresent(), "the sleep child is shown");
        Node contentsTree = robot.lookup("#contentsTree").query();
        robot.interact(() -> contentsTree.getScene().getWindow().hide());
        dialogs.answer = true;
        robot.clickOn("#deleteCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("web/cp1"), service.deleted);
        assertTrue(tree.getRoot().getChildren().isEmpty());
    }

    @Test
    void systemViewListsTheChecksWithTheirFix(FxRobot robot) {
        robot.clickOn("#navSystem");
        TableView<?> table = node(robot, "doctorTable", TableView.class);
        assertEquals(3, table.getItems().size());
        // missing dirty tracking only limits what the host can do: a warning, not a failure
        assertTrue(robot.lookup("WARN").tryQuery().isPresent());
        assertTrue(robot.lookup(".doctor-warn").tryQuery().isPresent());
        assertTrue(robot.lookup("FAIL").tryQuery().isEmpty());
        assertTrue(robot.lookup("use a kernel with CONFIG_MEM_SOFT_DIRTY=y").tryQuery().isPresent());
        assertTrue(node(robot, "doctorSummary", Label.class).getText().contains("without pre-dump"));
    }

    @Test
    void whenTheHelperIsAbsentTheWindowSaysWhatToDoAndRetries(FxRobot robot) {
        service.helloFailure = new DcpException(ErrorCode.HELPER_UNAVAILABLE, "helper not running",
                "start it with: sudo systemctl start docker-checkpoint.socket, or sudo docker-checkpoint helper");
        robot.interact(() -> window.model().connect(() -> { }));
        assertTrue(node(robot, "problemPane", Node.class).isVisible());
        assertTrue(node(robot, "problemHint", Label.class).getText().contains("systemctl start"));
        service.helloFailure = null;
        robot.clickOn("#retryButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(node(robot, "problemPane", Node.class).isVisible());
    }
}
