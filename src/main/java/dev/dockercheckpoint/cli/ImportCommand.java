package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.archive.AgeDecryption;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Reads an archive (from export, or Podman's) into a new stored checkpoint, all or nothing. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Store the checkpoint of an archive made by docker-checkpoint export (or by podman container"
                + " checkpoint --export) under <dir>/<container>/<name>/, after checking every file against the"
                + " SHA-256 the export recorded; a damaged or unsafe archive leaves nothing behind.",
            "",
            "  sudo docker-checkpoint import myapp.tar.zst",
            "  sudo docker-checkpoint import myapp.tar.zst.age --identity key.txt",
            "  sudo docker-checkpoint -restore -container myapp -name checkpoint1",
            ""})
final class ImportCommand implements Callable<Integer> {
    /** Standard input as bytes (tests replace it). */
    static Supplier<InputStream> stdin = () -> new FileInputStream(FileDescriptor.in);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Archive to import, or - for standard input.")
    String file;

    @Option(names = {"-dir", "--dir"}, defaultValue = "/tmp/docker-checkpoints", paramLabel = "DIR",
            description = "Base directory to store it in (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = {"-container", "--container"}, paramLabel = "NAME",
            description = "Store it under this container name (default: the archive's).")
    String container;

    @Option(names = {"-name", "--name"}, paramLabel = "NAME",
            description = "Store it under this checkpoint name (default: the archive's).")
    String name;

    @Option(names = "--max-size", defaultValue = "64G", paramLabel = "SIZE",
            description = "Refuse an archive whose files add up to more (default: ${DEFAULT-VALUE}).")
    String maxSize;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Decrypt an archive encrypted with age with the secret key(s) in FILE (as age-keygen writes"
                    + " it); repeat it for more files.")
    List<Path> identities = new ArrayList<>();

    @Option(names = "--passphrase",
            description = "Decrypt an archive encrypted with age and a passphrase, asked on the terminal without echo.")
    boolean passphrase;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Decrypt with the passphrase on the first line of FILE (without a terminal: this or the"
                    + " environment variable " + Passphrase.ENV + ").")
    Path passphraseFile;

    @Override
    public Integer call() {
        if (container != null) {
            Names.requireValid("container name", container);
        }
        if (name != null) {
            Names.requireValid("checkpoint name", name);
        }
        long max = parseSize(maxSize);
        boolean byPassphrase = passphrase || passphraseFile != null;
        if (byPassphrase && !identities.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "an archive is decrypted either with an identity or with a"
                    + " passphrase, not both", "pass --identity FILE or --passphrase");
        }
        CheckpointStore store = new CheckpointStore(dir);
        try (HelperTarget helper = Posix.isRoot() ? null : HelperTarget.open()) {
            AgeDecryption decryption = identities.isEmpty() ? null : AgeDecryption.withIdentityFiles(identities);
            if (!byPassphrase) {
                return run(sink(helper, store, max, decryption));
            }
            // checked before the terminal is asked
            if (!file.equals("-") && !Files.exists(Path.of(file))) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "no such file " + file,
                        "pass the path of an archive made by docker-checkpoint export, or - for standard input");
            }
            byte[] secret = Passphrase.read(passphraseFile, false);
            try {
                decryption = AgeDecryption.withPassphrase(secret);
                return run(sink(helper, store, max, decryption));
            } finally {
                Arrays.fill(secret, (byte) 0);
                if (decryption != null) {
                    decryption.destroy();
                }
            }
        }
    }

    /** Reads the archive into a new checkpoint: in this process as root, through the helper otherwise. */
    interface Sink {
        ArchiveImporter.Result readFrom(InputStream in, long size, ArchiveConsoleProgress progress);
    }

    /**
     * Imports here as root; through the helper otherwise, decrypted here, so that no key or
     * passphrase ever reaches the helper (it receives the compressed archive).
     */
    private Sink sink(HelperTarget helper, CheckpointStore store, long max, AgeDecryption decryption) {
        if (helper == null) {
            ArchiveImporter.Limits limits = new ArchiveImporter.Limits(max, ArchiveImporter.Limits.DEFAULT.maxEntries());
            return (in, size, progress) -> ArchiveImporter.importArchive(in, store, container, name, limits, decryption,
                    progress);
        }
        Path served = ExportCommand.given(spec, dir);
        return (in, size, progress) -> {
            try {
                return helper.importArchive(AgeDecryption.open(in, decryption, progress), size, served, container,
                        name, max, progress);
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot read the archive: " + e.getMessage(),
                        "check that the file is readable");
            }
        };
    }

    private Integer run(Sink sink) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ArchiveConsoleProgress progress = new ArchiveConsoleProgress(err, "import");
        ArchiveImporter.Result r;
        if (file.equals("-")) {
            r = sink.readFrom(stdin.get(), -1, progress);
        } else {
            Path path = Path.of(file);
            if (Files.isDirectory(path)) {
                throw new DcpException(ErrorCode.INVALID_INPUT, path + " is a directory, not an archive",
                        "pass a file made by docker-checkpoint export");
            }
            try (InputStream in = Files.newInputStream(path)) {
                r = sink.readFrom(in, Files.size(path), progress);
            } catch (NoSuchFileException e) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "no such file " + path,
                        "pass the path of an archive made by docker-checkpoint export, or - for standard input");
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + path + ": " + e.getMessage(),
                        "check that the file is readable");
            }
        }
        out.printf(Locale.ROOT, "Imported %s/%s into %s: %d files, %s, %.2f s%n", r.container(), r.name(), r.dir(),
                r.files(), Bytes.human(r.bytes()), r.millis() / 1000.0);
        out.println(r.verified() ? "Integrity: every file matches the SHA-256 recorded at export."
                : "Integrity: not checked (an archive made by " + r.origin() + " carries no checksums).");
        out.println("Checksums: " + r.checksums() + ".");
        if (!r.skipped().isEmpty()) {
            out.println("Left out (not part of a checkpoint): " + String.join(", ", r.skipped()));
        }
        out.printf("Restore it with: docker-checkpoint -restore -container %s -name %s -dir %s%n", r.container(),
                r.name(), r.dir().getParent().getParent());
        out.flush();
        return ExitCodes.OK;
    }

    static long parseSize(String value) {
        Matcher m = SIZE.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "invalid size " + Names.quote(value),
                    "give a number of bytes, or with K, M, G or T (1024-based), e.g. --max-size 64G");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "size " + Names.quote(value) + " is too large",
                    "give at most 8E");
        }
    }
}
