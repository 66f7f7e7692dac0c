package dev.dockercheckpoint.ui.migrate;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.protocol.HelloInfo.EngineInfo;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.FxDialogService;
import dev.dockercheckpoint.ui.services.OperationProgress;
import dev.dockercheckpoint.ui.services.Progress;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the migrate dialog: the running container, the target (one of the helper's other
 * engines), an optional new name, and the sentence saying what will happen; while it runs, the
 * four stages (dump, transfer, restore, verify) with the current one marked, the phase in words
 * and Stop; at the end, the downtime the application saw with its parts and where the copy runs,
 * or the error and what to do, both kept until the dialog is closed.
 */
public final class MigrateDialogViewModel {
    /** The stages the progress shows, in order. */
    public enum Stage {
        DUMP("Dump"), TRANSFER("Transfer"), RESTORE("Restore"), VERIFY("Verify");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where a stage is. */
    public enum StageState {
        PENDING, ACTIVE, DONE, FAILED
    }

    /** Where the dialog is. */
    public enum Status {
        READY, RUNNING, SUCCEEDED, FAILED
    }

    /** One part of the downtime: its name, milliseconds and share of the whole (0..1). */
    public record Part(String name, long millis, double share) {
    }

    /** The part of the overall progress where the target's side begins (see the engine's migration). */
    static final double TARGET_SIDE = 0.4;

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final Path dir;
    private final ReadOnlyStringWrapper container = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper();
    private final ObservableList<EngineInfo> targets = FXCollections.observableArrayList();
    private final ObjectProperty<EngineInfo> target = new SimpleObjectProperty<>();
    private final StringProperty newName = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper nameError = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper explanation = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.READY);
    private final OperationProgress op = new OperationProgress();
    private final Map<Stage, ReadOnlyObjectWrapper<StageState>> stages = new EnumMap<>(Stage.class);
    private final ReadOnlyObjectWrapper<MigrationResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper copyEngine = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper downtime = new ReadOnlyStringWrapper("");
    private final ObservableList<Part> parts = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper afterword = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorTitle = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorMessage = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper errorHint = new ReadOnlyStringWrapper("");
    private final BooleanBinding valid;
    private volatile boolean cancelRequested;
    private Stage current;

    /**
     * {@code engines}: those the helper serves; {@code sourceEngine}: the one {@code container}
     * runs on (the others are the targets offered); {@code dir}: where the checkpoint is kept on
     * the way (one the helper serves).
     */
    public MigrateDialogViewModel(CheckpointService service, TaskExecutor executor, String container,
            String sourceEngine, List<EngineInfo> engines, Path dir) {
        this.service = service;
        this.executor = executor;
        this.dir = dir;
        this.container.set(container);
        EngineInfo from = engines.stream().filter(e -> e.name().equals(sourceEngine)).findFirst().orElse(null);
        source.set(from == null ? String.valueOf(sourceEngine) : describe(from));
        engines.stream().filter(e -> !e.name().equals(sourceEngine)).forEach(targets::add);
        target.set(targets.isEmpty() ? null : targets.getFirst());
        for (Stage s : Stage.values()) {
            stages.put(s, new ReadOnlyObjectWrapper<>(StageState.PENDING));
        }
        newName.addListener((o, a, b) -> validate());
        target.addListener((o, a, b) -> explain());
        validate();
        explain();
        valid = Bindings.createBooleanBinding(() -> target.get() != null && nameError.get().isEmpty()
                && status.get() != Status.RUNNING && status.get() != Status.SUCCEEDED, target, nameError, status);
    }

    /** An engine as the dialog names it: its name and socket. */
    public static String describe(EngineInfo e) {
        return e == null ? "" : e.name() + " (" + e.host() + ")";
    }

    private void validate() {
        String n = newName.get() == null ? "" : newName.get().strip();
        String problem = n.isEmpty() ? null : Names.problem(n);
        nameError.set(problem == null ? "" : "The new name " + problem + ".");
    }

