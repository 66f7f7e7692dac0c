package dev.dockercheckpoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.Frames;
import dev.dockercheckpoint.protocol.JsonLines;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to the helper's socket: requests written as JSON lines, and a reader thread that
 * hands every message to the {@link PendingRequest} it answers (events to its listener, the result
 * or the error to its future). When the connection closes, whatever still waits fails with the
 * reason: the helper's refusal of this user, or a lost helper. Thread-safe.
 */
final class HelperConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final Path socket;
    private final Map<String, PendingRequest> pending = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private final Thread reader;
    private volatile LineReader lines;
    private volatile DcpException closedBecause;

    private HelperConnection(SocketChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
        // a platform thread: a JVM whose threads still wait in native code at exit waits 300 ms for them,
        // and a virtual thread's socket read leaves the poller waiting in epoll for good
        this.reader = Thread.ofPlatform().daemon().name("helper-client-reader").start(this::readLoop);
    }

    /** Connects to the helper's socket; fails with a hint when it is not running or refuses this user. */
    static HelperConnection open(Path socket) {
        if (!Files.exists(socket)) {
            throw notRunning(socket);
        }
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new HelperConnection(ch, socket);
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

    static DcpException notRunning(Path socket) {
        return new DcpException(ErrorCode.HELPER_UNAVAILABLE, "helper not running (no answer on " + socket + ")",
                "start it with: sudo systemctl start docker-checkpoint.socket, or sudo docker-checkpoint helper");
    }

    static DcpException notAllowed(Path socket) {
        return new DcpException(ErrorCode.PERMISSION_DENIED, "not allowed to use the helper at " + socket,
                "add your user to group docker (sudo usermod -aG docker $USER) and log in again");
    }

    Path socket() {
        return socket;
    }

    /** Sends {@code request} and waits up to {@code timeout} for its answer; its events go nowhere. */
    JsonNode call(Request request, Duration timeout) {
        PendingRequest p = new PendingRequest(null);
        send(request, p);
        return await(request.id(), p, timeout);
    }

    /** Sends {@code request}; its events and its answer go to {@code p}. */
    void send(Request request, PendingRequest p) {
        pending.put(request.id(), p);
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
                DcpException reason = awaitCloseReason(Duration.ofSeconds(1));
                if (reason != null) {
                    throw reason;
                }
                throw new DcpException(ErrorCode.HELPER_UNAVAILABLE, "lost the connection to the helper: "
                        + e.getMessage(), "check that the helper is running, then connect again");
            }
        }
    }

    /** Stops handing messages of request {@code id} to its pending request (ends a subscription). */
    void forget(String id) {
        pending.remove(id);
    }

    /**
     * The answer to request {@code id}, waiting up to {@code timeout} (null: no limit); the helper's
     * error as a {@link DcpException}. Forgets the request afterwards unless it is a subscription.
     */
    JsonNode await(String id, PendingRequest p, Duration timeout) {
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
            if (!p.keep()) {
                pending.remove(id);
            }
        }
    }

    /** Why the reader saw the connection close, waiting up to {@code max} for it; null if it has not. */
    private DcpException awaitCloseReason(Duration max) {
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
            lines = new LineReader(channel, Integer.MAX_VALUE - 16);
            lines.run(text -> {
                DcpException refused = dispatch(text);
                if (refused != null) {
                    reason[0] = refused;
                }
            }, () -> true);
        } catch (IOException e) {
            // connection closed
        }
        closedBecause = reason[0];
        for (PendingRequest p : pending.values()) {
            p.result.completeExceptionally(reason[0]);
        }
        pending.clear();
    }

    /** Handles one message; returns the reason when the helper refused the whole connection. */
    private DcpException dispatch(String text) {
        Message m;
        try {
            m = Message.of(JsonLines.tree(text));
        } catch (IOException | RuntimeException e) {
            m = null;
        }
        if (m == null) {
            return null; // a message of a newer helper this client does not know
        }
        if (m.id() == null && m instanceof Message.Error e) {
            DcpException ex = toException(e);
            if (ErrorCode.PERMISSION_DENIED.name().equals(e.code())) {
                return ex;
            }
            return null;
        }
        PendingRequest p = m.id() == null ? null : pending.get(m.id());
        if (p == null) {
            if (m instanceof Message.Stream s && Message.Stream.HELPER.equals(s.sender())) {
                return readFrames(null); // a forgotten export: its frames are read and dropped
            }
            return null;
        }
        if (m instanceof Message.Stream s && Message.Stream.HELPER.equals(s.sender())) {
            // the export's frames follow at once, whoever waits for them
            p.streamed.complete(s);
            return readFrames(p);
        }
        // instanceof rather than a switch on the sealed types: its bootstrap spins a class at the
        // first message, which a command line's start-up would wait for
        if (m instanceof Message.Stream s) {
            p.streamed.complete(s);
        } else if (m instanceof Message.Progress pr) {
            p.listener().phase(pr.phase(), pr.fraction());
        } else if (m instanceof Message.Log l) {
            p.listener().logLine(l.line());
        } else if (m instanceof Message.Check c) {
            p.listener().check(c.check());
        } else if (m instanceof Message.ContainerChanged c) {
            if (p.onEvent() != null) {
                p.onEvent().accept(c);
            }
        } else if (m instanceof Message.Result r) {
            p.result.complete(r.value());
        } else if (m instanceof Message.Error e) {
            p.result.completeExceptionally(toException(e));
        }
        return null;
    }

    /**
     * Reads an export's frames (on the reader thread) until the end frame: data to the request's
     * sink (dropped once it failed, or when no one waits), messages sent meanwhile dispatched as
     * lines would be.
     */
    private DcpException readFrames(PendingRequest p) {
        java.io.InputStream in = lines.stream();
        try {
            while (true) {
                int length = Frames.readHeader(in);
                if (length == Frames.END) {
                    return null;
                }
                if (length < 0) {
                    if (-length > Protocol.MAX_LINE_BYTES * 16) {
                        throw new IOException("message frame of " + -length + " bytes");
                    }
                    dispatch(new String(Frames.readPayload(in, -length), java.nio.charset.StandardCharsets.UTF_8));
                    continue;
                }
                if (length > Frames.MAX_DATA) {
                    throw new IOException("data frame of " + length + " bytes");
                }
                byte[] data = Frames.readPayload(in, length);
                if (p != null && p.sink() != null && p.sinkFailure == null) {
                    try {
                        p.sink().write(data, 0, length);
                    } catch (IOException e) {
                        p.sinkFailed(e);
                    }
                }
            }
        } catch (IOException e) {
            // out of step: the connection is of no further use
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
            return null;
        }
    }

    /** Writes one frame of an import's data (or its end or cancel frame). */
    void writeFrame(byte[] frame) throws IOException {
        synchronized (writeLock) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(frame);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
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

    /** Closes the socket and waits a little for the reader to fail what still waits. */
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
}
