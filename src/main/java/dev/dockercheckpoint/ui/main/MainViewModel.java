package dev.dockercheckpoint.ui.main;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The main window's state: whether the helper answers (and if not, exactly what to do), and the
 * status bar's versions.
 */
public final class MainViewModel {
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final Path socket;
    private final ReadOnlyBooleanWrapper connected = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper connection = new ReadOnlyStringWrapper("Connecting to the helper...");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper problemHint = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper versions = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<HelloInfo> hello = new ReadOnlyObjectWrapper<>();
    private final ObservableList<String> engines = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper engine = new ReadOnlyStringWrapper();

    public MainViewModel(CheckpointService service, TaskExecutor executor, Path socket) {
        this.service = service;
        this.executor = executor;
        this.socket = socket;
    }

    /** Says hello to the helper; {@code onConnected} runs once it answers. */
    public void connect(Runnable onConnected) {
        connection.set("Connecting to the helper at " + socket + "...");
        executor.execute(service::hello, info -> {
            hello.set(info);
            engines.setAll(info.engineNames());
            engine.set(info.engine());
            connected.set(true);
            problem.set("");
            problemHint.set("");
            connection.set("Helper " + info.helperVersion() + " (as " + info.user() + ")"
                    + (info.engines().size() > 1 && info.engine() != null ? ", engine " + info.engine() : ""));
            versions.set(describe(info.capabilities()));
            onConnected.run();
        }, error -> {
            connected.set(false);
            connection.set("Helper not connected");
            if (error instanceof DcpException e) {
                problem.set(e.code() == ErrorCode.PERMISSION_DENIED ? "Not allowed to use the helper: "
                        + e.getMessage() : "The helper is not running (" + socket + ").");
                problemHint.set(e.hint());
            } else {
                problem.set("Cannot reach the helper: " + error.getMessage());
                problemHint.set("start it with: sudo systemctl start docker-checkpoint.socket");
            }
        });
    }

    /**
     * Switches to the helper's engine {@code name} and connects again; {@code onConnected} runs
     * once the helper confirms. A refused pick leaves the previous engine in place.
     */
    public void selectEngine(String name, Runnable onConnected) {
        if (name == null || name.equals(engine.get())) {
            return;
        }
        String previous = engine.get();
        service.selectEngine(name);
        connection.set("Switching to engine " + name + "...");
        executor.execute(service::hello, info -> {
            hello.set(info);
            engine.set(info.engine());
            connection.set("Helper " + info.helperVersion() + " (as " + info.user() + "), engine " + info.engine());
            versions.set(describe(info.capabilities()));
            onConnected.run();
        }, error -> {
            service.selectEngine(previous);
            engine.set(previous);
            problem.set("Cannot use engine " + name + ": " + error.getMessage());
            problemHint.set(error instanceof DcpException e && e.hint() != null ? e.hint()
                    : "pick another engine, or check the helper's configuration");
        });
    }

    /** The helper's engines, its default first. */
    public ObservableList<String> engines() {
        return engines;
    }

    /** The engine this window works on. */
    public ReadOnlyStringProperty engineProperty() {
        return engine.getReadOnlyProperty();
    }

    static String describe(DoctorReport report) {
        String docker = detail(report, "docker");
        String criu = detail(report, "criu");
        return (docker.startsWith("Docker ") ? docker.substring(0, docker.indexOf(" at ") > 0 ? docker.indexOf(" at ")
                : docker.length()) : "Docker ?") + "  |  CRIU " + (criu.contains(" ") ? criu.substring(criu
                .lastIndexOf(' ') + 1) : criu);
    }

    private static String detail(DoctorReport report, String id) {
        return report.items().stream().filter(i -> i.id().equals(id)).map(DoctorReport.Item::detail).findFirst()
                .orElse("?");
    }

    public ReadOnlyBooleanProperty connectedProperty() {
        return connected.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty connectionProperty() {
        return connection.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty problemHintProperty() {
        return problemHint.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty versionsProperty() {
        return versions.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<HelloInfo> helloProperty() {
        return hello.getReadOnlyProperty();
    }
}
