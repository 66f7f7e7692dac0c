package dev.dockercheckpoint.ui.browser;

import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.DialogService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The checkpoint browser: base directory (one of those the helper serves), containers and their checkpoints; the selected
 * checkpoint's details (options, created, versions, size, integrity, files); a check of its files
 * against their checksums; delete with confirmation.
 */
public final class CheckpointBrowserViewModel {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final CheckpointService service;
    private final TaskExecutor executor;
    private final DialogService dialogs;
    private final ObjectProperty<Path> dir = new SimpleObjectProperty<>();
    private final ObservableList<Path> dirChoices = FXCollections.observableArrayList();
    /** Container name to its checkpoints, in order. */
    private final ObservableList<Map.Entry<String, List<CheckpointSummary>>> groups =
            FXCollections.observableArrayList();
    private final ObjectProperty<CheckpointSummary> selected = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<CheckpointDetails> details = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<IntegrityReport> lastCheck = new ReadOnlyObjectWrapper<>();
    private volatile boolean stopCheck;
    /** container/name to select once listed (a checkpoint just made), or null. */
    private String wanted;

    public CheckpointBrowserViewModel(CheckpointService service, TaskExecutor executor, DialogService dialogs,
            Path dir) {
        this.service = service;
        this.executor = executor;
        this.dialogs = dialogs;
        this.dir.set(dir);
        this.dirChoices.add(dir);
        selected.addListener((o, a, s) -> loadDetails(s));
        this.dir.addListener((o, a, b) -> refresh());
    }

    public void refresh() {
        refresh(null);
    }

    /** Lists the checkpoints again; the status line then says {@code statusAfter} (null: how many there are). */
    private void refresh(String statusAfter) {
        Path d = dir.get();
        String keep = wanted != null ? wanted : selected.get() == null ? null : selected.get().container() + "/"
                + selected.get().name();
        executor.execute(() -> service.listCheckpoints(d), list -> {
            Map<String, List<CheckpointSummary>> byContainer = new LinkedHashMap<>();
            for (CheckpointSummary s : list) {
                byContainer.computeIfAbsent(s.container(), k -> new ArrayList<>()).add(s);
            }
            groups.setAll(byContainer.entrySet().stream().map(e -> Map.entry(e.getKey(), List.copyOf(e.getValue())))
                    .toList());
            status.set(statusAfter != null ? statusAfter : Plural.count(list.size(), "checkpoint") + " in " + d);
            selected.set(list.stream().filter(s -> (s.container() + "/" + s.name()).equals(keep)).findFirst()
                    .orElse(null));
            if (selected.get() != null && keep.equals(wanted)) {
                wanted = null;
            }
        }, e -> {
            groups.clear();
            status.set("Cannot list " + d + ": " + e.getMessage());
        });
    }

    private void loadDetails(CheckpointSummary s) {
        details.set(null);
        if (s == null) {
            return;
        }
        Path d = dir.get();
        executor.execute(() -> service.details(d, s.container(), s.name()), details::set,
                e -> status.set("Cannot read " + s.container() + "/" + s.name() + ": " + e.getMessage()));
    }

