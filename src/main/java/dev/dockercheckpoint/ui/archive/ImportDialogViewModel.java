package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
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
 * Import of an archive file of the user's into one of the base directories the helper serves,
 * under the archive's names or others (left empty: the archive's); then the transfer. An archive
 * encrypted with age is recognised by its header, and the dialog then asks for what opens it: the
 * key file of one of its recipients, or its passphrase. It is decrypted in this process; a key
 * that does not open it is refused before anything is stored, and may be given again.
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
    private final ReadOnlyObjectWrapper<ArchiveCrypto.Lock> lock = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper lockText = new ReadOnlyStringWrapper("");
    private final StringProperty identity = new SimpleStringProperty("");
    private final StringProperty passphrase = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper keyRefused = new ReadOnlyBooleanWrapper(false);
    /** Why the identity file given cannot be used; read when it changes, not at each keystroke elsewhere. */
    private String identityProblem = "";
    private final TransferProgress transfer;
    private final BooleanBinding valid;

    public ImportDialogViewModel(CheckpointService service, TaskExecutor executor, Path dir, List<Path> choices) {
        this.service = service;
        this.executor = executor;
        this.transfer = new TransferProgress(executor);
        dirChoices.setAll(choices);
        this.dir.set(choices.contains(dir) || choices.isEmpty() ? dir : choices.getFirst());
        file.addListener((o, a, b) -> readLock());
        identity.addListener((o, a, b) -> readIdentity());
        for (var p : List.of(file, container, name, identity, passphrase)) {
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
        ArchiveCrypto.Lock l = lock.get();
        if (l == null) {
            return "";
        }
        if (l.unreadable()) {
            return "The archive is encrypted with age " + l.describe() + ". Decrypt it with age first, then import"
                    + " that file.";
        }
        if (l.passphrase()) {
            return passphrase.get().isEmpty() ? "Type the passphrase the archive was exported with." : "";
        }
        if (identity.get().isBlank()) {
            return "Choose the key file (age-keygen's) of one of its recipients.";
        }
        return identityProblem;
    }

    /** What the file's header says: encrypted with age or not. */
    private void readLock() {
        ArchiveCrypto.Lock l = null;
        try {
            Path p = Path.of(file.get());
            if (Files.isRegularFile(p)) {
                l = ArchiveCrypto.lockOf(p).orElse(null);
            }
        } catch (InvalidPathException e) {
            // check() says so
        }
        lock.set(l);
        lockText.set(l == null ? "" : l.passphrase() ? "Encrypted with a passphrase (age): type it."
                : "Encrypted with age " + l.describe() + (l.unreadable() ? "." : ": choose the key file of one of them."));
    }

    private void readIdentity() {
        String text = identity.get();
        identityProblem = "";
        if (text.isBlank()) {
            return;
        }
        try {
            Path p = Path.of(text.strip());
            if (!Files.isRegularFile(p)) {
                identityProblem = "There is no key file " + text.strip() + ".";
                return;
            }
            ArchiveCrypto.checkIdentityFile(p);
        } catch (InvalidPathException e) {
            identityProblem = "Not a file name: " + e.getReason() + ".";
        } catch (DcpException e) {
            identityProblem = ExportDialogViewModel.sentence(e);
        }
    }

    /**
     * Imports; {@code onDone} gets the result on the UI thread. A passphrase is handed over as
     * characters cleared when the import ends; a key or passphrase that does not open the archive
     * leaves the dialog as it was, but for the passphrase, to be typed again.
     */
    public void start(Consumer<ImportInfo> onDone) {
        if (!valid.get()) {
            return;
        }
        Path source = Path.of(file.get());
        Path target = dir.get();
        String c = container.get().isBlank() ? null : container.get().strip();
        String n = name.get().isBlank() ? null : name.get().strip();
        ArchiveCrypto.Lock l = lock.get();
        char[] secret = l != null && l.passphrase() ? passphrase.get().toCharArray() : null;
        ArchiveCrypto.Decryption decryption = l == null ? ArchiveCrypto.Decryption.NONE : secret != null
                ? new ArchiveCrypto.Decryption.WithPassphrase(secret)
                : new ArchiveCrypto.Decryption.WithIdentity(Path.of(identity.get().strip()));
        keyRefused.set(false);
        TransferListener listener = transfer.begin((l == null ? "importing " : "decrypting and importing ")
                + source.getFileName());
        executor.execute(() -> {
            try {
                return service.importArchive(source, target, c, n, decryption, listener);
            } finally {
                if (secret != null) {
                    Arrays.fill(secret, '\0');
                }
            }
        }, r -> {
            passphrase.set("");
            transfer.succeeded("Imported " + r.container() + "/" + r.name() + " into " + r.dir() + ": " + r.files()
                    + " files, " + Bytes.human(r.bytes()) + ". " + (r.verified()
                            ? "Every file matches the SHA-256 recorded at export."
                            : "Not checked: an archive made by " + r.origin() + " carries no checksums.")
                    + (r.skipped().isEmpty() ? "" : " Left out: " + String.join(", ", r.skipped()) + "."));
            onDone.accept(r);
        }, e -> {
            Throwable shown = e;
            if (e instanceof DcpException d && d.code() == ErrorCode.DECRYPTION_FAILED) {
                if (secret == null) {
                    // the command line's hint names its option; here the key file is chosen
                    shown = new DcpException(d.code(), d.getMessage(), "choose the key file of a recipient it was"
                            + " exported to; nothing was imported");
                } else {
                    passphrase.set("");
                }
            }
            transfer.failed("Import", shown, "Stopped: nothing was kept.");
            if (e instanceof DcpException d && d.code() == ErrorCode.DECRYPTION_FAILED) {
                keyRefused.set(true);
            }
        });
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

    /** How the archive is encrypted with age; null when it is not. */
    public ReadOnlyObjectProperty<ArchiveCrypto.Lock> lockProperty() {
        return lock.getReadOnlyProperty();
    }

    /** "Encrypted with age to 1 recipient: choose the key file of one of them."; empty when not encrypted. */
    public ReadOnlyStringProperty lockTextProperty() {
        return lockText.getReadOnlyProperty();
    }

    /** The key file (as age-keygen writes it) that opens an archive encrypted to recipients. */
    public StringProperty identityProperty() {
        return identity;
    }

    public StringProperty passphraseProperty() {
        return passphrase;
    }

    /** True after the key or passphrase given did not open the archive (until the next try). */
    public ReadOnlyBooleanProperty keyRefusedProperty() {
        return keyRefused.getReadOnlyProperty();
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