    private void explain() {
        if (target.get() == null) {
            explanation.set("The helper serves no other engine to migrate to.");
        } else {
            explanation.set("The container stays frozen until its copy runs on " + target.get().name()
                    + "; then the original is removed. If anything fails it runs on.");
        }
    }

    /** The request the dialog would send now. */
    public MigrationRequest toRequest() {
        String n = newName.get() == null ? "" : newName.get().strip();
        return new MigrationRequest(container.get(), n.isEmpty() ? null : n, dir, CheckpointOptions.defaults(),
                false);
    }

    /** Starts the migration; {@code onDone} runs on the UI thread when it succeeded. */
    public void start(Consumer<MigrationResult> onDone) {
        if (!valid.get()) {
            return;
        }
        MigrationRequest request = toRequest();
        String to = target.get().name();
        cancelRequested = false;
        current = null;
        stages.values().forEach(s -> s.set(StageState.PENDING));
        result.set(null);
        parts.clear();
        headline.set("");
        downtime.set("");
        afterword.set("");
        errorTitle.set("");
        errorMessage.set("");
        errorHint.set("");
        copyEngine.set(to);
        op.begin();
        enter(Stage.DUMP);
        status.set(Status.RUNNING);
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String phase, double fraction) {
                executor.onUiThread(() -> {
                    if (status.get() != Status.RUNNING) {
                        return;
                    }
                    enter(stageOf(phase, fraction));
                    if (cancelRequested) {
                        op.phase(stopping(), fraction);
                    } else {
                        op.phase(phase, fraction);
                    }
                });
            }

