package dev.dockercheckpoint.e2e;

import dev.dockercheckpoint.ui.LogWindows;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The migrate dialog of the real application (real helper serving two engines, Docker, CRIU) on an
 * X display: the dialog before the start, and its result after a real migration, saved as
 * screenshots. Run by scripts/screenshot-migrate under Xvfb. Not a test.
 * Arguments: helper socket, checkpoint base directory, output directory, container to migrate.
 */
public final class MigrateScreenshot {
    private MigrateScreenshot() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        Path base = Path.of(args[1]);
        Path out = Path.of(args[2]);
        String container = args[3];
        Files.createDirectories(out);
        String display = System.getenv().getOrDefault("DISPLAY", ":0");
        Platform.startup(() -> { });
        HelperCheckpointService service = new HelperCheckpointService(socket);
        Settings settings = new Settings(Files.createTempDirectory("dcp-shot").resolve("settings.json"));
        settings.save(new Settings.Values(1200, 780, base.toString()));
        MainWindow window = fx(() -> {
            Stage stage = new Stage();
            stage.setX(0);
            stage.setY(0);
            MainWindow w = new MainWindow(stage, service, new FxTaskExecutor(), FxDialogService::new, settings, socket,
                    new LogWindows(service));
            w.show();
            return w;
        });
        Thread.sleep(3000);
        fx(() -> {
            window.containers().filterProperty().set("demo");
            window.containers().rows().stream().filter(r -> r.name().equals(container)).findFirst()
                    .ifPresent(r -> window.containers().selectedProperty().set(r));
            window.openMigrateDialog(container);
            return null;
        });
        shot(display, out.resolve("migrate-start.png"));
        fx(() -> {
            ((Button) top().getScene().lookup("#startMigrate")).fire();
            return null;
        });
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!fx(() -> top().getScene().lookup("#migrateResult").isVisible()
                || top().getScene().lookup("#migrateError").isVisible())) {
            if (System.nanoTime() > deadline) {
                shot(display, out.resolve("migrate-timeout.png"));
                System.err.println("the migration did not end; windows: " + fx(() -> Window.getWindows().stream()
                        .map(w -> w instanceof Stage st ? st.getTitle() : w.getClass().getSimpleName()).toList()));
                System.exit(1);
            }
            Thread.sleep(200);
        }
        shot(display, out.resolve("migrate.png"));
        service.close();
        System.exit(0);
    }

    private static Stage top() {
        List<Window> windows = Window.getWindows();
        return (Stage) windows.get(windows.size() - 1);
    }

    private static <T> T fx(Callable<T> action) throws Exception {
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

    private static void shot(String display, Path file) throws Exception {
        Thread.sleep(1200);
        E2E.run(List.of("import", "-display", display, "-window", "root", "-crop", "1200x780+0+0", "+repage",
                file.toString()));
        System.out.println("saved " + file);
    }
}
