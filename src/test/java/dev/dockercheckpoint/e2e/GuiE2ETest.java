package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The desktop application against the real helper process, Docker engine and CRIU: select a
 * running counter, checkpoint it through the dialog, restore it under a new name, and watch the
 * five verification steps pass.
 */
@Tag("e2e")
@ExtendWith(ApplicationExtension.class)
class GuiE2ETest {
    private static HelperProcess helper;
    private static Path base;
    private static String app;
    private HelperCheckpointService service;

    @BeforeAll
    static void startHelperAndContainer() throws Exception {
        E2E.engine();
        base = E2E.newBaseDir();
        helper = new HelperProcess().serving(base).start();
        app = E2E.name("gui");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo g-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "g-", 2, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) {
            System.out.println("--- helper log\n" + helper.log());
            helper.close();
        }
        E2E.deleteTree(base);
    }

    @Start
    void start(Stage stage) throws Exception {
        service = new HelperCheckpointService(helper.socket);
        Path settingsFile = Files.createTempDirectory("dcp-gui-settings").resolve("settings.json");
        Settings settings = new Settings(settingsFile);
        settings.save(new Settings.Values(1100, 720, base.toString()));
        new MainWindow(stage, service, new FxTaskExecutor(), FxDialogService::new, settings, helper.socket,
                (owner, dir, cp, log) -> { }).show();
    }

    private static void waitFor(String what, long seconds, java.util.concurrent.Callable<Boolean> condition)
            throws Exception {
        try {
            // a lookup while a window closes can see a scene without a root: that counts as "not yet"
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
                try {
                    return condition.call();
                } catch (RuntimeException e) {
                    return false;
                }
            });
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "\n--- helper log\n" + helper.log());
        }
    }

    @Test
    void checkpointThroughTheDialogThenRestoreAndSeeAllFiveChecksPass(FxRobot robot) throws Exception {
        TableView<?> table = robot.lookup("#containersTable").queryAs(TableView.class);
        waitFor("the container in the table", 30, () -> table.getItems().toString().contains(app));
        robot.clickOn("#containerFilter").write(app);
        waitFor("the filtered table", 10, () -> table.getItems().size() == 1);
        // live refreshes (Docker events) may replace the rows under the pointer: click until selected
        // (on a busy host the events come often: keep clicking, with a pause, for up to 10 s)
        for (int attempt = 0; attempt < 40 && table.getSelectionModel().getSelectedItems().isEmpty(); attempt++) {
            if (attempt % 2 == 0) {
                robot.clickOn(robot.lookup("#containersTable .table-row-cell").nth(0).queryAs(javafx.scene.Node.class));
            } else {
                // or as a keyboard user does: focus the table, Home selects the first row
                robot.clickOn(table).type(javafx.scene.input.KeyCode.HOME);
            }
            WaitForAsyncUtils.waitForFxEvents();
            if (table.getSelectionModel().getSelectedItems().isEmpty()) {
                Thread.sleep(250);
            }
        }
        assertEquals(1, table.getSelectionModel().getSelectedItems().size(), "the container is selected");
        robot.clickOn("#checkpointButton");
        javafx.scene.control.ComboBox<?> dir = robot.lookup("#checkpointDir").queryAs(javafx.scene.control.ComboBox.class);
        assertEquals(List.of(base.toString()), dir.getItems(), "the directories the helper serves");
        assertEquals(base.toString(), dir.getValue(), "the last used directory is remembered");
        robot.clickOn("#startCheckpoint");
        waitFor("the checkpoint to finish", 120, () -> robot.lookup("#checkpointName").tryQuery().isEmpty());
        Path checkpoint = base.resolve(app).resolve("checkpoint1");
        assertTrue(Files.isRegularFile(checkpoint.resolve("dump.log")), "checkpoint written by the helper");
        long checkpointed = E2E.numbers(app, "g-").getLast();

        E2E.remove(app);
        E2E.track(app + "-restored");
        robot.interact(() -> { });
        waitFor("the removed container to leave the table", 30, () -> table.getItems().isEmpty());
        robot.clickOn("#restoreButton");
        waitFor("the checkpoint in the restore dialog", 30, () -> robot.lookup("#newName").queryAs(TextField.class)
                .getText().equals(app + "-restored"));
        robot.clickOn("#startRestore");
        waitFor("the verification to end", 120, () -> {
            String text = robot.lookup("#verificationSummary").queryAs(Label.class).getText();
            return text.startsWith("All ") || text.contains("failed");
        });
        String summary = robot.lookup("#verificationSummary").queryAs(Label.class).getText();
        assertTrue(summary.startsWith("All 5 checks passed"), summary);
        assertEquals(5, robot.lookup(".step-passed").queryAll().size());
        assertTrue(E2E.running(app + "-restored"));
        E2E.waitForNumber(app + "-restored", "g-", checkpointed + 1, Duration.ofSeconds(20));
        service.close();
    }
}
