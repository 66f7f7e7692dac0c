package dev.dockercheckpoint.cli;

import java.util.List;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.ImportInfo;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/** The command line's work sent to the privileged helper (without root). */
record HelperTarget(HelperClient client) implements CommandTarget {
    @Override
    public CheckpointReport checkpoint(CheckpointRequest request, ProgressListener listener) {
        return CheckpointReport.of(client.checkpointValue(request, listener));
    }

    @Override
    public RestoreReport restore(RestoreRequest request, ProgressListener listener) {
        return RestoreReport.of(client.restoreValue(request, listener));
    }

    @Override
    public CheckpointContents inspect(Path dir, String container, String name) {
        return client.inspect(dir.toAbsolutePath(), container, name);
    }

    @Override
    public IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener) {
        return client.verifyCheckpoint(dir.toAbsolutePath(), container, name, listener);
    }

    @Override
    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return client.listCheckpoints(dir.toAbsolutePath());
    }

    /**
     * Migrates a container of this connection's engine to the helper's engine {@code to}; when
     * {@code listener} says cancel (Ctrl-C), the helper is asked to stop: it removes the copy and
     * thaws the original.
     */
    MigrationResult migrate(MigrationRequest r, String to, ProgressListener listener) {
        return client.migrate(r, to, listener);
    }

    /** The helper's engine this command's requests go to (its default when none was picked). */
    String engine() {
        return client.engine();
    }

    @Override
    public Path defaultDir() {
        List<String> served = client.lastHello() == null ? List.of() : client.lastHello().baseDirs();
        return served.isEmpty() ? CheckpointStore.DEFAULT_BASE : Path.of(served.getFirst());
    }

    @Override
    public void close() {
        client.close();
    }

    /** The helper at DOCKER_CHECKPOINT_SOCKET or the default socket (for a command line without root). */
    static HelperTarget open() {
        return (HelperTarget) CommandTarget.open();
    }

    /** Exports through the helper; the archive's bytes are written to {@code out} here, as this user. */
    ArchiveExporter.Result export(Path dir, String container, String name, String compression, OutputStream out,
            TransferListener progress) {
        return export(dir, container, name, compression, false, out, progress);
    }

    /** The same, with the named volumes' contents when {@code withVolumes}. */
    ArchiveExporter.Result export(Path dir, String container, String name, String compression, boolean withVolumes,
            OutputStream out, TransferListener progress) {
        return export(dir, container, name, compression, withVolumes, false, out, progress);
    }

    /** The same, every file read and checked against the checkpoint's checksums when {@code verify}. */
    ArchiveExporter.Result export(Path dir, String container, String name, String compression, boolean withVolumes,
            boolean verify, OutputStream out, TransferListener progress) {
        ExportInfo r = client.export(dir, container, name, compression, withVolumes, verify, out, progress);
        return new ArchiveExporter.Result(r.entries(), r.contentBytes(), r.archiveBytes(), r.millis());
    }

    /** Imports through the helper; the archive is read from {@code in} here, as this user. */
    ArchiveImporter.Result importArchive(InputStream in, long size, Path dir, String container, String name,
            long maxBytes, TransferListener progress) {
        if (maxBytes > dev.dockercheckpoint.protocol.Request.MAX_IMPORT_BYTES) {
            throw new dev.dockercheckpoint.core.DcpException(dev.dockercheckpoint.core.ErrorCode.INVALID_INPUT,
                    "--max-size is at most 64G through the helper", "give a smaller --max-size, or import as root");
        }
        ImportInfo r = client.importArchive(dir, container, name, maxBytes, in, size, progress);
        return new ArchiveImporter.Result(r.container(), r.name(), Path.of(r.dir()), r.files(), r.bytes(),
                r.verified(), r.origin(), r.skipped(), r.millis(), r.checksums());
    }
}