    /** The listed checkpoints of {@code container}, oldest first. */
    public List<CheckpointSummary> checkpointsOf(String container) {
        return groups.stream().filter(g -> g.getKey().equals(container)).flatMap(g -> g.getValue().stream())
                .sorted(java.util.Comparator.comparing(CheckpointSummary::createdAt,
                        java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                .toList();
    }

    /** Shows {@code container}/{@code name} of base directory {@code base}: lists it and selects it. */
    public void show(Path base, String container, String name) {
        wanted = container + "/" + name;
        if (base != null && !base.equals(dir.get()) && dirChoices.contains(base)) {
            dir.set(base); // lists it
        } else {
            refresh();
        }
    }

    /** Deletes the selected checkpoint after the user confirms. */
    public void deleteSelected() {
        CheckpointSummary s = selected.get();
        if (s == null) {
            return;
        }
        if (!dialogs.confirm("Delete checkpoint", "Delete checkpoint " + s.container() + "/" + s.name() + " ("
                + Bytes.human(s.sizeBytes()) + ")? This cannot be undone.")) {
            return;
        }
        Path d = dir.get();
        executor.execute(() -> {
            service.delete(d, s.container(), s.name());
            return null;
        }, v -> {
            dialogs.notify("Deleted checkpoint " + s.container() + "/" + s.name());
            refresh();
        }, e -> dialogs.showError("Cannot delete checkpoint", e));
    }

    // ---------------------------------------------------------------- integrity

    /**
     * Checks every file of the selected checkpoint against its checksums, through the helper; the
     * status line follows the progress and then says the result (a damaged checkpoint also in an
     * error dialog, naming the files), and the list is read again so its badge shows it. Called
     * while a check runs, it asks the check to stop.
     */
    public void checkSelectedIntegrity() {
        if (checking.get()) {
            stopCheck = true;
            status.set("Stopping the check…");
            return;
        }
        CheckpointSummary s = selected.get();
        if (s == null) {
            return;
        }
        Path d = dir.get();
        String what = s.container() + "/" + s.name();
        stopCheck = false;
        checking.set(true);
        status.set("Checking " + what + "…");
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String phase, double fraction) {
                executor.onUiThread(() -> status.set(what + ": " + phase));
            }

            @Override
            public boolean isCancelled() {
                return stopCheck;
            }
        };
        executor.execute(() -> service.verifyCheckpoint(d, s.container(), s.name(), listener), report -> {
            checking.set(false);
            lastCheck.set(report);
            String result = checkResult(what, report);
            status.set(result);
            if (report.state() == Integrity.State.DAMAGED) {
                dialogs.showError("Checkpoint damaged", IntegrityCheck.damagedError("checkpoint " + what,
                        report.damaged(), "do not restore it; restore another checkpoint, or make a new one"));
            }
            refresh(result);
        }, e -> {
            checking.set(false);
            if (e instanceof DcpException x && x.code() == ErrorCode.CANCELLED) {
                status.set("Check of " + what + " stopped");
            } else {
                status.set("Cannot check " + what + ": " + e.getMessage());
                dialogs.showError("Cannot check integrity", e);
            }
        });
    }

    /** The status line after a check. */
    static String checkResult(String what, IntegrityReport r) {
        return switch (r.state()) {
            case VERIFIED -> String.format(Locale.ROOT, "%s: intact, every file matches its checksum (%d files, %s,"
                    + " %.1f s)", what, r.checkedFiles(), Bytes.human(r.bytes()), r.millis() / 1000.0);
            case DAMAGED -> what + " is damaged: " + Integrity.describe(r.damaged());
            case NONE -> what + " was made without checksums (by an older version): not checked";
            case RECORDED -> what + ": not checked";
        };
    }

    /** A checkpoint's integrity in a few words, for its badge in the tree. */
    public static String badge(Integrity i) {
        if (i == null) {
            return "";
        }
        return switch (i.state()) {
            case VERIFIED -> "✔ verified";
            case DAMAGED -> "✖ damaged";
            case RECORDED -> "checksums";
            case NONE -> "no checksums";
        };
    }

    /** A checkpoint's integrity in a sentence, for its details. */
    public static String integrity(Integrity i) {
        if (i == null) {
            return "?";
        }
        return switch (i.state()) {
            case VERIFIED -> "verified: every file matched its checksum on " + TIME.format(i.checkedAt())
                    + ", and none has changed since";
            case DAMAGED -> "damaged: " + Integrity.describe(i.damaged()) + ". Do not restore it.";
            case RECORDED -> "checksums recorded when it was made, not checked since (Check integrity reads every"
                    + " file; a restore checks them first)";
            case NONE -> "made without checksums (by an older version): its files cannot be checked";
        };
    }

    /** True while a check runs (its button then stops it). */
    public ReadOnlyBooleanProperty checkingProperty() {
        return checking.getReadOnlyProperty();
    }

    /** The result of the last check, or null. */
    public ReadOnlyObjectProperty<IntegrityReport> lastCheckProperty() {
        return lastCheck.getReadOnlyProperty();
    }

    public void copySelectedPath() {
        CheckpointSummary s = selected.get();
        if (s != null) {
            dialogs.copyToClipboard(s.dir().toString());
            status.set("Copied " + s.dir());
        }
    }

