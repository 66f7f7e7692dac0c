package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.FxTaskExecutor;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import dev.dockercheckpoint.ui.services.Settings;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The desktop application. It talks only to the privileged helper, through its socket. */
public final class App extends Application {
    /** System property naming the helper's socket (default: the systemd socket). */
    public static final String SOCKET_PROPERTY = "dockercheckpoint.socket";
    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private HelperCheckpointService service;

    /** Asks the desktop whether it prefers a dark look before the window opens, off the UI thread. */
    @Override
    public void init() {
        dev.dockercheckpoint.ui.theme.DesktopPreference.prefersDark();
    }

    @Override
    public void start(Stage stage) {
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            LOG.error("unexpected error on {}", t.getName(), e);
            if (Platform.isFxApplicationThread()) {
                new FxDialogService(stage).showError("Unexpected error", e);
            }
        });
        Path socket = Path.of(System.getProperty(SOCKET_PROPERTY, Protocol.DEFAULT_SOCKET.toString()));
        service = new HelperCheckpointService(socket);
        new MainWindow(stage, service, new FxTaskExecutor(), FxDialogService::new, Settings.forUser(), socket,
                new LogWindows(service)).show();
        if (Boolean.getBoolean(REPORT_STARTUP_PROPERTY)) {
            reportFirstFrame();
        }
    }

    /** System property: print the time from JVM start to the first rendered frame (benchmarks). */
    public static final String REPORT_STARTUP_PROPERTY = "dockercheckpoint.reportStartup";

    private static void reportFirstFrame() {
        new javafx.animation.AnimationTimer() {
            private int frames;

            @Override
            public void handle(long now) {
                // the first pulse after show() lays out and renders the scene; report after it
                if (++frames == 2) {
                    stop();
                    long ms = System.currentTimeMillis()
                            - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                    LOG.info("first-frame-ms {}", ms);
                }
            }
        }.start();
    }

    @Override
    public void stop() {
        if (service != null) {
            service.close();
        }
    }
}
