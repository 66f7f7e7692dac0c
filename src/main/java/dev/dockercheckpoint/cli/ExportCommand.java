package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.NewFile;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.archive.AgeEncryption;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.Compression;
import dev.dockercheckpoint.engine.Docker;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Volumes;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a stored checkpoint as one archive (Podman's layout, zstd by default) to a file or stdout. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a checkpoint as one archive in Podman's layout, to a file or (-o -) to standard"
                + " output; import it elsewhere with docker-checkpoint import.",
            "",
            "  sudo docker-checkpoint export -container myapp -name checkpoint1 -o myapp.tar.zst",
            "  sudo docker-checkpoint export -container myapp -o - | ssh host sudo docker-checkpoint import -",
            "  sudo docker-checkpoint export -container myapp -o myapp.tar.zst.age --recipient age1...",
            ""})
final class ExportCommand implements Callable<Integer> {
    /** Standard output as bytes (tests replace it). */
    static Supplier<OutputStream> stdout = () -> new FileOutputStream(FileDescriptor.out);

    @Spec
    CommandSpec spec;

    @Option(names = {"-container", "--container"}, required = true, paramLabel = "NAME",
            description = "Container whose checkpoint to export.")
    String container;

    @Option(names = {"-name", "--name"}, defaultValue = CheckpointRequest.DEFAULT_NAME, paramLabel = "NAME",
            description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"-dir", "--dir"}, defaultValue = "/tmp/docker-checkpoints", paramLabel = "DIR",
            description = "Base directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "Archive to write (it must not exist yet), or - for standard output.")
    String output;

    @Option(names = "--compress", defaultValue = "zstd", paramLabel = "zstd|gzip|none",
            description = "Compression (default: ${DEFAULT-VALUE}).")
    String compress;

    @Option(names = "--recipient", paramLabel = "AGE_PUBLIC_KEY",
            description = "Encrypt the archive with age to this public key (age1..., from age-keygen); repeat it for"
                    + " more recipients: the key of any one of them decrypts it.")
    List<String> recipients = new ArrayList<>();

    @Option(names = "--recipients-file", paramLabel = "FILE",
            description = "Encrypt with age to the public keys listed in FILE, one a line ('#' comments).")
    List<Path> recipientsFiles = new ArrayList<>();

    @Option(names = "--passphrase",
            description = "Encrypt with age and a passphrase (scrypt), asked twice on the terminal without echo.")
    boolean passphrase;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Encrypt with age and the passphrase on the first line of FILE (without a terminal: this or"
                    + " the environment variable " + Passphrase.ENV + ").")
    Path passphraseFile;

    @Option(names = "--with-volumes",
            description = "Add the contents of the named volumes the container mounted (anonymous ones too) as"
                    + " volumes/<name>.tar; they are copied as they are now, not as they were at the checkpoint.")
    boolean withVolumes;

    @Option(names = "--verify",
            description = "Hash every file of the checkpoint and check it against the checksums recorded when it was"
                    + " made, refusing a damaged checkpoint before the archive is complete. Without it, files unchanged"
                    + " since then (same size and time) carry their recorded checksums without being hashed again, and"
                    + " the import checks every file against them.")
    boolean verify;