            @Override
            public boolean isCancelled() {
                return cancelRequested;
            }
        };
        executor.execute(() -> service.migrate(request, to, listener), r -> {
            succeeded(r, to);
            onDone.accept(r);
        }, this::failed);
    }

    /**
     * The stage a phase of the helper's migration belongs to: the source's work (checking, freezing,
     * the writable layer, CRIU's dump) comes first; from {@link #TARGET_SIDE} on, the checkpoint
     * reaches the target (read, the copy created, the images handed over) until CRIU restores it;
     * then the copy is verified and the original removed.
     */
    static Stage stageOf(String phase, double fraction) {
        String p = phase == null ? "" : phase.toLowerCase(Locale.ROOT);
        if (p.startsWith("verifying") || p.startsWith("confirming") || p.startsWith("removing the original")
                || p.equals("done")) {
            return Stage.VERIFY;
        }
        if (p.startsWith("restoring")) {
            return Stage.RESTORE;
        }
        return fraction >= TARGET_SIDE ? Stage.TRANSFER : Stage.DUMP;
    }

    /** Moves the marker forward only (a phase of an earlier stage reported late changes nothing). */
    private void enter(Stage s) {
        if (current != null && s.ordinal() <= current.ordinal()) {
            return;
        }
        current = s;
        for (Stage each : Stage.values()) {
            stages.get(each).set(each.ordinal() < s.ordinal() ? StageState.DONE
                    : each == s ? StageState.ACTIVE : StageState.PENDING);
        }
    }

    private String stopping() {
        return "stopping: the copy is removed and " + container.get() + " thawed...";
    }

    /** Asks the helper to stop at its next safe point: the copy is removed and the original thawed. */
    public void cancel() {
        if (status.get() != Status.RUNNING) {
            return;
        }
        cancelRequested = true;
        op.say(stopping());
    }

    private void succeeded(MigrationResult r, String to) {
        stages.values().forEach(s -> s.set(StageState.DONE));
        op.succeeded("done");
        result.set(r);
        String id = r.newId() == null ? "" : " (id " + r.newId().substring(0, Math.min(12, r.newId().length())) + ")";
        headline.set(r.container() + " now runs on " + to + (r.newName() == null || r.newName().equals(r.container())
                ? "" : " as " + r.newName()) + id + ".");
        Map<String, Long> p = r.phasesMillis();
        long dump = p.getOrDefault(MigrationResult.DUMP, 0L);
        long transfer = p.getOrDefault(MigrationResult.TRANSFER, 0L);
        long restore = p.getOrDefault(MigrationResult.RESTORE, 0L);
        downtime.set("The application was paused for " + millis(Math.round(r.downtimeMillis()))
                + ", from the freeze to its copy running:");
        long sum = Math.max(1, dump + transfer + restore);
        List<Part> list = new ArrayList<>();
        list.add(new Part("dump", dump, dump / (double) sum));
        list.add(new Part("transfer", transfer, transfer / (double) sum));
        list.add(new Part("restore", restore, restore / (double) sum));
        parts.setAll(list);
        var v = r.verification();
        String checks = v == null ? "The copy runs"
                : "The copy passed " + (v.passed() ? "all " + v.checks().size() + " checks"
                        : (v.checks().size() - v.failedCount()) + " of " + v.checks().size() + " checks");
        afterword.set(checks + " (verified in " + millis(p.getOrDefault(MigrationResult.VERIFY, 0L)) + "). The original"
                + " stayed frozen for " + millis(r.frozenMillis()) + " in all and was removed; it never ran beside its"
                + " copy." + (r.checkpoint() == null ? "" : " The checkpoint is kept in " + r.checkpoint() + "."));
        status.set(Status.SUCCEEDED);
    }

    private void failed(Throwable error) {
        if (current != null) {
            stages.get(current).set(StageState.FAILED);
        }
        op.failed();
        boolean cancelled = error instanceof DcpException e && e.code() == ErrorCode.CANCELLED;
        errorTitle.set(cancelled ? "Stopped." : "The migration failed.");
        errorMessage.set(sentence(FxDialogService.message(error)));
        String hint = error instanceof DcpException e ? e.hint() : "";
        errorHint.set(hint == null || hint.isBlank() ? "" : "What to do: " + sentence(hint));
        op.say(cancelled ? "stopped" : "failed");
        status.set(Status.FAILED);
    }

    /** "812 ms" below a second, "1.24 s" from one. */
    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    /** {@code text} as a sentence: a capital first letter and a full stop. */
    static String sentence(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String t = text.strip();
        t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
        char last = t.charAt(t.length() - 1);
        return last == '.' || last == '!' || last == '?' || last == ')' && t.endsWith(".)") ? t : t + ".";
    }

    public ReadOnlyStringProperty containerProperty() {
        return container.getReadOnlyProperty();
    }

    /** The engine the container runs on, by name and socket. */
    public ReadOnlyStringProperty sourceProperty() {
        return source.getReadOnlyProperty();
    }

    /** The helper's other engines. */
    public ObservableList<EngineInfo> targets() {
        return targets;
    }

    public ObjectProperty<EngineInfo> targetProperty() {
        return target;
    }

    /** The copy's name; empty: the original's. */
    public StringProperty newNameProperty() {
        return newName;
    }

    public ReadOnlyStringProperty nameErrorProperty() {
        return nameError.getReadOnlyProperty();
    }

    /** What will happen, in one sentence. */
    public ReadOnlyStringProperty explanationProperty() {
        return explanation.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Whether it runs, how far it is, its phase and time. */
    public Progress progress() {
        return op;
    }

    public ReadOnlyObjectProperty<StageState> stageProperty(Stage stage) {
        return stages.get(stage).getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<MigrationResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** The engine the copy runs on (the target of the last start). */
    public ReadOnlyStringProperty copyEngineProperty() {
        return copyEngine.getReadOnlyProperty();
    }

    /** The copy's name, once migrated. */
    public String copyName() {
        MigrationResult r = result.get();
        return r == null ? null : r.newName();
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty downtimeProperty() {
        return downtime.getReadOnlyProperty();
    }

    /** The downtime's parts: dump, transfer, restore. */
    public ObservableList<Part> parts() {
        return parts;
    }

    public ReadOnlyStringProperty afterwordProperty() {
        return afterword.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorTitleProperty() {
        return errorTitle.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorMessageProperty() {
        return errorMessage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorHintProperty() {
        return errorHint.getReadOnlyProperty();
    }
}
