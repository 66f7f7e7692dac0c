package dev.dockercheckpoint.ui.containers;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;

/**
 * The newest stored checkpoint of each container, over every base directory the helper serves,
 * for the container table's "Last checkpoint" column. Read again after each checkpoint or delete,
 * not on every Docker event.
 */
public final class LastCheckpoints {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final ObservableMap<String, CheckpointSummary> newest = FXCollections.observableHashMap();
    private final ZoneId zone = ZoneId.systemDefault();

    public LastCheckpoints(CheckpointService service, TaskExecutor executor) {
        this.service = service;
        this.executor = executor;
    }

    /** Lists the checkpoints of {@code dirs} and keeps the newest of each container. */
    public void refresh(List<Path> dirs) {
        List<Path> copy = List.copyOf(dirs);
        executor.execute(() -> {
            Map<String, CheckpointSummary> found = new HashMap<>();
            for (Path dir : copy) {
                for (CheckpointSummary s : service.listCheckpoints(dir)) {
                    found.merge(s.container(), s, LastCheckpoints::newer);
                }
            }
            return found;
        }, found -> {
            newest.keySet().retainAll(found.keySet());
            newest.putAll(found);
        }, e -> { }); // the column stays as it was; the browser says why listing fails
    }

    private static CheckpointSummary newer(CheckpointSummary a, CheckpointSummary b) {
        Instant ta = a.createdAt();
        Instant tb = b.createdAt();
        if (ta == null) {
            return b;
        }
        return tb != null && tb.isAfter(ta) ? b : a;
    }

    /** Container name to its newest checkpoint. */
    public ObservableMap<String, CheckpointSummary> newest() {
        return newest;
    }

    /** The newest checkpoint of {@code container}, or null. */
    public CheckpointSummary of(String container) {
        return newest.get(container);
    }

    /** "2026-11-28 10:00" (local time) for the table; empty when there is none. */
    public String timeOf(String container) {
        CheckpointSummary s = newest.get(container);
        return s == null || s.createdAt() == null ? "" : TIME.format(s.createdAt().atZone(zone));
    }

    /** How the column writes {@code t}. */
    public static String format(Instant t, ZoneId zone) {
        return TIME.format(t.atZone(zone));
    }
}
