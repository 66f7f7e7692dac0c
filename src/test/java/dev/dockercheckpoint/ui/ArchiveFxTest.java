package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.ui.archive.TransferProgress;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.Settings;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeView;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Export… and Import… in the checkpoint browser, their progress and Stop, and a file dropped on the
 * window, in a headless window over a recording service whose transfers run in the background.
 */
@ExtendWith(ApplicationExtension.class)
class ArchiveFxTest {
    @TempDir
    static Path tmp;

    private final FakeCheckpointService service = new FakeCheckpointService();
    private final List<String> chosen = new ArrayList<>();
    private final Dialogs dialogs = new Dialogs();

    /** Records what is shown; the save chooser answers "chosen-" and the proposed name. */
    private final class Dialogs implements dev.dockercheckpoint.ui.services.DialogService {
        final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void showError(String title, Throwable error) {
            errors.add(title + ": " + error.getMessage());
        }

        @Override
        public boolean confirm(String title, String question) {
            return true;
        }

        @Override
        public void notify(String text) {
            notes.add(text);
        }

        @Override
        public Optional<Path> chooseDirectory(String title, Path initial) {
            return Optional.empty();
        }

        @Override
        public Optional<Path> chooseSaveFile(String title, Path initial) {
            chosen.add(title + ": " + initial);
            return Optional.of(initial.resolveSibling("chosen-" + initial.getFileName()));
        }

