package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.HostConfig;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
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
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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
 * The desktop application's Migrate… against the real helper serving the system engine and the
 * second one (DOCKER_HOST in the second lane of scripts/test), Docker and CRIU: a counter moves
 * to the second engine through the dialog, the result shows its downtime, and the window then
 * shows the second engine with the copy selected, counting on.
 */
@Tag("e2e")
@Tag("two-engines")
@ExtendWith(ApplicationExtension.class)
class MigrateGuiE2ETest {
    private static final String SYSTEM = TwoEngines.SYSTEM;
    private static HelperProcess helper;
    private static Path base;
    private static String app;
    private static String host;
    private static Engine system;
    private static Engine second;
    private HelperCheckpointService service;

    @BeforeAll
    static void startHelperAndContainer() throws Exception {
        E2E.engine();
        host = TwoEngines.secondHost();
        system = Engine.forHost(SYSTEM, Journal.NONE);
        second = Engine.forHost(host, Journal.NONE);
        E2E.ensureImages(system.docker().client());
        base = E2E.newBaseDir();
        helper = new HelperProcess();
        Path config = helper.dir.resolve("engines.json");
        Files.writeString(config, "{\"baseDirs\": [\"" + base + "\"], \"engines\": [{\"name\": \"system\","
                + " \"host\": \"" + SYSTEM + "\"}, {\"name\": \"current\", \"host\": \"" + host + "\"}]}\n");
        helper.start("--config", config.toString());
        app = E2E.name("gui-mig");
        String id = system.docker().client().createContainerCmd(E2E.BUSYBOX).withName(app)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .withCmd("sh", "-c", "i=0; while true; do echo m-$i; i=$((i+1)); sleep 0.2; done").exec().getId();
        system.docker().client().startContainerCmd(id).exec();
        waitForNumber(system, 3);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Engine e : new Engine[] {system, second}) {
            if (e == null) {
                continue;
            }
            TwoEngines.removeWithHolder(e, app);
            e.close();
        }
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

    private static List<Long> numbers(Engine engine) {
        return Counts.inLog(engine.docker().client(), app, "m-");
    }

    private static long waitForNumber(Engine engine, long atLeast) throws Exception {
        return Counts.waitFor(app, () -> numbers(engine), atLeast, Duration.ofSeconds(30));
    }

    @Test
    void aCounterMovesToTheSecondEngineThroughTheDialogAndTheWindowFollowsIt(FxRobot robot) throws Exception {
        TableView<?> table = robot.lookup("#containersTable").queryAs(TableView.class);
        waitFor("the container in the table", 30, () -> table.getItems().toString().contains(app));
        robot.clickOn("#containerFilter").write(app);
        waitFor("the filtered table", 10, () -> table.getItems().size() == 1);
        for (int attempt = 0; attempt < 40 && table.getSelectionModel().getSelectedItems().isEmpty(); attempt++) {
            robot.clickOn(robot.lookup("#containersTable .table-row-cell").nth(0).queryAs(Node.class));
            WaitForAsyncUtils.waitForFxEvents();
            if (table.getSelectionModel().getSelectedItems().isEmpty()) {
                Thread.sleep(250);
            }
        }
        Button migrate = robot.lookup("#migrateButton").queryAs(Button.class);
        waitFor("Migrate… enabled (two engines, a running container)", 10, () -> !migrate.isDisabled());
        robot.clickOn(migrate);
        ComboBox<?> target = robot.lookup("#migrateTarget").queryAs(ComboBox.class);
        assertEquals(1, target.getItems().size(), "the helper's other engine");
        assertTrue(target.getConverter() != null && robot.lookup("#migrateExplanation").queryAs(Label.class).getText()
                .contains("until its copy runs on current"));
        long before = numbers(system).getLast();
        robot.clickOn("#startMigrate");
        waitFor("the migration to end", 180, () -> robot.lookup("#migrateResult").query().isVisible()
                || robot.lookup("#migrateError").query().isVisible());
        assertFalse(robot.lookup("#migrateError").query().isVisible(),
                () -> robot.lookup("#migrateErrorMessage").queryAs(Label.class).getText());
        String headline = robot.lookup("#migrateHeadline").queryAs(Label.class).getText();
        assertTrue(headline.startsWith(app + " now runs on current (id "), headline);
        String downtime = robot.lookup("#migrateDowntime").queryAs(Label.class).getText();
        assertTrue(downtime.startsWith("The application was paused for "), downtime);
        System.out.println("GUI migration: " + downtime + " " + robot.lookup("#part-dump").queryAs(Label.class)
                .getText() + ", " + robot.lookup("#part-transfer").queryAs(Label.class).getText() + ", "
                + robot.lookup("#part-restore").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#migrateAfterword").queryAs(Label.class).getText()
                .startsWith("The copy passed all 5 checks"));
        assertNull(system.docker().inspectContainer(app), "the original is removed");
        assertTrue(second.docker().inspectContainer(app).path("State").path("Running").asBoolean());
        long continued = waitForNumber(second, before + 5);
        assertTrue(numbers(second).getFirst() > before, "the copy counts on from where the original was frozen");
        assertTrue(continued > before);

        WaitForAsyncUtils.waitForFxEvents(); // the window has grown to the wrapped result
        robot.clickOn("#migrateSwitch");
        ComboBox<?> picker = robot.lookup("#enginePicker").queryAs(ComboBox.class);
        waitFor("the window on engine current", 30, () -> "current".equals(picker.getValue()));
        waitFor("the copy selected in the table", 30, () -> table.getSelectionModel().getSelectedItem() != null
                && table.getSelectionModel().getSelectedItem().toString().contains(app));
        service.close();
    }
}
