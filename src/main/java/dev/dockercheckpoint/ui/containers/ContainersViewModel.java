package dev.dockercheckpoint.ui.containers;

import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The live container table: all containers Docker knows, refreshed when Docker reports a change,
 * filtered by what the user types.
 */
public final class ContainersViewModel {
    /** One row of the table. */
    public record Row(String name, String shortId, String image, String state, String status, Instant created) {
        public boolean running() {
            return "running".equals(state);
        }

        /** "3 min", "2 h", "5 d" since creation. */
        public String age(Instant now) {
            if (created == null) {
                return "";
            }
            Duration d = Duration.between(created, now);
            if (d.toMinutes() < 1) {
                return d.toSeconds() + " s";
            }
            if (d.toHours() < 1) {
                return d.toMinutes() + " min";
            }
            if (d.toDays() < 1) {
                return d.toHours() + " h";
            }
            return d.toDays() + " d";
        }

        static Row of(ContainerSummary c) {
            return new Row(c.name(), c.shortId(), c.image(), c.state(), c.status(), c.created());
        }
    }

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final FilteredList<Row> filtered = new FilteredList<>(rows, r -> true);
    /** One read-only view, kept: a fresh wrapper per call would drop its listeners when collected. */
    private final ObservableList<Row> readOnlyRows = FXCollections.unmodifiableObservableList(rows);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<Row> selected = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final BooleanProperty otherEngines = new SimpleBooleanProperty(false);
    private final BooleanBinding canMigrate = Bindings.createBooleanBinding(() -> otherEngines.get()
            && selected.get() != null && selected.get().running(), otherEngines, selected);
    private String wanted;
    private AutoCloseable subscription;
    private final LastCheckpoints lastCheckpoints;

    public ContainersViewModel(CheckpointService service, TaskExecutor executor) {
        this.service = service;
        this.executor = executor;
        this.lastCheckpoints = new LastCheckpoints(service, executor);
        filter.addListener((o, a, text) -> {
            String q = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            filtered.setPredicate(r -> q.isEmpty() || r.name().toLowerCase(Locale.ROOT).contains(q)
                    || r.image().toLowerCase(Locale.ROOT).contains(q) || r.shortId().startsWith(q)
                    || r.state().toLowerCase(Locale.ROOT).contains(q));
        });
    }

    public ObservableList<Row> rows() {
        return filtered;
    }

    /** The newest checkpoint of each container (the "Last checkpoint" column). */
    public LastCheckpoints lastCheckpoints() {
        return lastCheckpoints;
    }

    /** All rows, unfiltered. */
    public ObservableList<Row> allRows() {
        return readOnlyRows;
    }

    public StringProperty filterProperty() {
        return filter;
    }

    public ObjectProperty<Row> selectedProperty() {
        return selected;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Loads the list, then follows Docker's events. */
    public void start() {
        refresh();
        executor.execute(() -> service.subscribe(name -> requestRefresh()), s -> subscription = s,
                e -> status.set("live updates unavailable: " + e.getMessage()));
    }

    /** Coalesces bursts of events (a restore emits several) into one refresh. */
    void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            executor.onUiThread(this::refresh);
        }
    }

    public void refresh() {
        refreshQueued.set(false);
        executor.execute(() -> service.listContainers(true), this::apply,
                e -> status.set("cannot list containers: " + e.getMessage()));
    }

    void apply(List<ContainerSummary> containers) {
        String keep = wanted != null ? wanted : selected.get() == null ? null : selected.get().name();
        wanted = null;
        List<Row> fresh = containers.stream().map(Row::of).toList();
        rows.setAll(fresh);
        long running = fresh.stream().filter(Row::running).count();
        status.set(summary(fresh.size(), running));
        if (keep != null) {
            selected.set(fresh.stream().filter(r -> r.name().equals(keep)).findFirst().orElse(null));
        }
    }

    /** "No containers", "1 container, 1 running", "3 containers, none running". */
    static String summary(int total, long running) {
        if (total == 0) {
            return "No containers";
        }
        return Plural.count(total, "container") + ", " + (running == 0 ? "none" : running)
                + " running";
    }

    /** Selects the container called {@code name} once the next listing shows it. */
    public void selectWhenListed(String name) {
        wanted = name;
    }

    /** Whether the helper serves engines besides the one shown (migration needs one). */
    public BooleanProperty otherEnginesProperty() {
        return otherEngines;
    }

    /** A running container is selected and there is another engine to move it to. */
    public BooleanBinding canMigrateProperty() {
        return canMigrate;
    }

    /** Names of all containers (for "name already used" checks). */
    public List<String> names() {
        return rows.stream().map(Row::name).toList();
    }

    public void stop() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                // closing
            }
        }
    }
}
