package dev.dockercheckpoint.e2e;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.LogWindows;
import dev.dockercheckpoint.ui.checkpoint.CheckpointDialog;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.restore.RestoreDialog;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Drives the real application (real helper, Docker, CRIU) through its main screens on an X display
 * and saves a screenshot of each: run by scripts/screenshots under Xvfb. Not a test.
 * Arguments: helper socket, checkpoint base directory, output directory, container to use, and
 * the theme ({@code light} or {@code dark}, the suffix of each file: main-window-dark.png).
 */
public final class ScreenshotTour {
    private final Path out;
    private final String theme;
    private final String display = System.getenv().getOrDefault("DISPLAY", ":0");

    private ScreenshotTour(Path out, String theme) {
        this.out = out;
        this.theme = theme;
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        Path base = Path.of(args[1]);
        Path out = Path.of(args[2]);
        String container = args[3];
        Files.createDirectories(out);
        String theme = args.length > 4 ? args[4] : "light";
        new ScreenshotTour(out, theme).run(socket, base, container);
        System.exit(0);
    }

    private <T> T fx(Callable<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(action.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get();
    }

    private void shot(String file) throws Exception {
        String name = file.replace(".png", "-" + theme + ".png");
        Thread.sleep(1200);
        E2E.run(List.of("import", "-display", display, "-window", "root", "-crop", "1200x780+0+0", "+repage",
                out.resolve(name).toString()));
        System.out.println("saved " + out.resolve(name));
    }

    /** Waits (at most a minute; this machine may be busy) until {@code done} holds on the UI thread. */
    private void await(String what, Callable<Boolean> done) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!fx(done)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static Stage topWindow() {
        // the newest stage: a notification or a tooltip may be a newer window, not a stage
        List<Window> windows = Window.getWindows();
        return windows.stream().filter(Stage.class::isInstance).map(Stage.class::cast).reduce((a, b) -> b)
                .orElseThrow();
    }

    private static void fire(Stage stage, String id) {
        ((Button) stage.getScene().lookup("#" + id)).fire();
    }

    private void run(Path socket, Path base, String container) throws Exception {
        Platform.startup(() -> { });
        HelperCheckpointService service = new HelperCheckpointService(socket);
        Path settingsFile = Files.createTempDirectory("dcp-tour").resolve("settings.json");
        Settings settings = new Settings(settingsFile);
        settings.save(new Settings.Values(1200, 780, base.toString(), theme.toUpperCase(java.util.Locale.ROOT)));
        MainWindow window = fx(() -> {
            Stage stage = new Stage();
            stage.setX(0);
            stage.setY(0);
            MainWindow w = new MainWindow(stage, service, new FxTaskExecutor(), FxDialogService::new, settings,
                    socket, new LogWindows(service));
            w.show();
            return w;
        });
        Thread.sleep(3000);
        fx(() -> {
            window.containers().rows().stream().filter(r -> r.name().equals(container)).findFirst()
                    .ifPresent(r -> window.containers().selectedProperty().set(r));
            return null;
        });
        shot("main-window.png");

        CheckpointDialog dialog = fx(() -> window.openCheckpointDialog(container));
        shot("checkpoint-dialog.png");
        fx(() -> {
            fire(topWindow(), "startCheckpoint");
            return null;
        });
        await("the checkpoint", () -> Window.getWindows().stream().filter(w -> w instanceof Stage).count() == 1);
        shot("checkpoint-result.png");

        RestoreDialog restore = fx(() -> window.openRestoreDialog(container, "checkpoint1"));
        Thread.sleep(1500);
        fx(() -> {
            fire(topWindow(), "startRestore");
            return null;
        });
        await("the restore", () -> !((Button) topWindow().getScene().lookup("#closeRestore")).isDisabled()
                && !((Button) topWindow().getScene().lookup("#runAgainButton")).isDisabled());
        shot("restore-verification.png");
        fx(() -> {
            topWindow().close();
            return null;
        });

        // a second checkpoint, for the downtime chart
        fx(() -> window.openCheckpointDialog(container));
        Thread.sleep(800);
        fx(() -> {
            Stage d = topWindow();
            ((javafx.scene.control.TextField) d.getScene().lookup("#checkpointName")).setText("checkpoint2");
            fire(d, "startCheckpoint");
            return null;
        });
        await("the second checkpoint", () -> Window.getWindows().stream().filter(w -> w instanceof Stage).count() == 1);
        fx(() -> {
            Stage main = (Stage) Window.getWindows().getFirst();
            ((ToggleButton) main.getScene().lookup("#navCheckpoints")).setSelected(true);
            return null;
        });
        Thread.sleep(1500);
        CheckpointSummary summary = fx(() -> {
            var groups = window.browser().groups();
            CheckpointSummary s = groups.stream().filter(g -> g.getKey().equals(container)).findFirst()
                    .map(g -> g.getValue().getFirst()).orElseThrow();
            window.browser().selectedProperty().set(s);
            return s;
        });
        shot("checkpoint-browser.png");

        fx(() -> {
            dev.dockercheckpoint.ui.browser.ContentsWindow.open(Window.getWindows().getFirst(), service,
                    new FxTaskExecutor(), base, summary);
            Stage contents = topWindow();
            contents.setX(0);
            contents.setY(0);
            return null;
        });
        Thread.sleep(3000);
        shot("checkpoint-contents.png");
        fx(() -> {
            topWindow().close();
            return null;
        });

        Path archive = Path.of("/tmp", container + "-export-" + ProcessHandle.current().pid() + ".tar.zst");
        fx(() -> {
            window.openExportDialog(summary);
            Stage export = topWindow();
            export.setX(0);
            export.setY(0);
            ((javafx.scene.control.TextField) export.getScene().lookup("#exportFile")).setText(archive.toString());
            fire(export, "startExport");
            return null;
        });
        Thread.sleep(3000);
        shot("export.png");
        Files.deleteIfExists(archive);
        fx(() -> {
            topWindow().close();
            return null;
        });

        fx(() -> {
            new LogWindows(service).open((Stage) Window.getWindows().getFirst(), base, summary, "dump.log");
            Stage log = topWindow();
            log.setX(0);
            log.setY(0);
            log.setWidth(1200);
            log.setHeight(780);
            return null;
        });
        Thread.sleep(4000);
        fx(() -> {
            Stage log = topWindow();
            if (log.getScene().getRoot() instanceof dev.dockercheckpoint.ui.logviewer.LogViewer viewer) {
                viewer.goToFirstError();
            }
            return null;
        });
        shot("log-viewer.png");
        fx(() -> {
            topWindow().close();
            Stage main = (Stage) Window.getWindows().getFirst();
            ((ToggleButton) main.getScene().lookup("#navSystem")).setSelected(true);
            return null;
        });
        shot("system.png");
        service.close();
        if (dialog == null || restore == null) {
            throw new IllegalStateException("dialogs did not open");
        }
    }
}
