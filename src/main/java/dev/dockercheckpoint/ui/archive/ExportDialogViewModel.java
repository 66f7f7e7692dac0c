package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.Request;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Export of one stored checkpoint to a file of the user's: the compression (zstd, gzip, none), the
 * file (default {@code <folder>/<container>-<name>.tar.zst}, its extension following the
 * compression while the name is the proposed one), checked as it is typed; then the transfer.
 */
public final class ExportDialogViewModel {
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final Path dir;
    private final CheckpointSummary checkpoint;
    private final ObservableList<String> compressions = FXCollections.observableArrayList(Request.COMPRESSIONS);
    private final StringProperty compression = new SimpleStringProperty("zstd");
    private final StringProperty file = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper fileError = new ReadOnlyStringWrapper("");
    private final TransferProgress transfer;
    private final BooleanBinding valid;

    public ExportDialogViewModel(CheckpointService service, TaskExecutor executor, Path dir,
            CheckpointSummary checkpoint, Path folder) {
        this.service = service;
        this.executor = executor;
        this.dir = dir;
        this.checkpoint = checkpoint;
        this.transfer = new TransferProgress(executor);
        file.set(folder.resolve(defaultName(checkpoint, "zstd")).toString());
        compression.addListener((o, was, now) -> {
            // the proposed name follows the compression; a name the user typed stays
            String before = defaultName(checkpoint, was);
            if (file.get().endsWith("/" + before)) {
                file.set(file.get().substring(0, file.get().length() - before.length()) + defaultName(checkpoint, now));
            }
        });
        file.addListener((o, a, b) -> fileError.set(check(b)));
        fileError.set(check(file.get()));
        valid = Bindings.createBooleanBinding(() -> fileError.get().isEmpty() && !transfer.runningProperty().get(),
                fileError, transfer.runningProperty());
    }

    /** {@code <container>-<name>.tar.zst} (.tar.gz, .tar for the others). */
    public static String defaultName(CheckpointSummary s, String compression) {
        return s.container() + "-" + s.name() + extension(compression);
    }

    static String extension(String compression) {
        return switch (compression == null ? "zstd" : compression.toLowerCase(Locale.ROOT)) {
            case "gzip" -> ".tar.gz";
            case "none" -> ".tar";
            default -> ".tar.zst";
        };
    }

    /** Why {@code text} cannot be written to (empty when it can). */
    static String check(String text) {
        if (text == null || text.isBlank()) {
            return "Choose the file to write the archive to.";
        }
        Path p;
        try {
            p = Path.of(text);
        } catch (InvalidPathException e) {
            return "Not a file name: " + e.getReason() + ".";
        }
        if (!p.isAbsolute()) {
            return "Give the whole path, starting with /.";
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return p.getFileName() + " already exists: choose another name (a file is never overwritten).";
        }
        if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
            return "There is no folder " + p.getParent() + ".";
        }
        return "";
    }

    /** Exports; {@code onDone} gets the result on the UI thread. */
    public void start(Consumer<ExportInfo> onDone) {
        if (!valid.get()) {
            return;
        }
        Path target = Path.of(file.get());
        String c = compression.get();
        TransferListener listener = transfer.begin("exporting " + checkpoint.container() + "/" + checkpoint.name());
        executor.execute(() -> service.exportCheckpoint(dir, checkpoint.container(), checkpoint.name(), c, target,
                listener), r -> {
                    transfer.succeeded(String.format(Locale.ROOT, "Exported %s/%s to %s: %s archive (%s) of %s in %d"
                            + " entries, %.1f s.", r.container(), r.name(), target, Bytes.human(r.archiveBytes()),
                            r.compression(), Bytes.human(r.contentBytes()), r.entries(), r.millis() / 1000.0));
                    onDone.accept(r);
                }, e -> transfer.failed("Export", e, "Stopped: no file was written."));
    }

    public void cancel() {
        transfer.cancel();
    }

    public CheckpointSummary checkpoint() {
        return checkpoint;
    }

    public ObservableList<String> compressions() {
        return compressions;
    }

    public StringProperty compressionProperty() {
        return compression;
    }

    public StringProperty fileProperty() {
        return file;
    }

    public ReadOnlyStringProperty fileErrorProperty() {
        return fileError.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    public TransferProgress transfer() {
        return transfer;
    }
}
