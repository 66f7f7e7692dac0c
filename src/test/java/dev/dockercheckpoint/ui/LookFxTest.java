package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.ui.containers.LastCheckpoints;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import dev.dockercheckpoint.ui.theme.ThemeChoice;
import dev.dockercheckpoint.ui.theme.Themes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.MenuBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Region;
import javafx.scene.paint.Paint;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kordamp.ikonli.javafx.FontIcon;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The look of the real window: theme switching (and that it is remembered), icons, the result
 * banner after a checkpoint, empty states, the last-checkpoint column and desktop notifications.
 */
@ExtendWith(ApplicationExtension.class)
class LookFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();
    private final ViewModelTest.RecordingDialogs dialogs = new ViewModelTest.RecordingDialogs();
    private final List<List<String>> notifications = new CopyOnWriteArrayList<>();
    private final AtomicBoolean focused = new AtomicBoolean(true);
    private final AtomicBoolean desktopDark = new AtomicBoolean(false);
    private Settings settings;
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running"),
                FakeCheckpointService.container("db", "exited")));
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        settings = new Settings(Files.createTempDirectory(tmp, "settings").resolve("settings.json"));
        window = open(stage);
    }

    private MainWindow open(Stage on) {
        MainWindow w = new MainWindow(on, service, TaskExecutor.currentThread(), s -> dialogs, settings,
                Path.of("/run/test.sock"), (owner, dir, cp, log) -> { }, new Themes(settings, desktopDark::get),
                new DesktopNotifier(focused::get, notifications::add));
        w.show();
        return w;
    }

    private static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    private RadioMenuItem themeItem(FxRobot robot, String id) {
        MenuBar bar = node(robot, "menuBar", MenuBar.class);
        return (RadioMenuItem) bar.getMenus().getFirst().getItems().stream().filter(i -> id.equals(i.getId()))
                .findFirst().orElseThrow();
    }

    private static Paint sidebarBackground(FxRobot robot) {
        Region sidebar = robot.lookup(".sidebar").queryAs(Region.class);
        sidebar.applyCss();
        return sidebar.getBackground().getFills().getFirst().getFill();
    }

    @Test
    void theViewMenuSwitchesTheThemeAndItIsRemembered(FxRobot robot) {
        assertEquals(Themes.LIGHT, Application.getUserAgentStylesheet(), "light: the desktop prefers no dark");
        assertTrue(themeItem(robot, "themeSystem").isSelected());
        Paint light = sidebarBackground(robot);

        robot.clickOn("View").clickOn("Dark");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Themes.DARK, Application.getUserAgentStylesheet());
        assertTrue(window.themes().darkProperty().get());
        Paint dark = sidebarBackground(robot);
        assertNotEquals(light, dark, "app.css takes its colours from the theme");
        assertEquals("DARK", settings.load().theme());

        // a new window (the next start) opens dark, with Dark ticked
        robot.interact(() -> {
            stage.close();
            window = open(new Stage());
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Themes.DARK, Application.getUserAgentStylesheet());
        assertTrue(themeItem(robot, "themeDark").isSelected());

        robot.clickOn("View").clickOn("Light");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Themes.LIGHT, Application.getUserAgentStylesheet());
        assertEquals(light, sidebarBackground(robot));
        assertEquals("LIGHT", settings.load().theme());
    }

    @Test
    void followingTheDesktopTakesItsPreference(FxRobot robot) {
        desktopDark.set(true);
        robot.clickOn("View").clickOn("Dark");
        robot.clickOn("View").clickOn("Follow the desktop");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Themes.DARK, Application.getUserAgentStylesheet(), "the desktop prefers dark");
        assertEquals(ThemeChoice.SYSTEM, window.themes().choiceProperty().get());
        desktopDark.set(false);
        robot.interact(() -> window.themes().recheckDesktop(TaskExecutor.currentThread(), desktopDark::get));
        assertEquals(Themes.LIGHT, Application.getUserAgentStylesheet(), "the desktop went light again");
        robot.clickOn("View").clickOn("Light");
    }

    @Test
    void actionsCarryIcons(FxRobot robot) {
        for (String id : List.of("checkpointButton", "restoreButton", "navContainers", "navCheckpoints",
                "navSystem")) {
            assertTrue(node(robot, id, Labeled.class).getGraphic() instanceof FontIcon, id + " has an icon");
        }
        robot.clickOn("#navCheckpoints");
        for (String id : List.of("browserRestore", "openDumpLog", "deleteCheckpoint", "checkpointContents")) {
            assertTrue(node(robot, id, Labeled.class).getGraphic() instanceof FontIcon, id + " has an icon");
        }
    }

    @Test
    void aCheckpointsResultStaysAfterTheDialogClosesAndOpensIt(FxRobot robot) {
        assertFalse(node(robot, "resultBanner", Node.class).isVisible());
        robot.clickOn("web");
        robot.clickOn("#checkpointButton");
        robot.doubleClickOn("#checkpointName").eraseText(12).write("nightly");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#checkpointName").tryQuery().isEmpty(), "the dialog closed");
        assertTrue(node(robot, "resultBanner", Node.class).isVisible());
        assertEquals("Checkpoint web/nightly made in 1.3 s", node(robot, "resultTitle", Label.class).getText());
        String detail = node(robot, "resultDetail", Label.class).getText();
        assertTrue(detail.startsWith("Downtime "), detail);
        assertTrue(detail.contains(" ms"), detail);
        assertTrue(detail.contains("1000 B in 3 files"), "size and files read through the helper: " + detail);
        assertEquals("In /tmp/docker-checkpoints/web/nightly", node(robot, "resultWhere", Label.class).getText());
        assertTrue(focused.get());
        assertTrue(notifications.isEmpty(), "no desktop notification while the window has the focus");

        // it is still there later, until dismissed; Open shows it in the browser
        robot.clickOn("#navSystem");
        assertTrue(node(robot, "resultBanner", Node.class).isVisible());
        robot.clickOn("#resultOpen");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(node(robot, "navCheckpoints", javafx.scene.control.ToggleButton.class).isSelected());
        CheckpointSummary selected = window.browser().selectedProperty().get();
        assertNotNull(selected);
        assertEquals("web/nightly", selected.container() + "/" + selected.name());
        @SuppressWarnings("unchecked")
        TreeView<Object> tree = node(robot, "checkpointTree", TreeView.class);
        assertEquals(selected, tree.getSelectionModel().getSelectedItem().getValue(), "selected in the tree too");
        robot.clickOn("#resultDismiss");
        assertFalse(node(robot, "resultBanner", Node.class).isVisible());
    }

    @Test
    void aCheckpointEndingWhileTheWindowIsInTheBackgroundNotifiesTheDesktop(FxRobot robot) {
        robot.clickOn("web");
        robot.clickOn("#checkpointButton");
        focused.set(false);
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, notifications.size());
        List<String> command = notifications.getFirst();
        assertEquals("notify-send", command.getFirst());
        assertEquals("Checkpoint web/checkpoint1 made in 1.3 s", command.get(command.size() - 2));
        assertTrue(command.getLast().startsWith("Downtime "), command.toString());
        assertEquals("--", command.get(command.size() - 3), "the texts are never read as options");

        service.checkpointFailure = new DcpException(ErrorCode.CRIU_FAILED, "CRIU could not checkpoint", "fix");
        robot.clickOn("web");
        robot.clickOn("#checkpointButton");
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, notifications.size());
        assertTrue(notifications.get(1).contains("--urgency=critical"), notifications.get(1).toString());
        assertTrue(notifications.get(1).contains("Checkpoint of web failed"));
    }

    @Test
    void emptyListsSayWhatToDoNext(FxRobot robot) {
        robot.clickOn("#containerFilter").write("nothing-like-this");
        EmptyState empty = node(robot, "containersEmpty", EmptyState.class);
        assertTrue(empty.isVisible());
        assertEquals("No container matches \u201cnothing-like-this\u201d", empty.titleLabel().getText());
        assertEquals("Clear the filter to see all 2 containers.", empty.textLabel().getText());
        robot.clickOn(empty.actionButton());
        assertEquals(2, node(robot, "containersTable", TableView.class).getItems().size());

        service.containers = new ArrayList<>();
        robot.interact(() -> window.containers().refresh());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("No containers yet", empty.titleLabel().getText());
        assertTrue(empty.textLabel().getText().contains("docker run"), empty.textLabel().getText());
        assertFalse(empty.actionButton().isVisible());

        robot.clickOn("#navCheckpoints");
        EmptyState none = node(robot, "checkpointsEmpty", EmptyState.class);
        assertEquals("No checkpoint selected", none.titleLabel().getText());
        service.stored.clear();
        robot.interact(() -> window.browser().refresh());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("No checkpoints in /tmp/docker-checkpoints yet", none.titleLabel().getText());
        assertTrue(none.textLabel().getText().contains("Checkpoint\u2026 (Ctrl+K)"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theContainerListShowsTheLastCheckpointsTime(FxRobot robot) {
        TableView<Object> table = node(robot, "containersTable", TableView.class);
        TableColumn<Object, String> column = (TableColumn<Object, String>) table.getColumns().stream()
                .filter(c -> "lastCheckpointColumn".equals(c.getId())).findFirst().orElseThrow();
        assertEquals("Last checkpoint", column.getText());
        Object web = table.getItems().stream().filter(r -> r.toString().contains("name=web")).findFirst()
                .orElseThrow();
        Object db = table.getItems().stream().filter(r -> r.toString().contains("name=db")).findFirst()
                .orElseThrow();
        String cp1 = LastCheckpoints.format(Instant.parse("2026-11-28T10:00:00Z"), ZoneId.systemDefault());
        assertEquals(cp1, column.getCellData(web));
        assertTrue(robot.lookup(cp1).tryQuery().isPresent(), "the time is shown in the table");
        assertEquals("", column.getCellData(db), "db has no checkpoint");

        // an old checkpoint of db in the helper's other directory: found there too
        service.stored.add(new CheckpointSummary("db", "old", Path.of("/var/lib/docker-checkpoint/checkpoints",
                "db", "old"), Instant.parse("2020-01-01T08:30:00Z"), 4096, null));
        robot.type(javafx.scene.input.KeyCode.F5);
        WaitForAsyncUtils.waitForFxEvents();
        String old = LastCheckpoints.format(Instant.parse("2020-01-01T08:30:00Z"), ZoneId.systemDefault());
        assertEquals(old, column.getCellData(db));
        // then one made now: the newest is shown
        robot.clickOn("db");
        robot.clickOn("#checkpointButton");
        robot.clickOn("#startCheckpoint");
        WaitForAsyncUtils.waitForFxEvents();
        String made = column.getCellData(db);
        assertFalse(made.isEmpty());
        assertNotEquals(old, made, "the newest one: the one just made");
        assertEquals(cp1, column.getCellData(web));
    }
}
