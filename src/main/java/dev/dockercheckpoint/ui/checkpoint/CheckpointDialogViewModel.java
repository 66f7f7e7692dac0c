package dev.dockercheckpoint.ui.checkpoint;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.OperationProgress;
import dev.dockercheckpoint.ui.services.Progress;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the checkpoint dialog: the container, a name validated as it is typed, the directory
 * (one of those the helper serves), the four CRIU options (pre-dump disabled with the reason when the kernel cannot do it), and
 * while it runs: phase, progress, the tail of CRIU's log, and cancel.
 */
public final class CheckpointDialogViewModel {
    /** Lines of CRIU's log kept for the live tail. */
    static final int LOG_TAIL = 400;

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final ReadOnlyStringWrapper container = new ReadOnlyStringWrapper();
    private final StringProperty name = new SimpleStringProperty(CheckpointRequest.DEFAULT_NAME);
    private final StringProperty dir = new SimpleStringProperty();
    private final ObservableList<String> dirChoices = FXCollections.observableArrayList();
    private final BooleanProperty leaveRunning = new SimpleBooleanProperty(CheckpointOptions.defaults().leaveRunning());
    private final BooleanProperty tcp = new SimpleBooleanProperty(CheckpointOptions.defaults().tcpEstablished());
    private final BooleanProperty fileLocks = new SimpleBooleanProperty(CheckpointOptions.defaults().fileLocks());
    private final BooleanProperty preDump = new SimpleBooleanProperty(CheckpointOptions.defaults().preDump());
    private final BooleanProperty allowLostProcesses = new SimpleBooleanProperty(CheckpointOptions.defaults().allowLostProcesses());
    private final ReadOnlyBooleanWrapper preDumpAvailable = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyStringWrapper preDumpReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper nameError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper dirError = new ReadOnlyStringWrapper("");
    private final OperationProgress op = new OperationProgress();
    private final ObservableList<String> logTail = FXCollections.observableArrayList();
    private final BooleanBinding valid;
    private volatile boolean cancelRequested;

    public CheckpointDialogViewModel(CheckpointService service, TaskExecutor executor, String container, Path dir,
            DoctorReport capabilities) {
        this(service, executor, container, dir, List.of(dir), capabilities);
    }

    /** {@code choices}: the base directories the helper serves; {@code dir}, the one proposed. */
    public CheckpointDialogViewModel(CheckpointService service, TaskExecutor executor, String container, Path dir,
            List<Path> choices, DoctorReport capabilities) {
        this.service = service;
        this.executor = executor;
        this.container.set(container);
        choices.forEach(c -> dirChoices.add(c.toString()));
        this.dir.set(dir.toString());
        if (capabilities != null && !capabilities.isOk("mem-dirty-track")) {
            preDumpAvailable.set(false);
            String detail = capabilities.items().stream().filter(i -> i.id().equals("mem-dirty-track"))
                    .map(DoctorReport.Item::detail).findFirst().orElse("missing");
            preDumpReason.set("Pre-dump needs memory dirty tracking, which this kernel lacks (" + detail
                    + "). Checkpoint without pre-dump, or use a kernel with CONFIG_MEM_SOFT_DIRTY=y.");
            preDump.set(false);
        }
        name.addListener((o, a, b) -> validateName());
        this.dir.addListener((o, a, b) -> validateDir());
        validateName();
        validateDir();
        valid = Bindings.createBooleanBinding(() -> nameError.get().isEmpty() && dirError.get().isEmpty()
                && !op.runningProperty().get(), nameError, dirError, op.runningProperty());
    }

    private void validateName() {
        String problem = Names.refusal("checkpoint name", name.get());
        nameError.set(problem == null ? "" : problem);
    }

    private void validateDir() {
        String d = dir.get();
        if (d == null || d.isBlank()) {
            dirError.set("Choose a directory.");
        } else if (!d.startsWith("/")) {
            dirError.set("The directory must be an absolute path.");
        } else if (d.chars().anyMatch(Character::isISOControl)) {
            dirError.set("The directory contains a control character.");
        } else if (!dirChoices.isEmpty() && !dirChoices.contains(d)) {
            dirError.set("The helper serves only " + String.join(", ", dirChoices) + ".");
        } else {
            dirError.set("");
        }
    }

    /** The request the dialog would send now. */
    public CheckpointRequest toRequest() {
        return new CheckpointRequest(container.get(), name.get(), Path.of(dir.get()),
                new CheckpointOptions(leaveRunning.get(), tcp.get(), fileLocks.get(),
                        preDump.get() && preDumpAvailable.get(), allowLostProcesses.get()));
    }

    /** Starts the checkpoint; exactly one of the callbacks runs on the UI thread at the end. */
    public void start(Consumer<CheckpointResult> onDone, Consumer<Throwable> onFailure) {
        if (!valid.get()) {
            return;
        }
        CheckpointRequest request = toRequest();
        cancelRequested = false;
        op.begin();
        logTail.clear();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String p, double fraction) {
                executor.onUiThread(() -> {
                    op.phase(p, fraction);
                });
            }

            @Override
            public void logLine(String line) {
                executor.onUiThread(() -> {
                    logTail.add(line);
                    if (logTail.size() > LOG_TAIL) {
                        logTail.remove(0, logTail.size() - LOG_TAIL);
                    }
                });
            }

            @Override
            public boolean isCancelled() {
                return cancelRequested;
            }
        };
        executor.execute(() -> service.checkpoint(request, listener), result -> {
            op.succeeded("done");
            onDone.accept(result);
        }, error -> {
            op.failed();
            onFailure.accept(error);
        });
    }

    /** Asks the helper to stop at the next safe point (a CRIU run in progress completes first). */
    public void cancel() {
        cancelRequested = true;
        op.say("cancelling after the current step...");
    }

    public ReadOnlyStringProperty containerProperty() {
        return container.getReadOnlyProperty();
    }

    public StringProperty nameProperty() {
        return name;
    }

    public StringProperty dirProperty() {
        return dir;
    }

    /** The base directories to choose from (those the helper serves). */
    public ObservableList<String> dirChoices() {
        return dirChoices;
    }

    public BooleanProperty leaveRunningProperty() {
        return leaveRunning;
    }

    public BooleanProperty tcpProperty() {
        return tcp;
    }

    public BooleanProperty fileLocksProperty() {
        return fileLocks;
    }

    /** Whether processes outside the init's tree may be left out of the dump (off: refused). */
    public BooleanProperty allowLostProcessesProperty() {
        return allowLostProcesses;
    }

    public BooleanProperty preDumpProperty() {
        return preDump;
    }

    public ReadOnlyBooleanProperty preDumpAvailableProperty() {
        return preDumpAvailable.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty preDumpReasonProperty() {
        return preDumpReason.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nameErrorProperty() {
        return nameError.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty dirErrorProperty() {
        return dirError.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    /** Whether it runs, how far it is, its phase and time. */
    public Progress progress() {
        return op;
    }

    /**
     * Counts the estimate down from how long {@code last} (a checkpoint of the same container)
     * took, read from its container.json through the helper; nothing when it cannot be read.
     */
    public void expectLike(CheckpointSummary last) {
        if (last == null || last.dir() == null || last.dir().getParent() == null) {
            return;
        }
        Path base = last.dir().getParent().getParent();
        executor.execute(() -> service.details(base, last.container(), last.name()), d -> {
            Long total = d.manifest().timingsMillis().get("total");
            if (total != null && !op.runningProperty().get()) {
                op.expect(total);
            }
        }, e -> { });
    }

    public ObservableList<String> logTail() {
        return logTail;
    }
}