    @Override
    public Integer call() {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        Compression compression = Compression.parse(compress);
        boolean byPassphrase = passphrase || passphraseFile != null;
        List<String> keys = new ArrayList<>(recipients);
        for (Path f : recipientsFiles) {
            keys.addAll(AgeEncryption.readRecipientsFile(f));
        }
        if (byPassphrase && !keys.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "an archive is encrypted either to recipients or with a"
                    + " passphrase, not both", "pass --recipient/--recipients-file or --passphrase");
        }
        AgeEncryption toKeys = keys.isEmpty() ? null : AgeEncryption.toRecipients(keys);
        CheckpointStore store = new CheckpointStore(dir);
        PrintWriter err = spec.commandLine().getErr();
        ArchiveConsoleProgress progress = new ArchiveConsoleProgress(err, "export");
        try (HelperTarget helper = Posix.isRoot() ? null : HelperTarget.open()) {
            // as root the checkpoint is found before a passphrase is asked
            CheckpointStore.Stored stored = helper == null ? store.open(container, name) : null;
            if (!byPassphrase) {
                return run(source(helper, stored, compression, toKeys, progress), compression, toKeys, err);
            }
            byte[] secret = Passphrase.read(passphraseFile, true);
            AgeEncryption withPassphrase = null;
            try {
                withPassphrase = AgeEncryption.withPassphrase(secret);
                return run(source(helper, stored, compression, withPassphrase, progress), compression,
                        withPassphrase, err);
            } finally {
                Arrays.fill(secret, (byte) 0);
                if (withPassphrase != null) {
                    withPassphrase.destroy();
                }
            }
        }
    }

    /** Writes the archive to a stream: in this process as root, through the helper otherwise. */
    interface Source {
        ArchiveExporter.Result writeTo(OutputStream out);
    }

    /**
     * The archive: made here as root; through the helper otherwise, encrypted here, so that no key
     * or passphrase ever reaches the helper.
     */
    private Source source(HelperTarget helper, CheckpointStore.Stored stored, Compression compression,
            AgeEncryption encryption, ArchiveConsoleProgress progress) {
        if (helper == null) {
            if (!withVolumes) {
                return out -> ArchiveExporter.export(stored, out, compression, encryption, Engine.toolVersion(),
                        progress, null, verify);
            }
            return out -> {
                try (Docker docker = Docker.connect()) {
                    return ArchiveExporter.export(stored, out, compression, encryption, Engine.toolVersion(),
                            progress, volume -> Volumes.mountpoint(docker, volume), verify);
                }
            };
        }
        Path served = given(spec, dir);
        if (encryption == null) {
            return out -> helper.export(served, container, name, compression.label(), withVolumes, verify, out,
                    progress);
        }
        return out -> {
            try {
                OutputStream sealed = encryption.encrypt(new KeepOpen(out));
                ArchiveExporter.Result r = helper.export(served, container, name, compression.label(), withVolumes,
                        verify, sealed, progress);
                sealed.close(); // the last age chunk
                return r;
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot write the encrypted archive: " + e.getMessage(),
                        "check free space where the archive is written, and that its reader is still there");
            }
        };
    }

    /** A stream whose close only flushes: the encryption's end leaves the file or pipe open. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** {@code dir} when the command line gave it, else null (the helper's default). */
    static Path given(CommandSpec spec, Path dir) {
        return spec.commandLine().getParseResult().hasMatchedOption("-dir") ? dir.toAbsolutePath() : null;
    }

    private Integer run(Source source, Compression compression, AgeEncryption encryption, PrintWriter err) {
        boolean toStdout = output.equals("-");
        ArchiveExporter.Result r;
        String where;
        if (toStdout) {
            OutputStream out = stdout.get();
            r = source.writeTo(out);
            try {
                out.flush();
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot write the archive to standard output: "
                        + e.getMessage(), "check that the reading end of the pipe is still there");
            }
            where = "standard output";
        } else {
            Path file = Path.of(output).toAbsolutePath().normalize();
            r = NewFile.write(file, "-o", source::writeTo);
            where = file.toString();
        }
        PrintWriter report = toStdout ? err : spec.commandLine().getOut();
        report.printf(Locale.ROOT, "Exported %s/%s to %s: %s in %d entries, archive %s (%s), %.2f s, %s/s%n",
                container, name, where, Bytes.human(r.contentBytes()), r.entries(), Bytes.human(r.archiveBytes()),
                compression.label() + (encryption == null ? "" : ", " + encryption.describe()), r.millis() / 1000.0,
                Bytes.human((long) (r.contentBytes() / Math.max(r.millis() / 1000.0, 1e-3))));
        report.flush();
        return ExitCodes.OK;
    }
}