        @Override
        public void copyToClipboard(String text) {
        }
    }
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running")));
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        Path settings = Files.createTempDirectory(tmp, "settings").resolve("settings.json");
        window = new MainWindow(stage, service, new FxTaskExecutor(), s -> dialogs, new Settings(settings),
                Path.of("/run/test.sock"), (owner, dir, cp, log) -> { });
        window.show();
    }

    private static <T extends javafx.scene.Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    private static void await(String what, BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return condition.getAsBoolean();
        });
    }

    private void selectCp1(FxRobot robot) throws Exception {
        robot.clickOn("#navCheckpoints");
        await("the browser lists cp1", () -> robot.lookup("cp1   244.1 KiB").tryQuery().isPresent());
        robot.clickOn("cp1   244.1 KiB");
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void exportProposesANameShowsProgressStopsAndThenExports(FxRobot robot) throws Exception {
        selectCp1(robot);
        robot.clickOn("#browserExport");
        TextField file = node(robot, "exportFile", TextField.class);
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, "web-cp1.tar.zst").toString(), file.getText());
        @SuppressWarnings("unchecked")
        ComboBox<String> compression = node(robot, "exportCompression", ComboBox.class);
        robot.clickOn(compression).clickOn("gzip");
        assertEquals(Path.of(home, "web-cp1.tar.gz").toString(), file.getText(), "the extension follows");
        robot.clickOn("#exportBrowse");
        assertEquals(List.of("Export web/cp1: " + Path.of(home, "web-cp1.tar.gz")), chosen);
        assertEquals(Path.of(home, "chosen-web-cp1.tar.gz").toString(), file.getText());

        Path existing = Files.writeString(tmp.resolve("taken.tar.gz"), "x");
        robot.interact(() -> file.setText(existing.toString()));
        assertTrue(node(robot, "exportFileError", Label.class).getText().contains("already exists"));
        assertTrue(node(robot, "startExport", Button.class).isDisabled());
        Path target = tmp.resolve("web-cp1.tar.gz");
        robot.interact(() -> file.setText(target.toString()));
        assertEquals("", node(robot, "exportFileError", Label.class).getText());

        service.holdTransfers = true;
        robot.clickOn("#startExport");
        Label status = node(robot, "exportStatus", Label.class);
        await("half-way", () -> status.getText().contains("40%"));
        assertTrue(status.getText().matches("1\\.5 MiB, 40%, .*/s, \\d+ s left"), status.getText());
        assertEquals(0.4, node(robot, "exportProgress", ProgressBar.class).getProgress(), 1e-9);
        Button stop = node(robot, "exportCancel", Button.class);
        assertEquals("Stop", stop.getText());
        assertTrue(compression.isDisabled(), "nothing changes while it runs");
        robot.clickOn(stop);
        Label outcome = node(robot, "exportOutcome", Label.class);
        await("stopped", () -> outcome.getText().equals("Stopped: no file was written."));
        assertEquals("Close", stop.getText());
        assertFalse(Files.exists(target));

        service.holdTransfers = false;
        robot.clickOn("#startExport");
        await("exported", () -> outcome.getText().startsWith("Exported"));
        assertEquals("Exported web/cp1 to " + target + ": 3.8 MiB archive (gzip) of 9.5 MiB in 12 entries, 1.5 s.",
                outcome.getText());
        assertEquals(List.of("web/cp1 gzip " + target, "web/cp1 gzip " + target), service.transfers);
        assertTrue(dialogs.notes.contains("Exported web/cp1"), dialogs.notes.toString());
        assertTrue(Files.exists(target));
    }

    @Test
    void importWithCtrlIStoresUnderTheNamesGivenAndTheBrowserShowsIt(FxRobot robot) throws Exception {
        selectCp1(robot);
        Path archive = Files.writeString(tmp.resolve("in.tar.zst"), "archive");
        robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL);
        TextField file = node(robot, "importFile", TextField.class);
        assertTrue(node(robot, "startImport", Button.class).isDisabled());
        robot.interact(() -> file.setText(archive.toString()));
        robot.clickOn("#importName").write("bad/name");
        assertTrue(node(robot, "importError", Label.class).getText().contains("'/'"),
                node(robot, "importError", Label.class).getText());
        robot.doubleClickOn("#importName").eraseText(8).write("cp9");
        assertEquals("", node(robot, "importError", Label.class).getText());
        robot.clickOn("#startImport");
        Label outcome = node(robot, "importOutcome", Label.class);
        await("imported", () -> outcome.getText().startsWith("Imported"));
        assertEquals("Imported web/cp9 into /tmp/docker-checkpoints/web/cp9: 12 files, 9.5 MiB. Every file matches"
                + " the SHA-256 recorded at export.", outcome.getText());
        assertEquals(List.of(archive + " -> /tmp/docker-checkpoints null/cp9"), service.transfers);
        await("the browser lists it", () -> robot.lookup("cp9   9.5 MiB").tryQuery().isPresent());
    }

    @Test
    void aFailedImportSaysWhyAndWhatToDo(FxRobot robot) throws Exception {
        selectCp1(robot);
        service.importFailure = new DcpException(ErrorCode.CHECKPOINT_EXISTS,
                "checkpoint web/cp1 already exists in /tmp/docker-checkpoints",
                "choose another -name, or delete /tmp/docker-checkpoints/web/cp1 first");
        Path archive = Files.writeString(tmp.resolve("again.tar.zst"), "archive");
        robot.clickOn("#browserImport");
        robot.interact(() -> node(robot, "importFile", TextField.class).setText(archive.toString()));
        robot.clickOn("#startImport");
        Label outcome = node(robot, "importOutcome", Label.class);
        await("failed", () -> outcome.getText().startsWith("Import failed"));
        assertEquals("Import failed: checkpoint web/cp1 already exists in /tmp/docker-checkpoints. Choose another"
                + " -name, or delete /tmp/docker-checkpoints/web/cp1 first.", outcome.getText());
        assertTrue(outcome.getStyleClass().contains("field-error"));
        assertEquals("failed", node(robot, "importStatus", Label.class).getText());
        assertFalse(node(robot, "startImport", Button.class).isDisabled(), "it can be tried again");
    }

    @Test
    void anArchiveDroppedOnTheWindowIsImportedIntoTheBrowsersDirectory(FxRobot robot) throws Exception {
        selectCp1(robot);
        @SuppressWarnings("unchecked")
        ComboBox<Path> dirs = node(robot, "browserDir", ComboBox.class);
        Path var = Path.of("/var/lib/docker-checkpoint/checkpoints");
        robot.clickOn(dirs).clickOn(var.toString());
        WaitForAsyncUtils.waitForFxEvents();
        Path archive = Files.writeString(tmp.resolve("dropped.tar.zst"), "archive");
        Scene scene = stage.getScene();
        robot.interact(() -> {
            // what a file manager's drag puts on the toolkit's drag board
            // (a file manager's drag offers copying)
            com.sun.javafx.tk.TKClipboard local = com.sun.javafx.tk.Toolkit.getToolkit().createLocalClipboard();
            com.sun.javafx.tk.TKClipboard peer = (com.sun.javafx.tk.TKClipboard) java.lang.reflect.Proxy.newProxyInstance(
                    com.sun.javafx.tk.TKClipboard.class.getClassLoader(),
                    new Class<?>[] {com.sun.javafx.tk.TKClipboard.class}, (proxy, method, args) ->
                            method.getName().equals("getTransferModes") ? java.util.EnumSet.of(TransferMode.COPY)
                                    : method.invoke(local, args));
            Dragboard board = com.sun.javafx.scene.input.DragboardHelper.createDragboard(peer);
            board.setContent(java.util.Map.of(DataFormat.FILES, List.of(new File(archive.toString()))));
            DragEvent over = new DragEvent(DragEvent.DRAG_OVER, board, 10, 10, 10, 10, TransferMode.COPY, null, null,
                    null);
            scene.getRoot().fireEvent(over);
            scene.getRoot().fireEvent(new DragEvent(DragEvent.DRAG_DROPPED, board, 10, 10, 10, 10,
                    TransferMode.COPY, null, null, null));
        });
        await("imported", () -> robot.lookup("#importOutcome").tryQuery().isPresent()
                && node(robot, "importOutcome", Label.class).getText().startsWith("Imported"));
        assertEquals(List.of(archive + " -> " + var + " null/null"), service.transfers);
        @SuppressWarnings("unchecked")
        TreeView<Object> tree = node(robot, "checkpointTree", TreeView.class);
        await("listed", () -> tree.getRoot().getChildren().stream().flatMap(c -> c.getChildren().stream())
                .anyMatch(i -> i.getValue() instanceof CheckpointSummary s && s.dir().startsWith(var)));
    }

    @Test
    void progressReadsAsBytesPercentRateAndTimeLeft() {
        assertEquals("10.0 MiB, 25%, 5.0 MiB/s, 6 s left", TransferProgress.describe(10 << 20, 0.25, 2_000_000_000L));
        assertEquals("10.0 MiB, 5.0 MiB/s", TransferProgress.describe(10 << 20, -1, 2_000_000_000L));
        assertEquals("1.0 GiB, 10%, 10.2 MiB/s, 15 min left", TransferProgress.describe(1L << 30, 0.1, 100_000_000_000L));
        assertEquals("Export failed: disk full. Check free space.", TransferProgress.sentence("Export",
                new DcpException(ErrorCode.IO_ERROR, "disk full", "check free space")));
    }
}
