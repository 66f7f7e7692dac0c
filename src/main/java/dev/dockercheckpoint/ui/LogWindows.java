package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.logviewer.LogSource;
import dev.dockercheckpoint.ui.logviewer.LogViewer;
import dev.dockercheckpoint.ui.main.MainWindow;
import dev.dockercheckpoint.ui.services.CheckpointService;
import java.nio.file.Path;
import dev.dockercheckpoint.core.criulog.LogReport;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Opens CRIU logs of stored checkpoints in log viewer windows, read in pages through the helper,
 * with the helper's diagnosis of the log above it.
 */
public final class LogWindows implements MainWindow.LogOpener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogWindows.class);
    private final CheckpointService service;

    public LogWindows(CheckpointService service) {
        this.service = service;
    }

    /** The log as a source of pages: the GUI cannot read root's files, the helper can. */
    public static LogSource source(CheckpointService service, Path dir, CheckpointSummary checkpoint, String log) {
        return (offset, maxLines) -> service.readLog(dir, checkpoint.container(), checkpoint.name(), log, offset,
                maxLines);
    }

    @Override
    public void open(Stage owner, Path dir, CheckpointSummary checkpoint, String log) {
        String title = checkpoint.container() + "/" + checkpoint.name() + " - " + log;
        LogViewer viewer = LogViewer.open(source(service, dir, checkpoint, log), title);
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.setTitle(title + " - docker-checkpoint");
        stage.getIcons().setAll(Resources.icons());
        Scene scene = new Scene(viewer, 1000, 700);
        scene.getStylesheets().add(Resources.stylesheet());
        stage.setScene(scene);
        stage.setOnHidden(e -> viewer.close());
        stage.show();
        Thread.ofVirtual().name("diagnose-" + log).start(() -> {
            try {
                LogReport report = service.diagnose(dir, checkpoint.container(), checkpoint.name(), log);
                Platform.runLater(() -> viewer.setBanner(new DiagnosisBanner(report, viewer::goToLine)));
            } catch (RuntimeException e) {
                LOG.warn("cannot diagnose {}: {}", title, e.getMessage());
            }
        });
    }
}
