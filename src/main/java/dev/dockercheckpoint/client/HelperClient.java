package dev.dockercheckpoint.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
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
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.protocol.Request;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.Frames;
import dev.dockercheckpoint.protocol.ImportInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The GUI's (and a non-root command line's) way to the privileged helper: one connection,
 * typed requests, events delivered to listeners, and failures as {@link DcpException} with the
 * helper's code, message and hint. Thread-safe; requests may run concurrently. The connection
 * itself (framing, the reader, answers matched to requests) is {@link HelperConnection}.
 */
public final class HelperClient implements AutoCloseable {
    /** How long quick requests (lists, details, logs, doctor) may take. */
    public static final Duration QUICK = Duration.ofSeconds(60);

    private final HelperConnection connection;
    private final AtomicLong ids = new AtomicLong();
    private volatile String engine;
    private volatile HelloInfo lastHello;
    private volatile boolean brief;

    private HelperClient(HelperConnection connection) {
        this.connection = connection;
    }

    /** Connects to the helper's socket; fails with a hint when it is not running or refuses this user. */
    public static HelperClient connect(Path socket) {
        return new HelperClient(HelperConnection.open(socket));
    }

    /**
     * As {@link #connectAndHello(Path, Duration)}, for a client that shows nothing of what the
     * host can do: the helper's answers to hello leave it out ({@link HelloInfo#capabilities()} null).
     */
    public static HelperClient connectAndBriefHello(Path socket, Duration wait) {
        return connectAndHello(socket, wait, null, true);
    }

    /** Connects and says hello; retries while the helper is starting, up to {@code wait}. */
    public static HelperClient connectAndHello(Path socket, Duration wait) {
        return connectAndHello(socket, wait, null);
    }

    /**
     * As {@link #connectAndHello(Path, Duration)}, with the connection's requests going to the
     * helper's engine called {@code engine} (null: its default).
     */
    public static HelperClient connectAndHello(Path socket, Duration wait, String engine) {
        return connectAndHello(socket, wait, engine, false);
    }

