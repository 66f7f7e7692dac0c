package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.DialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
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
 * Export… and Import… of the desktop application with encryption, against the real helper
 * process, Docker engine and CRIU: a counter with a named volume is checkpointed, exported from
 * the dialog with its volume and encrypted to a key made by age-keygen; {@code age -d} opens the
 * file; the import dialog asks for the key file, refuses another one without storing anything,
 * and imports with the right one.
 */
@Tag("e2e")
@ExtendWith(ApplicationExtension.class)
class GuiArchiveE2ETest {
    private static HelperProcess helper;
    private static Path source;
    private static Path target;
    private static Path home;
    private static String app;
    private static String volume;
    private final Deque<Path> keyFiles = new ArrayDeque<>();
    private HelperCheckpointService service;
    private MainWindow window;

    @BeforeAll
    static void checkpointACounterWithAVolume() throws Exception {
        E2E.engine();
        source = E2E.newBaseDir();
        target = E2E.newBaseDir();
        home = E2E.newBaseDir();
        helper = new HelperProcess().serving(source, target).start();
        app = E2E.name("guiage");
        volume = app + "-data";
        E2E.run(List.of("docker", "volume", "create", volume));
        E2E.track(app);
        E2E.run(List.of("docker", "run", "-d", "--name", app, "--network", "none", "-v", volume + ":/data",
                E2E.BUSYBOX, "sh", "-c", "echo payload > /data/f; i=0; while true; do echo v-$i; i=$((i+1)); sleep 1;"
                        + " done"));
        E2E.waitForNumber(app, "v-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-name", "cp1", "-dir", source.toString(), "-leave-running");
        assertEquals(0, dump.exit(), dump.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) {
            System.out.println("--- helper log\n" + helper.log());
            helper.close();
        }
        if (app != null) {
            E2E.remove(app);
            E2E.runAllowingFailure(List.of("docker", "volume", "rm", "-f", volume));
        }
        for (Path d : new Path[] {source, target, home}) {
            if (d != null) {
                E2E.deleteTree(d);
            }
        }
    }

    /** Answers the key file chooser from {@link #keyFiles}; nothing else is asked in this test. */
    private final class Dialogs implements DialogService {
        @Override
        public void showError(String title, Throwable error) {
        }

        @Override
        public boolean confirm(String title, String question) {
            return false;
        }

        @Override
        public void notify(String text) {
        }

        @Override
        public Optional<Path> chooseDirectory(String title, Path initial) {
            return Optional.empty();
        }

        @Override
        public Optional<Path> chooseTextFile(String title, Path initialDir) {
            return Optional.ofNullable(keyFiles.poll());
        }

        @Override
        public void copyToClipboard(String text) {
        }
    }

