package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.NewFile;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.Compression;
import dev.dockercheckpoint.engine.Engine;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Override
    public Integer call() {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        Compression compression = Compression.parse(compress);
        CheckpointStore store = new CheckpointStore(dir);
        PrintWriter err = spec.commandLine().getErr();
        ArchiveConsoleProgress progress = new ArchiveConsoleProgress(err, "export");
        try (HelperTarget helper = Posix.isRoot() ? null : HelperTarget.open()) {
            return run(helper == null ? inProcess(store.open(container, name), compression, progress)
                    : out -> helper.export(given(spec, dir), container, name, compression.label(), out, progress),
                    compression, err);
        }
    }

    /** Writes the archive to a stream: in this process as root, through the helper otherwise. */
    interface Source {
        ArchiveExporter.Result writeTo(OutputStream out);
    }

    private static Source inProcess(CheckpointStore.Stored stored, Compression compression,
            ArchiveConsoleProgress progress) {
        return out -> ArchiveExporter.export(stored, out, compression, Engine.toolVersion(), progress);
    }

    /** {@code dir} when the command line gave it, else null (the helper's default). */
    static Path given(CommandSpec spec, Path dir) {
        return spec.commandLine().getParseResult().hasMatchedOption("-dir") ? dir.toAbsolutePath() : null;
    }

    private Integer run(Source source, Compression compression, PrintWriter err) {
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
            r = toFile(source, file);
            where = file.toString();
        }
        PrintWriter report = toStdout ? err : spec.commandLine().getOut();
        report.printf(Locale.ROOT, "Exported %s/%s to %s: %s in %d entries, archive %s (%s), %.2f s, %s/s%n",
                container, name, where, Bytes.human(r.contentBytes()), r.entries(), Bytes.human(r.archiveBytes()),
                compression.label(), r.millis() / 1000.0,
                Bytes.human((long) (r.contentBytes() / Math.max(r.millis() / 1000.0, 1e-3))));
        report.flush();
        return ExitCodes.OK;
    }

    /** Writes into a hidden temporary sibling, then links it into place: no half archive ever has the name. */
    private static ArchiveExporter.Result toFile(Source source, Path file) {
        return NewFile.write(file, "-o", source::writeTo);
    }
}
