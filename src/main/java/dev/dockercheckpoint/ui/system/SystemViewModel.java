package dev.dockercheckpoint.ui.system;

import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The doctor's checks with ok, warning or failure and the fix for each. */
public final class SystemViewModel {
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final ObservableList<DoctorReport.Item> items = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");

    public SystemViewModel(CheckpointService service, TaskExecutor executor) {
        this.service = service;
        this.executor = executor;
    }

    public void refresh() {
        summary.set("Checking...");
        executor.execute(service::doctor, this::apply, e -> summary.set("Cannot run the checks: " + e.getMessage()));
    }

    public void apply(DoctorReport report) {
        items.setAll(report.items());
        long failed = report.count(DoctorReport.Status.FAIL);
        long warnings = report.count(DoctorReport.Status.WARN);
        if (failed > 0) {
            summary.set(Plural.count(failed, "check") + " failed: see the fixes below.");
        } else if (warnings == 0) {
            summary.set("All checks passed: this host can checkpoint and restore containers.");
        } else {
            summary.set("This host can checkpoint and restore containers"
                    + (report.warns("mem-dirty-track") ? " (without pre-dump)" : "") + ", with "
                    + Plural.count(warnings, "warning") + ": see below.");
        }
    }

    public ObservableList<DoctorReport.Item> items() {
        return items;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
