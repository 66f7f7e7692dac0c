package dev.dockercheckpoint.ui.system;

import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.ui.services.Backend;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The doctor's checks with pass/fail and the fix for each. */
public final class SystemViewModel {
    private final Backend backend;
    private final TaskExecutor executor;
    private final ObservableList<DoctorReport.Item> items = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");

    public SystemViewModel(Backend backend, TaskExecutor executor) {
        this.backend = backend;
        this.executor = executor;
    }

    public void refresh() {
        summary.set("Checking...");
        executor.execute(backend::doctor, this::apply, e -> summary.set("Cannot run the checks: " + e.getMessage()));
    }

    public void apply(DoctorReport report) {
        items.setAll(report.items());
        long failed = report.items().stream().filter(i -> !i.ok()).count();
        boolean essential = report.items().stream().filter(i -> !i.id().equals("mem-dirty-track"))
                .allMatch(DoctorReport.Item::ok);
        summary.set(failed == 0 ? "All checks passed: this host can checkpoint and restore containers."
                : essential ? "This host can checkpoint and restore containers (without pre-dump)."
                : failed + " check(s) failed: see the fixes below.");
    }

    public ObservableList<DoctorReport.Item> items() {
        return items;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