    private static HelperClient connectAndHello(Path socket, Duration wait, String engine, boolean brief) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                HelperClient client = connect(socket);
                client.brief = brief;
                try {
                    client.hello(engine);
                    return client;
                } catch (DcpException e) {
                    client.close();
                    throw e;
                }
            } catch (DcpException e) {
                if (e.code() != ErrorCode.HELPER_UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public Path socket() {
        return connection.socket();
    }

    public HelloInfo hello() {
        return hello(engine);
    }

    /** Says hello; from then on this connection's requests go to the helper's engine {@code name} (null: as before). */
    public HelloInfo hello(String name) {
        JsonNode answer = connection.call(new Request.Hello(nextId(), Protocol.VERSION, "docker-checkpoint "
                + clientVersion(), name, brief ? Boolean.TRUE : null), QUICK);
        HelloInfo info;
        try {
            info = HelloInfo.of(answer);
        } catch (IOException | RuntimeException e) {
            throw new DcpException(ErrorCode.INTERNAL, "unexpected answer from the helper: " + e.getMessage(),
                    "use a client of the same version as the helper");
        }
        engine = info.engine();
        lastHello = info;
        return info;
    }

    /** The helper's engine this connection's requests go to, as its last hello said (null before). */
    public String engine() {
        return engine;
    }

    /** The helper's answer to the last hello on this connection (its base directories...), or null. */
    public HelloInfo lastHello() {
        return lastHello;
    }

    public List<ContainerSummary> listContainers(boolean all) {
        return call(new Request.ListContainers(nextId(), all), new TypeReference<List<ContainerSummary>>() { });
    }

    /** Container changes as they happen, until the returned handle or the client is closed. */
    public AutoCloseable subscribe(Consumer<Message.ContainerChanged> sink) {
        String id = nextId();
        PendingRequest p = PendingRequest.subscription(m -> {
            if (m instanceof Message.ContainerChanged c) {
                sink.accept(c);
            }
        });
        connection.send(new Request.Subscribe(id), p);
        connection.await(id, p, QUICK);
        return () -> connection.forget(id);
    }

    public CheckpointResult checkpoint(CheckpointRequest r, ProgressListener listener) {
        return convert(checkpointValue(r, listener), Protocol.lenient().constructType(CheckpointResult.class));
    }

    /** As {@link #checkpoint}, the answer as the helper sent it (a {@link CheckpointResult} as JSON). */
    public JsonNode checkpointValue(CheckpointRequest r, ProgressListener listener) {
        return start(new Request.Checkpoint(nextId(), r.container(), r.name(), r.baseDir().toAbsolutePath().toString(),
                r.options(), quiet(listener)), listener).awaitValue();
    }

    public RestoreResult restore(RestoreRequest r, ProgressListener listener) {
        return convert(restoreValue(r, listener), Protocol.lenient().constructType(RestoreResult.class));
    }

    /** As {@link #restore}, the answer as the helper sent it (a {@link RestoreResult} as JSON). */
    public JsonNode restoreValue(RestoreRequest r, ProgressListener listener) {
        return start(new Request.Restore(nextId(), r.container(), r.name(), r.baseDir().toAbsolutePath().toString(),
                r.newName(), quiet(listener)), listener).awaitValue();
    }

    /** True (the helper leaves CRIU's log lines out) when {@code listener} ignores them; else null (as before). */
    private static Boolean quiet(ProgressListener listener) {
        return listener == null || listener.wantsLogLines() ? null : Boolean.TRUE;
    }

    /**
     * Migrates a container of this connection's engine to the helper's engine {@code to}. When
     * {@code listener} says cancel, the helper is asked to stop (it removes the copy and thaws
     * the original), and the call ends with its {@code CANCELLED} error.
     */
    public MigrationResult migrate(MigrationRequest r, String to, ProgressListener listener) {
        Operation op = start(new Request.Migrate(nextId(), r.container(), to, r.newName(),
                r.baseDir().toAbsolutePath().toString(), r.options(), r.keepCheckpoint()), listener);
        Thread watch = Thread.ofVirtual().name("migrate-cancel").start(() -> {
            try {
                while (!op.future().isDone()) {
                    if (listener.isCancelled()) {
                        op.cancel();
                        return;
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException | DcpException e) {
                // the operation ends anyway
            }
        });
        try {
            return op.await(MigrationResult.class);
        } finally {
            watch.interrupt();
        }
    }

    public VerificationReport verify(String container, ProgressListener listener) {
        return start(new Request.Verify(nextId(), container), listener).await(VerificationReport.class);
    }

    /** Starts a long operation; its events go to {@code listener}; await or cancel it through the handle. */
    public Operation start(Request request, ProgressListener listener) {
        PendingRequest p = new PendingRequest(listener);
        connection.send(request, p);
        return new Operation(request.id(), p);
    }

    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return call(new Request.ListCheckpoints(nextId(), dir == null ? null : dir.toString()),
                new TypeReference<List<CheckpointSummary>>() { });
    }

    public CheckpointDetails details(Path dir, String container, String name) {
        return call(new Request.Details(nextId(), dir == null ? null : dir.toString(), container, name),
                CheckpointDetails.class);
    }

    public LogPage readLog(Path dir, String container, String name, String log, long offset, int maxLines) {
        return call(new Request.ReadLog(nextId(), dir == null ? null : dir.toString(), container, name, log, offset,
                maxLines), LogPage.class);
    }

    public LogReport diagnose(Path dir, String container, String name, String log) {
        return call(new Request.Diagnose(nextId(), dir == null ? null : dir.toString(), container, name, log),
                LogReport.class);
    }

    public CheckpointContents inspect(Path dir, String container, String name) {
        return call(new Request.Inspect(nextId(), dir == null ? null : dir.toString(), container, name),
                CheckpointContents.class);
    }

    /** Checks every file of a stored checkpoint against its checksums; progress goes to {@code listener}. */
    public IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener) {
        return startVerifyCheckpoint(dir, container, name, listener).await(IntegrityReport.class);
    }

    /** Starts {@link #verifyCheckpoint}; await or cancel it through the handle. */
    public Operation startVerifyCheckpoint(Path dir, String container, String name, ProgressListener listener) {
        return start(new Request.VerifyCheckpoint(nextId(), dir == null ? null : dir.toString(), container, name),
                listener);
    }

    public void delete(Path dir, String container, String name) {
        call(new Request.Delete(nextId(), dir == null ? null : dir.toString(), container, name), JsonNode.class);
    }

    public DoctorReport doctor() {
        return call(new Request.Doctor(nextId()), DoctorReport.class);
    }

    /** Asks the helper to cancel the operation started by request {@code target}; true when one was running. */
    public boolean cancel(String target) {
        return call(new Request.Cancel(nextId(), target), JsonNode.class).path("cancelled").asBoolean(false);
    }

    /**
     * Exports checkpoint {@code container}/{@code name} of base directory {@code dir} (null: the
     * helper's default) as an archive compressed with {@code compression} ({@code zstd},
     * {@code gzip} or {@code none}; null: zstd), written to {@code sink} (left open) as it
     * arrives, over a connection of its own. {@code listener} sees the bytes written and the
     * fraction done; when it says cancelled, the helper stops and the call fails with CANCELLED.
     * A failure to write to {@code sink} stops the export and is thrown as IO_ERROR.
     */
    public ExportInfo export(Path dir, String container, String name, String compression, OutputStream sink,
            TransferListener listener) {
        return export(dir, container, name, compression, false, sink, listener);
    }

    /** The same, with the named volumes' contents as they are now when {@code withVolumes}. */
    public ExportInfo export(Path dir, String container, String name, String compression, boolean withVolumes,
            OutputStream sink, TransferListener listener) {
        return export(dir, container, name, compression, withVolumes, false, sink, listener);
    }

    /**
     * The same; {@code verify} has the helper read and hash every file against the checksums
     * recorded when the checkpoint was made, refusing a damaged one (the request's {@code verify}).
     */
    public ExportInfo export(Path dir, String container, String name, String compression, boolean withVolumes,
            boolean verify, OutputStream sink, TransferListener listener) {
        String id = nextId();
        Request.Export request = new Request.Export(id, container, name, dir == null ? null : dir.toString(),
                compression, withVolumes, verify);
        try (HelperConnection transfer = HelperConnection.open(connection.socket())) {
            long[] written = {0};
            double[] fraction = {-1};
            Runnable cancel = () -> sendCancel(transfer, id);
            PendingRequest p = PendingRequest.export(new ProgressListener() {
                @Override
                public void phase(String phase, double f) {
                    fraction[0] = f;
                    listener.progress(written[0], f);
                }

                @Override
                public void logLine(String line) {
                    listener.note(line);
                }
            }, (data, off, n) -> {
                sink.write(data, off, n);
                written[0] += n;
                listener.progress(written[0], fraction[0]);
            }, cancel);
            transfer.send(request, p);
            Thread watch = watchCancel(listener, p, cancel);
            try {
                JsonNode value;
                try {
                    value = transfer.await(id, p, null);
                } catch (DcpException e) {
                    throw p.sinkFailure != null ? sinkFailure(p.sinkFailure) : e;
                }
                if (p.sinkFailure != null) {
                    throw sinkFailure(p.sinkFailure);
                }
                return convert(value, Protocol.lenient().constructType(ExportInfo.class));
            } finally {
                watch.interrupt();
            }
        }
    }

    private static DcpException sinkFailure(IOException e) {
        return new DcpException(ErrorCode.IO_ERROR, "cannot write the archive: " + e.getMessage(),
                "check free space and permissions where the archive is written");
    }

    /**
     * Imports the archive read from {@code source} (left open; {@code size} bytes, or -1 when not
     * known) into base directory {@code dir} (null: the helper's default), under {@code container}
     * and {@code name} when not null (else the archive's), refusing files over {@code maxBytes}
     * in all (0: the helper's limit), over a connection of its own. {@code listener} sees the
     * bytes read and the fraction done; when it says cancelled, the helper stops, keeps nothing, and
     * the call fails with CANCELLED. A failure to read {@code source} does the same and is thrown as
     * IO_ERROR.
     */
    public ImportInfo importArchive(Path dir, String container, String name, long maxBytes, InputStream source,
            long size, TransferListener listener) {
        String id = nextId();
        Request.Import request = new Request.Import(id, dir == null ? null : dir.toString(), container, name,
                maxBytes);
        try (HelperConnection transfer = HelperConnection.open(connection.socket())) {
            PendingRequest p = new PendingRequest(new ProgressListener() {
                @Override
                public void logLine(String line) {
                    listener.note(line);
                }
            });
            transfer.send(request, p);
            try {
                CompletableFuture.anyOf(p.streamed, p.result).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DcpException(ErrorCode.CANCELLED, "interrupted while waiting for the helper", "try again");
            } catch (java.util.concurrent.ExecutionException e) {
                // the answer is read below
            }
            IOException readFailure = null;
            if (!p.result.isDone()) {
                readFailure = send(transfer, p, source, size, listener);
            }
            JsonNode value;
            try {
                value = transfer.await(id, p, null);
            } catch (DcpException e) {
                throw readFailure != null ? new DcpException(ErrorCode.IO_ERROR, "cannot read the archive: "
                        + readFailure.getMessage(), "check that the file is readable") : e;
            }
            return convert(value, Protocol.lenient().constructType(ImportInfo.class));
        }
    }

    /**
     * Sends {@code source} in data frames, then the end frame; the cancel frame instead when the
     * listener cancels or {@code source} fails (returned). Stops early when the helper has answered.
     */
    private static IOException send(HelperConnection transfer, PendingRequest p, InputStream source, long size,
            TransferListener listener) {
        byte[] buf = new byte[256 * 1024];
        long sent = 0;
        try {
            while (true) {
                if (p.result.isDone() || listener.isCancelled()) {
                    transfer.writeFrame(Frames.header(Frames.CANCEL));
                    return null;
                }
                int n;
                try {
                    n = source.read(buf);
                } catch (IOException e) {
                    transfer.writeFrame(Frames.header(Frames.CANCEL));
                    return e;
                }
                if (n < 0) {
                    transfer.writeFrame(Frames.header(Frames.END));
                    return null;
                }
                if (n > 0) {
                    transfer.writeFrame(Frames.data(buf, 0, n));
                    sent += n;
                    listener.progress(sent, size > 0 ? Math.min(1.0, (double) sent / size) : -1);
                }
            }
        } catch (IOException e) {
            // the helper closed the connection: its answer says why
            return null;
        }
    }

    /** Sends a cancel for export {@code id} on its own connection; the answer is not waited for. */
    private void sendCancel(HelperConnection transfer, String id) {
        try {
            transfer.send(new Request.Cancel(nextId(), id), new PendingRequest(null));
        } catch (DcpException e) {
            // the connection is gone: the export stops with it
        }
    }

    /** Forwards the listener's cancel while {@code p} waits for its answer. */
    private static Thread watchCancel(TransferListener listener, PendingRequest p, Runnable cancel) {
        return Thread.ofVirtual().name("transfer-cancel-watch").start(() -> {
            while (!p.result.isDone()) {
                if (listener.isCancelled()) {
                    cancel.run();
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** A fresh request id for this connection. */
    public String nextId() {
        return "c" + ids.incrementAndGet();
    }

    private <T> T call(Request request, Class<T> type) {
        return convert(connection.call(request, QUICK), Protocol.lenient().constructType(type));
    }

    private <T> T call(Request request, TypeReference<T> type) {
        return convert(connection.call(request, QUICK), Protocol.lenient().constructType(type));
    }

    private static <T> T convert(JsonNode value, JavaType type) {
        try {
            return Protocol.lenient().treeToValue(value, type);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.INTERNAL, "unexpected answer from the helper: " + e.getMessage(),
                    "use a client of the same version as the helper");
        }
    }

    private static String clientVersion() {
        String v = HelperClient.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        connection.close();
    }

    /** A long operation in progress. */
    public final class Operation {
        private final String id;
        private final PendingRequest pendingOp;

        private Operation(String id, PendingRequest pendingOp) {
            this.id = id;
            this.pendingOp = pendingOp;
        }

        public String id() {
            return id;
        }

        /** Waits for the result (no time limit: dumps of big containers take long). */
        public <T> T await(Class<T> type) {
            return convert(awaitValue(), Protocol.lenient().constructType(type));
        }

        /** The operation's answer as the helper sent it (its error as a {@link DcpException}). */
        public JsonNode awaitValue() {
            return connection.await(id, pendingOp, null);
        }

        public CompletableFuture<JsonNode> future() {
            return pendingOp.result;
        }

        public boolean cancel() {
            return HelperClient.this.cancel(id);
        }
    }
}
