package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.Request;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Export of one stored checkpoint to a file of the user's: the compression (zstd, gzip, none), the
 * file (default {@code <folder>/<container>-<name>.tar.zst}, its extension following the
 * compression while the name is the proposed one, {@code .age} added while it is encrypted),
 * checked as it is typed; the named volumes' contents or not; encryption with age to public keys
 * or with a passphrase typed twice (done in this process, never by the helper); then the transfer.
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
    private final BooleanProperty withVolumes = new SimpleBooleanProperty(false);
    private final ObjectProperty<Encrypt> encrypt = new SimpleObjectProperty<>(Encrypt.NONE);
    private final StringProperty recipients = new SimpleStringProperty("");
    private final StringProperty passphrase = new SimpleStringProperty("");
    private final StringProperty passphraseAgain = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper encryptError = new ReadOnlyStringWrapper("");
    private final TransferProgress transfer;
    private final BooleanBinding valid;

    /** How the archive is encrypted. */
    public enum Encrypt {
        NONE, RECIPIENTS, PASSPHRASE
    }

    /** How strong a passphrase should be, in one line. */
    public static final String PASSPHRASE_ADVICE = "Use 5 or more random words, or 20 characters: anyone with the"
            + " file can try passphrases offline.";

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
            boolean sealed = encrypt.get() != Encrypt.NONE;
            String before = defaultName(checkpoint, was, sealed);
            if (file.get().endsWith("/" + before)) {
                file.set(file.get().substring(0, file.get().length() - before.length())
                        + defaultName(checkpoint, now, sealed));
            }
        });
        encrypt.addListener((o, was, now) -> {
            // an encrypted archive ends in .age, a plain one does not
            String f = file.get();
            if (was == Encrypt.NONE && now != Encrypt.NONE && !f.endsWith(AGE)) {
                file.set(f + AGE);
            } else if (now == Encrypt.NONE && f.endsWith(AGE)) {
                file.set(f.substring(0, f.length() - AGE.length()));
            }
        });
        file.addListener((o, a, b) -> fileError.set(check(b)));
        fileError.set(check(file.get()));
        for (var p : List.of(recipients, passphrase, passphraseAgain)) {
            p.addListener((o, a, b) -> encryptError.set(checkEncryption()));
        }
        encrypt.addListener((o, a, b) -> encryptError.set(checkEncryption()));
        valid = Bindings.createBooleanBinding(() -> fileError.get().isEmpty() && encryptError.get().isEmpty()
                && !transfer.runningProperty().get(), fileError, encryptError, transfer.runningProperty());
    }

    private static final String AGE = ".age";

    /** Why the encryption chosen cannot be used (empty when it can): bad keys named, passphrases that differ. */
    private String checkEncryption() {
        return switch (encrypt.get()) {
            case NONE -> "";
            case RECIPIENTS -> {
                if (recipients.get().isBlank()) {
                    yield "Give the age1… public keys to encrypt to, one a line, or add them from a file.";
                }
                try {
                    ArchiveCrypto.recipients(recipients.get());
                    yield "";
                } catch (DcpException e) {
                    yield sentence(e);
                }
            }
            case PASSPHRASE -> {
                if (passphrase.get().isEmpty()) {
                    yield "Type the passphrase, then again to confirm it.";
                }
                if (passphraseAgain.get().isEmpty()) {
                    yield "Type the passphrase again to confirm it.";
                }
                yield passphrase.get().equals(passphraseAgain.get()) ? "" : "The two passphrases differ.";
            }
        };
    }

    /** "Line 2 (age1qqq…) is not an age public key. Give one …": a DcpException as sentences. */
    static String sentence(DcpException e) {
        String m = e.getMessage();
        String hint = e.hint();
        return Character.toUpperCase(m.charAt(0)) + m.substring(1) + "." + (hint == null || hint.isBlank() ? ""
                : " " + Character.toUpperCase(hint.charAt(0)) + hint.substring(1) + ".");
    }

    /**
     * Adds the public keys of a recipients file (as {@code age -R} reads it) to those given; a file
     * that is not one is refused with its reason and nothing is added. Returns the problem, empty when added.
     */
    public String addRecipientsFrom(Path recipientsFile) {
        try {
            List<String> keys = ArchiveCrypto.recipientsFile(recipientsFile);
            String now = recipients.get().stripTrailing();
            recipients.set((now.isEmpty() ? "" : now + "\n") + String.join("\n", keys) + "\n");
            return "";
        } catch (DcpException e) {
            String why = sentence(e);
            encryptError.set(why);
            return why;
        }
    }

    /** {@code <container>-<name>.tar.zst} (.tar.gz, .tar for the others). */
    public static String defaultName(CheckpointSummary s, String compression) {
        return defaultName(s, compression, false);
    }

    /** The same, with {@code .age} after it when {@code encrypted}. */
    public static String defaultName(CheckpointSummary s, String compression, boolean encrypted) {
        return s.container() + "-" + s.name() + extension(compression) + (encrypted ? AGE : "");
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

    /**
     * Exports; {@code onDone} gets the result on the UI thread. A passphrase is handed over as
     * characters cleared when the export ends, and the fields are emptied once it succeeded.
     */
    public void start(Consumer<ExportInfo> onDone) {
        if (!valid.get()) {
            return;
        }
        Path target = Path.of(file.get());
        String c = compression.get();
        boolean volumes = withVolumes.get();
        char[] secret = encrypt.get() == Encrypt.PASSPHRASE ? passphrase.get().toCharArray() : null;
        ArchiveCrypto.Encryption encryption = switch (encrypt.get()) {
            case NONE -> ArchiveCrypto.Encryption.NONE;
            case RECIPIENTS -> new ArchiveCrypto.Encryption.ToRecipients(ArchiveCrypto.recipients(recipients.get()));
            case PASSPHRASE -> new ArchiveCrypto.Encryption.WithPassphrase(secret);
        };
        List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        TransferListener shown = transfer.begin("exporting " + checkpoint.container() + "/" + checkpoint.name());
        TransferListener listener = new TransferListener() {
            @Override
            public void progress(long bytes, double fraction) {
                shown.progress(bytes, fraction);
            }

            @Override
            public void note(String message) {
                notes.add(message);
                shown.note(message);
            }

            @Override
            public boolean isCancelled() {
                return shown.isCancelled();
            }
        };
        executor.execute(() -> {
            try {
                return service.exportCheckpoint(dir, checkpoint.container(), checkpoint.name(), c, volumes, encryption,
                        target, listener);
            } finally {
                if (secret != null) {
                    Arrays.fill(secret, '\0');
                }
            }
        }, r -> {
            if (secret != null) {
                passphrase.set("");
                passphraseAgain.set("");
            }
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "Exported %s/%s to %s: %s archive (%s)"
                    + " of %s in %d entries, %.1f s.", r.container(), r.name(), target, Bytes.human(r.archiveBytes()),
                    r.compression(), Bytes.human(r.contentBytes()), r.entries(), r.millis() / 1000.0));
            for (String note : notes) {
                if (!note.isBlank()) {
                    text.append(' ').append(Character.toUpperCase(note.charAt(0))).append(note.substring(1))
                            .append(note.endsWith(".") ? "" : ".");
                }
            }
            transfer.succeeded(text.toString());
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

    public BooleanProperty withVolumesProperty() {
        return withVolumes;
    }

    public ObjectProperty<Encrypt> encryptProperty() {
        return encrypt;
    }

    /** The public keys to encrypt to, one a line. */
    public StringProperty recipientsProperty() {
        return recipients;
    }

    public StringProperty passphraseProperty() {
        return passphrase;
    }

    public StringProperty passphraseAgainProperty() {
        return passphraseAgain;
    }

    /** Why the encryption chosen cannot be used: the bad keys named, or the passphrases that differ. */
    public ReadOnlyStringProperty encryptErrorProperty() {
        return encryptError.getReadOnlyProperty();
    }

    public BooleanBinding validProperty() {
        return valid;
    }

    public TransferProgress transfer() {
        return transfer;
    }
}