    @Start
    void start(javafx.stage.Stage stage) throws Exception {
        service = new HelperCheckpointService(helper.socket);
        Path settingsFile = Files.createTempDirectory("dcp-gui-settings").resolve("settings.json");
        Settings settings = new Settings(settingsFile);
        settings.save(new Settings.Values(1100, 720, source.toString()));
        Dialogs dialogs = new Dialogs();
        window = new MainWindow(stage, service, new FxTaskExecutor(), s -> dialogs, settings, helper.socket,
                (owner, dir, cp, log) -> { });
        window.show();
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

    private static String keygen(Path file) {
        E2E.run(List.of("age-keygen", "-o", file.toString()));
        return E2E.run(List.of("age-keygen", "-y", file.toString())).strip();
    }

    @Test
    void anEncryptedExportWithItsVolumeOpensWithAgeAndImportsWithTheRightKeyFile(FxRobot robot) throws Exception {
        Path key = home.resolve("key.txt");
        Path otherKey = home.resolve("other.txt");
        String pub = keygen(key);
        keygen(otherKey);
        CheckpointSummary cp1 = service.listCheckpoints(source).stream().filter(s -> s.container().equals(app))
                .findFirst().orElseThrow();

        robot.interact(() -> window.openExportDialog(cp1));
        Path archive = home.resolve(app + "-cp1.tar.zst.age");
        robot.clickOn("#encryptRecipients");
        robot.interact(() -> robot.lookup("#exportFile").queryAs(TextField.class).setText(archive.toString()));
        robot.clickOn("#exportRecipients").write(pub);
        assertEquals(pub, robot.lookup("#exportRecipients").queryAs(TextArea.class).getText());
        robot.clickOn("#exportVolumes");
        robot.clickOn("#startExport");
        Label outcome = robot.lookup("#exportOutcome").queryAs(Label.class);
        waitFor("the export", 120, () -> !outcome.getText().isEmpty()
                && !robot.lookup("#exportCancel").queryButton().getText().equals("Stop"));
        assertTrue(outcome.getText().startsWith("Exported " + app + "/cp1 to " + archive + ": "), outcome.getText());
        assertTrue(outcome.getText().contains("(zstd, age, 1 recipient)"), outcome.getText());
        assertTrue(outcome.getText().contains(" Volumes are copied as they are now, not as they were at the"
                + " checkpoint. Volume " + volume + ": 2 entries"), outcome.getText());
        assertTrue(Files.readString(archive, java.nio.charset.StandardCharsets.ISO_8859_1)
                .startsWith("age-encryption.org/v1\n-> X25519 "));
        robot.interact(() -> robot.lookup("#exportCancel").queryButton().fire());

        Path plain = home.resolve("plain.tar.zst");
        E2E.run(List.of("age", "-d", "-i", key.toString(), "-o", plain.toString(), archive.toString()));
        List<Process> tar = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder("zstd", "-d", "-q", "-c", plain.toString()), new ProcessBuilder("tar", "-t")));
        List<String> entries = List.of(new String(tar.getLast().getInputStream().readAllBytes()).split("\n"));
        for (Process p : tar) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        assertTrue(entries.contains("checkpoint/inventory.img"), entries.toString());
        assertTrue(entries.contains("volumes/" + volume + ".tar"), entries.toString());

        robot.interact(() -> window.openImportDialog(archive));
        waitFor("the import dialog", 10, () -> robot.lookup("#importLock").tryQuery().isPresent());
        assertEquals("Encrypted with age to 1 recipient: choose the key file of one of them.",
                robot.lookup("#importLock").queryAs(Label.class).getText());
        robot.interact(() -> robot.lookup("#importName").queryAs(TextField.class).setText("fromgui"));
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<Path> dirs = robot.lookup("#importDir").queryAs(javafx.scene.control.ComboBox.class);
        robot.interact(() -> dirs.setValue(target));
        keyFiles.add(otherKey);
        robot.clickOn("#importIdentityChoose");
        robot.clickOn("#startImport");
        Label result = robot.lookup("#importOutcome").queryAs(Label.class);
        waitFor("the refusal", 60, () -> result.getText().startsWith("Import failed"));
        assertEquals("Import failed: no identity in " + otherKey + " matches the archive's 1 recipient. Choose the key"
                + " file of a recipient it was exported to; nothing was imported.", result.getText());
        try (var left = Files.list(target)) {
            assertEquals(List.of(), left.toList(), "nothing is left behind");
        }

        keyFiles.add(key);
        robot.clickOn("#importIdentityChoose");
        robot.clickOn("#startImport");
        waitFor("the import", 120, () -> result.getText().startsWith("Imported"));
        assertTrue(result.getText().startsWith("Imported " + app + "/fromgui into " + target.resolve(app)
                .resolve("fromgui") + ": "), result.getText());
        assertTrue(result.getText().contains("Every file matches the SHA-256 recorded at export."), result.getText());
        assertTrue(Files.isRegularFile(target.resolve(app).resolve("fromgui/volumes/" + volume + ".tar")));
        assertTrue(Files.isRegularFile(target.resolve(app).resolve("fromgui/inventory.img")));
        service.close();
    }
}
