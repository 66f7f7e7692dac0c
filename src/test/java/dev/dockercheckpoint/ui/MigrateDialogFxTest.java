package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.migrate.MigrateDialog;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Migrate… in the real views over a recording service: offered on a running container when the
 * helper serves another engine; the dialog's target, name check and sentence; the stages as the
 * helper reports them; the result that stays, with the window switched to the copy's engine; an
 * error with its hint; Stop.
 */
@ExtendWith(ApplicationExtension.class)
class MigrateDialogFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        service.engines = List.of(new HelloInfo.EngineInfo("default", "unix:///var/run/docker.sock"),
                new HelloInfo.EngineInfo("second", "unix:///run/dcp-engine2/docker.sock"));
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running"),
                FakeCheckpointService.container("db", "exited")));
        service.secondContainers = new ArrayList<>(List.of(FakeCheckpointService.container("cache", "running")));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        window = new MainWindow(stage, service, TaskExecutor.currentThread(), s -> new ViewModelTest.RecordingDialogs(),
                new Settings(settings), Path.of("/run/test.sock"), (owner, dir, cp, log) -> { });
        window.show();
    }

    @AfterEach
    void closeDialogs(FxRobot robot) {
        robot.interact(() -> Window.getWindows().stream().filter(w -> w != stage).toList().forEach(Window::hide));
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    private static String text(FxRobot robot, String id) {
        return node(robot, id, Label.class).getText();
    }

    private static Stage dialogWindow() {
        return (Stage) Window.getWindows().stream().filter(w -> w instanceof Stage s && s.getTitle() != null
                && s.getTitle().startsWith("Migrate ")).findFirst().orElse(null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunningContainerMovesToTheOtherEngineAndTheResultStaysUntilTheWindowShowsTheCopy(FxRobot robot) {
        Button migrate = node(robot, "migrateButton", Button.class);
        assertTrue(migrate.isDisabled(), "nothing selected");
        robot.clickOn("db");
        assertTrue(migrate.isDisabled(), "an exited container cannot be migrated");
        robot.clickOn("web");
        assertFalse(migrate.isDisabled(), "a running container, and another engine to go to");
        ContextMenu menu = node(robot, "containersTable", TableView.class).getContextMenu();
        MenuItem item = menu.getItems().stream().filter(i -> "migrateMenuItem".equals(i.getId())).findFirst()
                .orElseThrow();
        assertFalse(item.isDisable(), "the context menu offers it too");

        robot.press(KeyCode.CONTROL, KeyCode.M).release(KeyCode.M, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Migrate web - docker-checkpoint", dialogWindow().getTitle(), "Ctrl+M opens the dialog");
        ComboBox<HelloInfo.EngineInfo> target = node(robot, "migrateTarget", ComboBox.class);
        assertEquals(List.of("second"), target.getItems().stream().map(HelloInfo.EngineInfo::name).toList(),
                "the helper's other engines");
        assertEquals("second (unix:///run/dcp-engine2/docker.sock)", target.getConverter().toString(target.getValue()));
        assertEquals("The container stays frozen until its copy runs on second; then the original is removed. If"
                + " anything fails it runs on.", text(robot, "migrateExplanation"));
        assertFalse(node(robot, "migrateResult", Node.class).isVisible());

        robot.clickOn("#migrateNewName").write("web/2");
        assertTrue(text(robot, "migrateNameError").contains("contains '/'"), text(robot, "migrateNameError"));
        assertTrue(node(robot, "startMigrate", Button.class).isDisabled());
        robot.eraseText(2).write("-moved");
        assertEquals("", text(robot, "migrateNameError"));
        robot.clickOn("#startMigrate");
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(1, service.migrations.size());
        FakeCheckpointService.Migration sent = service.migrations.getFirst();
        assertEquals("second", sent.to());
        assertEquals("web", sent.request().container());
        assertEquals("web-moved", sent.request().copyName());
        assertEquals(Path.of("/tmp/docker-checkpoints"), sent.request().baseDir(), "a directory the helper serves");

        assertTrue(node(robot, "migrateResult", Node.class).isVisible(), "the result is shown");
        assertEquals("web now runs on second as web-moved (id c0ffeec0ffee).", text(robot, "migrateHeadline"));
        assertEquals("The application was paused for 1.24 s, from the freeze to its copy running:",
                text(robot, "migrateDowntime"));
        assertEquals("dump 402 ms", text(robot, "part-dump"));
        assertEquals("transfer 31 ms", text(robot, "part-transfer"));
        assertEquals("restore 811 ms", text(robot, "part-restore"));
        assertTrue(text(robot, "migrateAfterword").startsWith("The copy passed all 5 checks (verified in 214 ms)."
                + " The original stayed frozen for 1.52 s in all and was removed"), text(robot, "migrateAfterword"));
        for (String s : List.of("dump", "transfer", "restore", "verify")) {
            assertTrue(node(robot, "stage-" + s, Label.class).getStyleClass().contains("stage-done"), s);
        }
        assertFalse(node(robot, "startMigrate", Button.class).isVisible(), "nothing to start again");
        assertEquals("Close", node(robot, "cancelMigrate", Button.class).getText());
        assertFalse(node(robot, "migrateError", Node.class).isVisible());
        assertEquals(1, node(robot, "containersTable", TableView.class).getItems().size(),
                "the original left this engine's list");
        WaitForAsyncUtils.sleep(300, TimeUnit.MILLISECONDS);
        assertTrue(dialogWindow() != null && dialogWindow().isShowing(), "the result stays until it is read");

        Button show = node(robot, "migrateSwitch", Button.class);
        assertEquals("Show engine second", show.getText());
        robot.clickOn(show);
        WaitForAsyncUtils.waitForFxEvents();
        assertNull(dialogWindow(), "the dialog closed");
        assertEquals("second", service.selectedEngine);
        assertEquals("second", node(robot, "enginePicker", ComboBox.class).getValue());
        TableView<?> table = node(robot, "containersTable", TableView.class);
        assertEquals(2, table.getItems().size(), "the second engine's containers, the copy among them");
        assertEquals("web-moved", window.containers().selectedProperty().get().name(), "the copy is selected");
    }

    @Test
    void oneEngineOnlyOffersNoMigration(FxRobot robot) throws Exception {
        FakeCheckpointService single = new FakeCheckpointService();
        single.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running")));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        Stage[] other = new Stage[1];
        MainWindow[] w = new MainWindow[1];
        robot.interact(() -> {
            other[0] = new Stage();
            w[0] = new MainWindow(other[0], single, TaskExecutor.currentThread(),
                    s -> new ViewModelTest.RecordingDialogs(), new Settings(settings), Path.of("/run/test.sock"),
                    (owner, dir, cp, log) -> { });
            w[0].show();
            w[0].containers().selectedProperty().set(w[0].containers().rows().getFirst());
        });
        try {
            Button button = robot.from(other[0].getScene().getRoot()).lookup("#migrateButton").queryAs(Button.class);
            assertTrue(button.isDisabled(), "a running container, but no other engine");
            robot.interact(() -> other[0].getScene().getAccelerators().get(new javafx.scene.input.KeyCodeCombination(
                    KeyCode.M, javafx.scene.input.KeyCombination.SHORTCUT_DOWN)).run());
            assertNull(dialogWindow(), "Ctrl+M does nothing");
            assertTrue(single.migrations.isEmpty());
        } finally {
            robot.interact(() -> other[0].hide());
        }
    }

    @Test
    void aFailureReadsAsSentencesWithWhatToDoAndMayBeTriedAgain(FxRobot robot) {
        service.migrationFailure = new DcpException(ErrorCode.NAME_IN_USE, "a container named web already exists on"
                + " second", "migrate with --new-name NAME, or remove that container there first");
        robot.clickOn("web");
        robot.clickOn("#migrateButton");
        robot.clickOn("#startMigrate");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(node(robot, "migrateError", Node.class).isVisible());
        assertFalse(node(robot, "migrateResult", Node.class).isVisible());
        assertEquals("The migration failed.", text(robot, "migrateErrorTitle"));
        assertEquals("A container named web already exists on second.", text(robot, "migrateErrorMessage"));
        assertEquals("What to do: Migrate with --new-name NAME, or remove that container there first.",
                text(robot, "migrateErrorHint"));
        assertTrue(node(robot, "stage-restore", Label.class).getStyleClass().contains("stage-failed"));
        assertTrue(node(robot, "stage-dump", Label.class).getStyleClass().contains("stage-done"));
        assertTrue(node(robot, "stage-verify", Label.class).getStyleClass().contains("stage-pending"));

        Button again = node(robot, "startMigrate", Button.class);
        assertEquals("Try again", again.getText());
        assertFalse(again.isDisabled());
        service.migrationFailure = null;
        robot.clickOn("#migrateNewName").write("web2");
        robot.clickOn(again);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, service.migrations.size());
        assertFalse(node(robot, "migrateError", Node.class).isVisible(), "the old error is gone");
        assertEquals("web now runs on second as web2 (id c0ffeec0ffee).", text(robot, "migrateHeadline"));
    }

    @Test
    void stopWhileFrozenThawsTheOriginalAndSaysSo(FxRobot robot) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        service.migrationGate = gate;
        // in the background, as in the application: Stop is clicked while the migration runs
        robot.interact(() -> {
            MigrateDialogViewModel vm = new MigrateDialogViewModel(service, new FxTaskExecutor(), "web", "default",
                    service.engines, Path.of("/tmp/docker-checkpoints"));
            new MigrateDialog(vm, r -> { }, (engine, copy) -> { }).show(stage);
        });
        robot.clickOn("#startMigrate");
        assertTrue(service.migrationWaiting.await(10, TimeUnit.SECONDS), "the migration runs");
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> node(robot, "stage-restore", Label.class)
                .getStyleClass().contains("stage-active"));
        assertTrue(node(robot, "stage-dump", Label.class).getStyleClass().contains("stage-done"));
        assertTrue(node(robot, "stage-transfer", Label.class).getStyleClass().contains("stage-done"));
        assertEquals("restoring with CRIU", text(robot, "migratePhase"));
        Button stop = node(robot, "cancelMigrate", Button.class);
        assertEquals("Stop", stop.getText());
        assertTrue(node(robot, "migrateTarget", Node.class).isDisabled(), "no change while it runs");
        robot.clickOn(stop);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> node(robot, "migrateError", Node.class).isVisible());
        assertEquals("Stopped.", text(robot, "migrateErrorTitle"));
        assertEquals("Cancelled; web was thawed and runs on, nothing was left on second.",
                text(robot, "migrateErrorMessage"));
        assertTrue(node(robot, "stage-restore", Label.class).getStyleClass().contains("stage-failed"));
        assertEquals("Close", stop.getText());
        assertTrue(dialogWindow().isShowing(), "the dialog stays with what happened");
        gate.countDown();
    }
}
