package dev.dockercheckpoint.ui.services;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.Request;
import dev.dockercheckpoint.core.NewFile;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.ImportInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link CheckpointService} through the helper's socket. Connects lazily and reconnects when the helper
 * went away (restarted, or started after the application); a long operation in progress
 * cancels through the helper when its listener says so.
 */
public final class HelperCheckpointService implements CheckpointService, AutoCloseable {
    private final Path socket;
    private HelperClient client;
    private String engine;

    public HelperCheckpointService(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    private synchronized HelperClient client() {
        if (client == null) {
            client = HelperClient.connectAndHello(socket, Duration.ofSeconds(1), engine);
        }
        return client;
    }

    private synchronized void drop(HelperClient broken) {
        if (client == broken) {
            client.close();
            client = null;
        }
    }

    private interface Call<T> {
        T on(HelperClient c);
    }

    /** One retry on a fresh connection when the old one was lost. */
    private <T> T call(Call<T> call) {
        HelperClient c = client();
        try {
            return call.on(c);
        } catch (DcpException e) {
            if (e.code() != ErrorCode.HELPER_UNAVAILABLE) {
                throw e;
            }
            drop(c);
            return call.on(client());
        }
    }

    @Override
    public synchronized void selectEngine(String name) {
        if (!java.util.Objects.equals(name, engine)) {
            engine = name;
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    @Override
    public HelloInfo hello() {
        return call(HelperClient::hello);
    }

    @Override
    public List<ContainerSummary> listContainers(boolean all) {
        return call(c -> c.listContainers(all));
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> onChange) {
        return call(c -> c.subscribe(m -> onChange.accept(m.name())));
    }

    @Override
    public CheckpointResult checkpoint(CheckpointRequest r, ProgressListener listener) {
        HelperClient c = client();
        return watchCancel(c, c.start(new Request.Checkpoint(c.nextId(), r.container(), r.name(),
                r.baseDir().toAbsolutePath().toString(), r.options()), listener), listener)
                .await(CheckpointResult.class);
    }

    @Override
    public RestoreResult restore(RestoreRequest r, ProgressListener listener) {
        HelperClient c = client();
        return watchCancel(c, c.start(new Request.Restore(c.nextId(), r.container(), r.name(),
                r.baseDir().toAbsolutePath().toString(), r.newName()), listener), listener)
                .await(RestoreResult.class);
    }

    @Override
    public MigrationResult migrate(MigrationRequest r, String to, ProgressListener listener) {
        // never retried on a new connection: a migration is not repeated behind the user's back
        return client().migrate(r, to, listener);
    }

    @Override
    public VerificationReport verify(String container, ProgressListener listener) {
        return call(c -> c.verify(container, listener));
    }

    /** Forwards a cancel the user asked for (the listener's flag) to the helper. */
    private static HelperClient.Operation watchCancel(HelperClient c, HelperClient.Operation op,
            ProgressListener listener) {
        Thread.ofVirtual().name("cancel-watch").start(() -> {
            while (!op.future().isDone()) {
                if (listener.isCancelled()) {
                    try {
                        c.cancel(op.id());
                    } catch (DcpException e) {
                        // the operation ends anyway
                    }
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return op;
    }

    @Override
    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return call(c -> c.listCheckpoints(dir));
    }

    @Override
    public CheckpointDetails details(Path dir, String container, String name) {
        return call(c -> c.details(dir, container, name));
    }

    @Override
    public LogPage readLog(Path dir, String container, String name, String log, long offset, int maxLines) {
        return call(c -> c.readLog(dir, container, name, log, offset, maxLines));
    }

    @Override
    public LogReport diagnose(Path dir, String container, String name, String log) {
        return call(c -> c.diagnose(dir, container, name, log));
    }

    @Override
    public CheckpointContents inspect(Path dir, String container, String name) {
        return call(c -> c.inspect(dir, container, name));
    }

    @Override
    public IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener) {
        HelperClient c = client();
        return watchCancel(c, c.startVerifyCheckpoint(dir, container, name, listener), listener)
                .await(IntegrityReport.class);
    }

    @Override
    public void delete(Path dir, String container, String name) {
        call(c -> {
            c.delete(dir, container, name);
            return null;
        });
    }

    @Override
    public DoctorReport doctor() {
        return call(HelperClient::doctor);
    }

    @Override
    public ExportInfo exportCheckpoint(Path dir, String container, String name, String compression,
            boolean withVolumes, ArchiveCrypto.Encryption encryption, Path file, TransferListener listener) {
        HelperClient c = client();
        return NewFile.write(file, "file", out -> ArchiveCrypto.export(c, dir, container, name, compression,
                withVolumes, encryption, out, listener));
    }

    @Override
    public ImportInfo importArchive(Path file, Path dir, String container, String name,
            ArchiveCrypto.Decryption decryption, TransferListener listener) {
        if (Files.isDirectory(file)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " is a directory, not an archive",
                    "choose a file made by docker-checkpoint export");
        }
        HelperClient c = client();
        try (InputStream in = Files.newInputStream(file)) {
            return ArchiveCrypto.importArchive(c, dir, container, name, decryption, in, Files.size(file), listener);
        } catch (NoSuchFileException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no such file " + file,
                    "choose an archive made by docker-checkpoint export");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(),
                    "check that the file is readable");
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
