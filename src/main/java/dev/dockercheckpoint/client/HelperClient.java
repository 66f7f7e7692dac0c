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
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.LineReader;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.protocol.Request;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The GUI's (and a non-root command line's) way to the privileged helper: one connection,
 * typed requests, events delivered to listeners, and failures as {@link DcpException} with the
 * helper's code, message and hint. Thread-safe; requests may run concurrently.
 */
public final class HelperClient implements AutoCloseable {
    /** How long quick requests (lists, details, logs, doctor) may take. */
    public static final Duration QUICK = Duration.ofSeconds(60);

    private final SocketChannel channel;
    private final Path socket;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object writeLock = new Object();
    private final Thread reader;
    private volatile DcpException closedBecause;
    private volatile HelloInfo lastHello;

    private HelperClient(SocketChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
        this.reader = Thread.ofVirtual().name("helper-client-reader").start(this::readLoop);
    }

    /** Connects to the helper's socket; fails with a hint when it is not running or refuses this user. */
    public static HelperClient connect(Path socket) {
        if (!Files.exists(socket)) {
            throw notRunning(socket);
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new HelperClient(ch, socket);
        } catch (AccessDeniedException e) {
            throw notAllowed(socket);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Permission denied")) {
                throw notAllowed(socket);
            }
            throw notRunning(socket);
        }
    }

    /** Connects and says hello; retries while the helper is starting, up to {@code wait}. */
    public static HelperClient connectAndHello(Path socket, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                HelperClient client = connect(socket);
                try {
                    client.hello();
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

    static DcpException notRunning(Path socket) {
        return new DcpException(ErrorCode.HELPER_UNAVAILABLE, "helper not running (no answer on " + socket + ")",
                "start it with: sudo systemctl start docker-checkpoint.socket, or sudo docker-checkpoint helper");
    }

    static DcpException notAllowed(Path socket) {
        return new DcpException(ErrorCode.PERMISSION_DENIED, "not allowed to use the helper at " + socket,
                "add your user to group docker (sudo usermod -aG docker $USER) and log in again");
    }

    public Path socket() {
        return socket;
    }

    public HelloInfo hello() {
        HelloInfo info = call(new Request.Hello(nextId(), Protocol.VERSION, "docker-checkpoint " + clientVersion()),
                HelloInfo.class, QUICK, null);
        lastHello = info;
        return info;
    }

    /** The helper's answer to the last hello on this connection (its base directories...), or null. */
    public HelloInfo lastHello() {
        return lastHello;
    }

    public List<ContainerSummary> listContainers(boolean all) {
        return call(new Request.ListContainers(nextId(), all), new TypeReference<List<ContainerSummary>>() { },
                QUICK, null);
    }

    /** Container changes as they happen, until the returned handle or the client is closed. */
    public AutoCloseable subscribe(Consumer<Message.ContainerChanged> sink) {
        String id = nextId();
        Pending p = new Pending(null);
        p.onEvent = m -> {
            if (m instanceof Message.ContainerChanged c) {
                sink.accept(c);
            }
        };
        p.keep = true;
        pending.put(id, p);
        send(new Request.Subscribe(id));
        await(id, p, QUICK);
        return () -> pending.remove(id);
    }

    public CheckpointResult checkpoint(CheckpointRequest r, ProgressListener listener) {
        return start(new Request.Checkpoint(nextId(), r.container(), r.name(), r.baseDir().toAbsolutePath().toString(), r.options()),
                listener).await(CheckpointResult.class);
    }

    public RestoreResult restore(RestoreRequest r, ProgressListener listener) {
        return start(new Request.Restore(nextId(), r.container(), r.name(), r.baseDir().toAbsolutePath().toString(), r.newName()),
                listener).await(RestoreResult.class);
    }

    public VerificationReport verify(String container, ProgressListener listener) {
        return start(new Request.Verify(nextId(), container), listener).await(VerificationReport.class);
    }

    /** Starts a long operation; its events go to {@code listener}; await or cancel it through the handle. */
    public Operation start(Request request, ProgressListener listener) {
        Pending p = new Pending(listener);
        pending.put(request.id(), p);
        send(request);
        return new Operation(request.id(), p);
    }

    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return call(new Request.ListCheckpoints(nextId(), dir == null ? null : dir.toString()),
                new TypeReference<List<CheckpointSummary>>() { }, QUICK, null);
    }

    public CheckpointDetails details(Path dir, String container, String name) {
        return call(new Request.Details(nextId(), dir == null ? null : dir.toString(), container, name),
                CheckpointDetails.class, QUICK, null);
    }

    public LogPage readLog(Path dir, String container, String name, String log, long offset, int maxLines) {
        return call(new Request.ReadLog(nextId(), dir == null ? null : dir.toString(), container, name, log, offset,
                maxLines), LogPage.class, QUICK, null);
    }

    public LogReport diagnose(Path dir, String container, String name, String log) {
        return call(new Request.Diagnose(nextId(), dir == null ? null : dir.toString(), container, name, log),
                LogReport.class, QUICK, null);
    }

    public CheckpointContents inspect(Path dir, String container, String name) {
        return call(new Request.Inspect(nextId(), dir == null ? null : dir.toString(), container, name),
                CheckpointContents.class, QUICK, null);
    }

    public void delete(Path dir, String container, String name) {
        call(new Request.Delete(nextId(), dir == null ? null : dir.toString(), container, name), JsonNode.class,
                QUICK, null);
    }

    public DoctorReport doctor() {
        return call(new Request.Doctor(nextId()), DoctorReport.class, QUICK, null);
    }

    /** Asks the helper to cancel the operation started by request {@code target}; true when one was running. */
    public boolean cancel(String target) {
        return call(new Request.Cancel(nextId(), target), JsonNode.class, QUICK, null).path("cancelled")
                .asBoolean(false);
    }

    /** A fresh request id for this connection. */
    public String nextId() {
        return "c" + ids.incrementAndGet();
    }

    private <T> T call(Request request, Class<T> type, Duration timeout, ProgressListener listener) {
        return convert(callRaw(request, timeout, listener), Protocol.lenient().constructType(type));
    }

    private <T> T call(Request request, TypeReference<T> type, Duration timeout, ProgressListener listener) {
        return convert(callRaw(request, timeout, listener), Protocol.lenient().constructType(type));
    }

    private JsonNode callRaw(Request request, Duration timeout, ProgressListener listener) {
        Pending p = new Pending(listener);
        pending.put(request.id(), p);
        send(request);
        return await(request.id(), p, timeout);
    }

    private JsonNode await(String id, Pending p, Duration timeout) {
        try {
            return timeout == null ? p.result.get() : p.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(id);
            throw new DcpException(ErrorCode.INTERNAL, "the helper did not answer within " + timeout.toSeconds()
                    + " s", "check the helper's log (journalctl -u docker-checkpoint)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcpException(ErrorCode.CANCELLED, "interrupted while waiting for the helper", "try again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DcpException d) {
                throw new DcpException(d.code(), d.getMessage(), d.hint(), d.details(), d.logFile(), null);
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (!p.keep) {
                pending.remove(id);
            }
        }
    }

    private static <T> T convert(JsonNode value, JavaType type) {
        try {
            return Protocol.lenient().treeToValue(value, type);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.INTERNAL, "unexpected answer from the helper: " + e.getMessage(),
                    "use a client of the same version as the helper");
        }
    }

    private void send(Request request) {
        DcpException closed = closedBecause;
        if (closed != null) {
            pending.remove(request.id());
            throw closed;
        }
        synchronized (writeLock) {
            try {
                Protocol.writeLine(channel, request);
            } catch (IOException e) {
                pending.remove(request.id());
                // the helper may have refused the connection and closed it before this write: its
                // reason, read by the reader, says more than the broken pipe
                DcpException reason = awaitCloseReason(java.time.Duration.ofSeconds(1));
                if (reason != null) {
                    throw reason;
                }
                throw new DcpException(ErrorCode.HELPER_UNAVAILABLE, "lost the connection to the helper: "
                        + e.getMessage(), "check that the helper is running, then connect again");
            }
        }
    }

    /** Why the reader saw the connection close, waiting up to {@code max} for it; null if it has not. */
    private DcpException awaitCloseReason(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (closedBecause == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return closedBecause;
    }

    private void readLoop() {
        DcpException[] reason = {new DcpException(ErrorCode.HELPER_UNAVAILABLE, "the helper closed the connection",
                "check that the helper is running, then connect again")};
        try {
            new LineReader(channel, Integer.MAX_VALUE - 16).run(text -> {
                DcpException refused = dispatch(text);
                if (refused != null) {
                    reason[0] = refused;
                }
            }, () -> true);
        } catch (IOException e) {
            // connection closed
        }
        closedBecause = reason[0];
        for (Pending p : pending.values()) {
            p.result.completeExceptionally(reason[0]);
        }
        pending.clear();
    }

    /** Handles one message; returns the reason when the helper refused the whole connection. */
    private DcpException dispatch(String text) {
        Message m;
        try {
            m = Protocol.lenient().readValue(text, Message.class);
        } catch (IOException e) {
            return null; // a message of a newer helper this client does not know
        }
        if (m.id() == null && m instanceof Message.Error e) {
            DcpException ex = toException(e);
            if (ErrorCode.PERMISSION_DENIED.name().equals(e.code())) {
                return ex;
            }
            return null;
        }
        Pending p = m.id() == null ? null : pending.get(m.id());
        if (p == null) {
            return null;
        }
        switch (m) {
            case Message.Progress pr -> p.listener().phase(pr.phase(), pr.fraction());
            case Message.Log l -> p.listener().logLine(l.line());
            case Message.Check c -> p.listener().check(c.check());
            case Message.ContainerChanged c -> {
                if (p.onEvent != null) {
                    p.onEvent.accept(c);
                }
            }
            case Message.Result r -> p.result.complete(r.value());
            case Message.Error e -> p.result.completeExceptionally(toException(e));
        }
        return null;
    }

    static DcpException toException(Message.Error e) {
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(e.code());
        } catch (IllegalArgumentException | NullPointerException ex) {
            code = ErrorCode.INTERNAL;
        }
        return new DcpException(code, e.message(), e.hint(), e.details(), e.logFile() == null ? null
                : Path.of(e.logFile()), null);
    }

    private static String clientVersion() {
        String v = HelperClient.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Pending {
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        private final ProgressListener listener;
        volatile Consumer<Message> onEvent;
        volatile boolean keep;

        Pending(ProgressListener listener) {
            this.listener = listener;
        }

        ProgressListener listener() {
            return listener == null ? ProgressListener.NONE : listener;
        }
    }

    /** A long operation in progress. */
    public final class Operation {
        private final String id;
        private final Pending pendingOp;

        private Operation(String id, Pending pendingOp) {
            this.id = id;
            this.pendingOp = pendingOp;
        }

        public String id() {
            return id;
        }

        /** Waits for the result (no time limit: dumps of big containers take long). */
        public <T> T await(Class<T> type) {
            return convert(HelperClient.this.await(id, pendingOp, null), Protocol.lenient().constructType(type));
        }

        public CompletableFuture<JsonNode> future() {
            return pendingOp.result;
        }

        public boolean cancel() {
            return HelperClient.this.cancel(id);
        }
    }
}
