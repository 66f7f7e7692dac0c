package dev.dockercheckpoint.ui.restore;

import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.OperationProgress;
import dev.dockercheckpoint.ui.services.Progress;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import dev.dockercheckpoint.ui.verify.VerificationViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the restore dialog: which base directory (of those the helper serves) and which
 * stored checkpoint in it, the new container name (default
 * {@code <container>-restored}, validated, and flagged when a container already has it), then
 * progress and the live verification.
 */
public final class RestoreDialogViewModel {
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final Supplier<List<String>> containerNames;
    private final ObjectProperty<Path> dir = new SimpleObjectProperty<>();
    private final ObservableList<Path> dirChoices = FXCollections.observableArrayList();
    private String wantedContainer;
    private String wantedName;
    private final ObservableList<CheckpointSummary> checkpoints = FXCollections.observableArrayList();
    private final ObjectProperty<CheckpointSummary> selected = new SimpleObjectProperty<>();
    private final StringProperty newName = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper nameError = new ReadOnlyStringWrapper("");
    private final OperationProgress op = new OperationProgress();
    private final VerificationViewModel verification;
    private final BooleanBinding valid;
    private boolean nameEdited;

    public RestoreDialogViewModel(CheckpointService service, TaskExecutor executor, Path dir,
            Supplier<List<String>> containerNames) {
        this(service, executor, dir, List.of(dir), containerNames);
    }

    /** {@code choices}: the base directories the helper serves; {@code dir}, the one shown first. */
    public RestoreDialogViewModel(CheckpointService service, TaskExecutor executor, Path dir, List<Path> choices,
            Supplier<List<String>> containerNames) {
        this.service = service;
        this.executor = executor;
        this.dirChoices.setAll(choices);
        this.dir.set(dir);
        this.dir.addListener((o, a, d) -> {
            if (d != null) {
                load(wantedContainer, wantedName);
            }
        });
        this.containerNames = containerNames;
        this.verification = new VerificationViewModel(service, executor);
        selected.addListener((o, a, s) -> {
            if (s != null && !nameEdited) {
                setDefaultName(RestoreRequest.defaultNewName(s.container()));
            }
            validate();
        });
        newName.addListener((o, a, b) -> validate());
        valid = Bindings.createBooleanBinding(() -> selected.get() != null && nameError.get().isEmpty()
                && !op.runningProperty().get(), selected, nameError, op.runningProperty());
        validate();
    }

    private void setDefaultName(String value) {
        newName.set(value);
        nameEdited = false;
    }

    /** The user typed a name: keep it when another checkpoint is chosen. */
    public void nameEditedByUser() {
        nameEdited = true;
    }

    /** Loads the stored checkpoints and preselects {@code container}/{@code name} when given. */
    public void load(String container, String name) {
        wantedContainer = container;
        wantedName = name;
        Path d = dir.get();
        executor.execute(() -> service.listCheckpoints(d), list -> {
            checkpoints.setAll(list);
            CheckpointSummary pick = list.stream()
                    .filter(s -> s.container().equals(container) && (name == null || s.name().equals(name)))
                    .findFirst().orElse(list.isEmpty() ? null : list.getFirst());
            selected.set(pick);
        }, e -> {
            checkpoints.clear();
            selected.set(null);
            nameError.set("Cannot list checkpoints: " + e.getMessage());
        });
    }

    void validate() {
        String n = newName.get();
        String problem = Names.refusal("container name", n);
        if (problem != null) {
            nameError.set(problem);
        } else if (containerNames.get().contains(n)) {
            nameError.set("A container named " + n + " already exists: choose another name.");
        } else if (selected.get() == null) {
            nameError.set(checkpoints.isEmpty() ? "There is no checkpoint in " + dir.get() + " yet: make one"
                    + " first (Containers, Checkpoint\u2026), or choose another directory." : "Choose a checkpoint.");
        } else {
            nameError.set("");
        }
    }

    public RestoreRequest toRequest() {
        CheckpointSummary s = selected.get();
        return new RestoreRequest(s.container(), s.name(), dir.get(), newName.get());
    }

    public void start(Consumer<RestoreResult> onDone, Consumer<Throwable> onFailure) {
        validate();
        if (!valid.get()) {
            return;
        }
        RestoreRequest request = toRequest();
        op.begin();
        verification.reset(request.newName());
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String p, double fraction) {
                executor.onUiThread(() -> {
                    op.phase(p, fraction);
                    if (p.equals("verifying")) {
                        verification.begin(request.newName());
                    }
                });
            }

            @Override
            public void check(CheckResult result) {
                executor.onUiThread(() -> verification.accept(result));
            }
        };
        executor.execute(() -> service.restore(request, listener), result -> {
            var st = result.restoreStats();
            op.succeeded((st == null || st.restoreTimeUs() == null ? "done" : String.format(java.util.Locale.ROOT,
                    "done: CRIU restored the processes in %.1f ms", st.restoreTimeUs() / 1000.0))
                    + result.warnings().stream().map(w -> " (warning: " + w + ")").collect(
                            java.util.stream.Collectors.joining()));
            verification.finish(result.verification());
            onDone.accept(result);
        }, error -> {
            op.failed();
            verification.abort("Restore failed: " + error.getMessage());
            onFailure.accept(error);
        });
    }

    public ObservableList<CheckpointSummary> checkpoints() {
        return checkpoints;
    }

    public ObjectProperty<CheckpointSummary> selectedProperty() {
        return selected;
    }

    public StringProperty newNameProperty() {
        return newName;
    }

    public ReadOnlyStringProperty nameErrorProperty() {
        return nameError.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    /** Whether it runs, how far it is, its phase and time. */
    public Progress progress() {
        return op;
    }

    public VerificationViewModel verification() {
        return verification;
    }

    public Path dir() {
        return dir.get();
    }

    /** The base directory the checkpoints are listed from; choosing another lists its checkpoints. */
    public ObjectProperty<Path> dirProperty() {
        return dir;
    }

    /** The base directories to choose from (those the helper serves). */
    public ObservableList<Path> dirChoices() {
        return dirChoices;
    }
}