    /** Lines describing a checkpoint, for the details pane: label and value. */
    public static List<Map.Entry<String, String>> describe(CheckpointDetails d) {
        List<Map.Entry<String, String>> rows = new ArrayList<>();
        Manifest m = d.manifest();
        rows.add(Map.entry("Checkpoint", d.summary().container() + "/" + d.summary().name()));
        if (m.incomplete() != null) {
            rows.add(Map.entry("Incomplete", m.incomplete() + ". Its dump is complete: it can be restored, or"
                    + " deleted when not needed."));
        }
        if (m.lostProcesses() != null) {
            rows.add(Map.entry("Left out", String.join(", ", m.lostProcesses())
                    + " (outside the init's process tree; not restored)"));
        }
        rows.add(Map.entry("Created", m.createdAt() == null ? "?" : TIME.format(m.createdAt())));
        rows.add(Map.entry("Size", Bytes.human(d.summary().sizeBytes()) + " in "
                + Plural.count(d.files().size(), "file")));
        rows.add(Map.entry("Integrity", integrity(d.summary().integrity())));
        rows.add(Map.entry("Options", options(m.options())));
        if (m.spec() != null) {
            rows.add(Map.entry("Image", m.spec().image()));
            rows.add(Map.entry("Command", String.join(" ", m.spec().cmd())));
        }
        if (m.versions() != null) {
            rows.add(Map.entry("Versions", "Docker " + m.versions().docker() + ", runc " + m.versions().runc()
                    + ", CRIU " + m.versions().criu() + ", kernel " + m.versions().kernel()));
        }
        if (m.downtimeMillis() != null) {
            var st = m.dumpStats();
            String files = m.timingsMillis().containsKey("filesystem") ? String.format(Locale.ROOT,
                    "saving files %d ms, ", m.timingsMillis().get("filesystem")) : "";
            rows.add(Map.entry("Downtime", st == null ? String.format(Locale.ROOT, "%.1f ms frozen", m.downtimeMillis())
                    : String.format(Locale.ROOT, "%.1f ms frozen (%sCRIU freezing %.1f ms, memory dump %.1f ms); %d"
                            + " pages written of %d scanned", m.downtimeMillis(), files,
                            nz(st.freezingTimeUs()) / 1000.0, nz(st.memdumpTimeUs()) / 1000.0, nz(st.pagesWritten()),
                            nz(st.pagesScanned()))));
        }
        if (m.timingsMillis().containsKey("total")) {
            rows.add(Map.entry("Took", m.timingsMillis().get("total") + " ms (dump " + m.timingsMillis()
                    .getOrDefault("dump", 0L) + " ms)"));
        }
        if (m.filesystem() != null) {
            rows.add(Map.entry("Filesystem changes", m.filesystem().added() + " added, " + m.filesystem().changed()
                    + " changed, " + m.filesystem().deleted() + " deleted"));
        }
        rows.add(Map.entry("Directory", d.summary().dir().toString()));
        return rows;
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    static String options(CheckpointOptions o) {
        if (o == null) {
            return "?";
        }
        List<String> on = new ArrayList<>();
        on.add(o.leaveRunning() ? "leave running" : "stopped after dump");
        if (o.tcpEstablished()) {
            on.add("TCP connections");
        }
        if (o.fileLocks()) {
            on.add("file locks");
        }
        if (o.preDump()) {
            on.add("pre-dump");
        }
        return String.join(", ", on);
    }

    public ObjectProperty<Path> dirProperty() {
        return dir;
    }

    /** The base directories to choose from (those the helper serves). */
    public ObservableList<Path> dirChoices() {
        return dirChoices;
    }

    /**
     * The helper's base directories: offered as the choices; when the one shown is not among
     * them, the first is shown instead (and listed).
     */
    public void setDirChoices(List<Path> choices) {
        if (choices.isEmpty()) {
            return;
        }
        dirChoices.setAll(choices);
        if (!choices.contains(dir.get())) {
            dir.set(choices.getFirst());
        }
    }

    public ObservableList<Map.Entry<String, List<CheckpointSummary>>> groups() {
        return groups;
    }

    public ObjectProperty<CheckpointSummary> selectedProperty() {
        return selected;
    }

    public ReadOnlyObjectProperty<CheckpointDetails> detailsProperty() {
        return details.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
