package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The engine picker: shown when the helper serves several engines; a pick shows that engine's containers. */
@ExtendWith(ApplicationExtension.class)
class EnginePickerFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();

    @Start
    void start(Stage stage) throws Exception {
        service.engines = List.of(new HelloInfo.EngineInfo("default", "unix:///var/run/docker.sock"),
                new HelloInfo.EngineInfo("second", "unix:///run/dcp-engine2/docker.sock"));
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running")));
        service.secondContainers = new ArrayList<>(List.of(FakeCheckpointService.container("db", "running"),
                FakeCheckpointService.container("cache", "running")));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        new MainWindow(stage, service, TaskExecutor.currentThread(), s -> new ViewModelTest.RecordingDialogs(),
                new Settings(settings), Path.of("/run/test.sock"), (owner, dir, cp, log) -> { }).show();
    }

    @Test
    @SuppressWarnings("unchecked")
    void pickingAnotherEngineShowsItsContainers(FxRobot robot) {
        ComboBox<String> picker = robot.lookup("#enginePicker").queryAs(ComboBox.class);
        assertTrue(picker.isVisible(), "two engines: the picker is shown");
        assertEquals(List.of("default", "second"), picker.getItems());
        assertEquals("default", picker.getValue());
        TableView<?> table = robot.lookup("#containersTable").queryAs(TableView.class);
        assertEquals(1, table.getItems().size());

        robot.clickOn(picker).clickOn("second");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("second", service.selectedEngine);
        assertEquals(2, table.getItems().size(), "the second engine's containers");
        assertTrue(robot.lookup("#connectionStatus").queryAs(Label.class).getText().endsWith("engine second"));
        assertFalse(robot.lookup("#problemPane").query().isVisible());
    }
}
