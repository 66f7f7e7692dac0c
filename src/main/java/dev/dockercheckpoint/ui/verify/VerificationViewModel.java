package dev.dockercheckpoint.ui.verify;

import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.time.Duration;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The live verification panel: the seed's five checks, pending until each result arrives, then
 * passed or failed with what was seen and how long it took; "Run again" re-verifies.
 */
public final class VerificationViewModel {
    /** The five checks, in the order the helper runs them. */
    public static final List<String> CHECKS = List.of("Container status", "Process running", "Docker API responds",
            "Logs available", "Stats produced");

    /** State of one check. */
    public enum State { PENDING, RUNNING, PASSED, FAILED }

    /** One line of the panel. */
    public record Step(String name, State state, String detail, Duration duration) {
    }

    /** Overall verdict. */
    public enum Verdict { NONE, RUNNING, PASSED, FAILED }

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final ObservableList<Step> steps = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper container = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Verdict> verdict = new ReadOnlyObjectWrapper<>(Verdict.NONE);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");

    public VerificationViewModel(CheckpointService service, TaskExecutor executor) {
        this.service = service;
        this.executor = executor;
        reset("");
    }

    /** All checks back to pending for {@code name}. */
    public void reset(String name) {
        container.set(name);
        steps.setAll(CHECKS.stream().map(c -> new Step(c, State.PENDING, "", Duration.ZERO)).toList());
        verdict.set(Verdict.NONE);
        summary.set(name.isEmpty() ? "" : "Verifying " + name + "...");
    }

    /** The restore (or a re-verification) started: checks run one by one. */
    public void begin(String name) {
        reset(name);
        running.set(true);
        verdict.set(Verdict.RUNNING);
        mark(0, State.RUNNING);
    }

    /** A check finished (from the helper's event stream; UI thread). */
    public void accept(CheckResult result) {
        int i = CHECKS.indexOf(result.name());
        if (i < 0) {
            return;
        }
        steps.set(i, new Step(result.name(), result.passed() ? State.PASSED : State.FAILED, result.detail(),
                result.duration()));
        if (i + 1 < steps.size() && steps.get(i + 1).state() == State.PENDING) {
            mark(i + 1, State.RUNNING);
        }
    }

    /** The whole report arrived. */
    public void finish(VerificationReport report) {
        for (CheckResult c : report.checks()) {
            int i = CHECKS.indexOf(c.name());
            State s = i < 0 ? null : steps.get(i).state();
            if (s != State.PASSED && s != State.FAILED) {
                accept(c); // a check whose event did not arrive
            }
        }
        running.set(false);
        verdict.set(report.passed() ? Verdict.PASSED : Verdict.FAILED);
        summary.set(report.passed() ? "All " + report.checks().size() + " checks passed for " + report.container()
                : report.failedCount() + " of " + report.checks().size() + " checks failed for "
                        + report.container());
    }

    /** The operation failed before the checks could run. */
    public void abort(String why) {
        running.set(false);
        verdict.set(Verdict.FAILED);
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).state() == State.RUNNING) {
                mark(i, State.PENDING);
            }
        }
        summary.set(why);
    }

    /** Re-verifies the container. */
    public void runAgain() {
        String name = container.get();
        if (name.isEmpty() || running.get()) {
            return;
        }
        begin(name);
        ProgressListener listener = new ProgressListener() {
            @Override
            public void check(CheckResult result) {
                executor.onUiThread(() -> accept(result));
            }
        };
        executor.execute(() -> service.verify(name, listener), this::finish, e -> abort("Verification failed: "
                + e.getMessage()));
    }

    private void mark(int i, State state) {
        Step s = steps.get(i);
        steps.set(i, new Step(s.name(), state, s.detail(), s.duration()));
    }

    public ObservableList<Step> steps() {
        return steps;
    }

    public ReadOnlyStringProperty containerProperty() {
        return container.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Verdict> verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
