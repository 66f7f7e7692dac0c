package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
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
 * Import of an archive file of the user's into one of the base directories the helper serves,
 * under the archive's names or others (left empty: the archive's); then the transfer.
 */
public final class ImportDialogViewModel {
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final StringProperty file = new SimpleStringProperty("");
    private final ObjectProperty<Path> dir = new SimpleObjectProperty<>();
    private final ObservableList<Path> dirChoices = FXCollections.observableArrayList();
    private final StringProperty container = new SimpleStringProperty("");
    private final StringProperty name = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final TransferProgress transfer;
    private final BooleanBinding valid;

    public ImportDialogViewModel(CheckpointService service, TaskExecutor executor, Path dir, List<Path> choices) {
        this.service = service;
        this.executor = executor;
        this.transfer = new TransferProgress(executor);
        dirChoices.setAll(choices);
        this.dir.set(choices.contains(dir) || choices.isEmpty() ? dir : choices.getFirst());
        for (var p : List.of(file, container, name)) {
            p.addListener((o, a, b) -> error.set(check()));
        }
        error.set(check());
        valid = Bindings.createBooleanBinding(() -> error.get().isEmpty() && !transfer.runningProperty().get(),
                error, transfer.runningProperty());
    }

    /** Why the import cannot start (empty when it can). */
    private String check() {
        String f = file.get();
        if (f == null || f.isBlank()) {
            return "Choose the archive to import.";
        }
        try {
            Path p = Path.of(f);
            if (!Files.isRegularFile(p)) {
                return "There is no file " + f + ".";
            }
        } catch (InvalidPathException e) {
            return "Not a file name: " + e.getReason() + ".";
        }
        for (var field : List.of(java.util.Map.entry("container name", container.get()),
                java.util.Map.entry("checkpoint name", name.get()))) {
            if (!field.getValue().isBlank()) {
                try {
                    Names.requireValid(field.getKey(), field.getValue().strip());
                } catch (DcpException e) {
                    return e.getMessage() + ".";
                }
            }
        }
        return "";
    }

    /** Imports; {@code onDone} gets the result on the UI thread. */
    public void start(Consumer<ImportInfo> onDone) {
        if (!valid.get()) {
            return;
        }
        Path source = Path.of(file.get());
        Path target = dir.get();
        String c = container.get().isBlank() ? null : container.get().strip();
        String n = name.get().isBlank() ? null : name.get().strip();
        TransferListener listener = transfer.begin("importing " + source.getFileName());
        executor.execute(() -> service.importArchive(source, target, c, n, listener), r -> {
            transfer.succeeded("Imported " + r.container() + "/" + r.name() + " into " + r.dir() + ": " + r.files()
                    + " files, " + Bytes.human(r.bytes()) + ". " + (r.verified()
                            ? "Every file matches the SHA-256 recorded at export."
                            : "Not checked: an archive made by " + r.origin() + " carries no checksums.")
                    + (r.skipped().isEmpty() ? "" : " Left out: " + String.join(", ", r.skipped()) + "."));
            onDone.accept(r);
        }, e -> transfer.failed("Import", e, "Stopped: nothing was kept."));
    }

    public void cancel() {
        transfer.cancel();
    }

    public StringProperty fileProperty() {
        return file;
    }

    public ObjectProperty<Path> dirProperty() {
        return dir;
    }

    public ObservableList<Path> dirChoices() {
        return dirChoices;
    }

    public StringProperty containerProperty() {
        return container;
    }

    public StringProperty nameProperty() {
        return name;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    public TransferProgress transfer() {
        return transfer;
    }
}
