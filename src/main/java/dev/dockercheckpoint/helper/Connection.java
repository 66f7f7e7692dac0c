package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.LineReader;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.protocol.Request;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads requests (one JSON object per line), runs each on its own
 * virtual thread, and writes messages back. A client that goes away does not stop the
 * operations it started; their messages are dropped.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final int MAX_ID = 100;

    private final SocketChannel channel;
    private final UnixDomainPrincipal peer;
    private final Engine engine;
    private final Operations operations;
    private final HelperConfig config;
    private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();
    private volatile boolean open = true;

    Connection(SocketChannel channel, UnixDomainPrincipal peer, Engine engine, Operations operations,
            HelperConfig config) {
        this.channel = channel;
        this.peer = peer;
        this.engine = engine;
        this.operations = operations;
        this.config = config;
    }

    /** Reads lines until the client closes; over-long lines are answered with an error and skipped. */
    void run() {
        try {
            new LineReader(channel, Protocol.MAX_LINE_BYTES).run(new LineReader.Sink() {
                @Override
                public void line(String text) {
                    Thread.ofVirtual().name("helper-req").start(() -> handleLine(text));
                }

                @Override
                public void tooLong() {
                    send(new Message.Error(null, ErrorCode.INVALID_INPUT.name(), "request line longer than "
                            + Protocol.MAX_LINE_BYTES + " bytes", "send one JSON object per line, at most "
                            + Protocol.MAX_LINE_BYTES + " bytes", null, null));
                }
            }, () -> open);
        } catch (IOException e) {
            LOG.debug("connection closed: {}", e.getMessage());
        } finally {
            close();
        }
    }

    void close() {
        open = false;
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                // closing
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }

    private void handleLine(String text) {
        if (text.isBlank()) {
            return;
        }
        Request request;
        try {
            request = Protocol.strict().readValue(text, Request.class);
        } catch (IOException e) {
            send(new Message.Error(idOf(text), ErrorCode.INVALID_INPUT.name(), "malformed request: " + describe(e),
                    "send one JSON object per line with \"type\" and \"id\"; see docs/protocol.md", null, null));
            return;
        }
        String id = request.id();
        if (id == null || id.isBlank() || id.length() > MAX_ID || id.chars().anyMatch(Character::isISOControl)) {
            send(new Message.Error(null, ErrorCode.INVALID_INPUT.name(), "request without a valid \"id\"",
                    "give every request an id of 1.." + MAX_ID + " printable characters", null, null));
            return;
        }
        try {
            dispatch(request);
        } catch (DcpException e) {
            send(Message.Error.of(id, e));
        } catch (RuntimeException e) {
            LOG.error("request {} ({}) failed", id, request.getClass().getSimpleName(), e);
            send(new Message.Error(id, ErrorCode.INTERNAL.name(), "internal error: " + e,
                    "see the helper's log (journalctl -u docker-checkpoint)", null, null));
        }
    }

    private void dispatch(Request request) {
        String id = request.id();
        switch (request) {
            case Request.Hello h -> {
                if (h.protocolVersion() != Protocol.VERSION) {
                    throw new DcpException(ErrorCode.UNSUPPORTED, "protocol version " + h.protocolVersion()
                            + " is not supported (this helper speaks " + Protocol.VERSION + ")",
                            "use a client of the same docker-checkpoint version as the helper");
                }
                result(id, new HelloInfo(Protocol.VERSION, Engine.toolVersion(), peer.user().getName(),
                        Engine.doctor(engine.docker(), engine.tools()),
                        config.baseDirs().stream().map(Path::toString).toList(),
                        config.engines().stream().map(HelperConfig.EngineEntry::name).toList()));
            }
            case Request.ListContainers l -> result(id, engine.listContainers(l.all()));
            case Request.Subscribe s -> {
                result(id, Map.of("subscribed", true));
                subscriptions.add(engine.subscribe(e -> send(new Message.ContainerChanged(id, e.action(),
                        e.containerId(), e.name(), e.image()))));
            }
            case Request.Checkpoint c -> {
                Path dir = dir(c.dir());
                Names.requireValid("container name", c.container());
                Names.requireValid("checkpoint name", c.name() == null ? CheckpointRequest.DEFAULT_NAME : c.name());
                runLong(id, containerKey(c.container()), cancelled -> engine.checkpoint(
                        new CheckpointRequest(c.container(), c.name(), dir, c.options()), listener(id, cancelled)));
            }
            case Request.Restore r -> {
                Path dir = dir(r.dir());
                RestoreRequest restore = new RestoreRequest(r.container(), r.name(), dir, r.newName());
                Names.requireValid("container name", restore.container());
                Names.requireValid("new container name", restore.newName());
                runLong(id, "name:" + restore.newName(),
                        cancelled -> engine.restore(restore, listener(id, cancelled)));
            }
            case Request.Verify v -> {
                Names.requireValid("container name", v.container());
                runLong(id, containerKey(v.container()),
                        cancelled -> engine.verify(v.container(), listener(id, cancelled)));
            }
            case Request.ListCheckpoints l -> {
                CheckpointStore store = new CheckpointStore(dir(l.dir()));
                result(id, store.list().stream().map(store::summary).toList());
            }
            case Request.Details d -> result(id, new CheckpointStore(dir(d.dir())).details(d.container(), d.name()));
            case Request.ReadLog r -> result(id, new CheckpointStore(dir(r.dir())).readLog(r.container(), r.name(),
                    r.log(), r.offset(), r.maxLines() == 0 ? Request.DEFAULT_LOG_LINES : r.maxLines()));
            case Request.Delete d -> result(id, Map.of("deleted",
                    engine.delete(dir(d.dir()), d.container(), d.name()).toString()));
            case Request.Diagnose d -> {
                Path file = new CheckpointStore(dir(d.dir())).logFile(d.container(), d.name(), d.log());
                try {
                    result(id, LogReport.of(CriuLogAnalyzer.analyze(file)));
                } catch (IOException e) {
                    throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(),
                            "check the checkpoint directory");
                }
            }
            case Request.Inspect i -> result(id, engine.inspect(dir(i.dir()), i.container(), i.name()));
            case Request.Doctor d -> result(id, Engine.doctor(engine.docker(), engine.tools()));
            case Request.Cancel c -> result(id, Map.of("cancelled", operations.cancel(c.target())));
        }
    }

    /** Operations on one container are serialised by its full id (a name and an id are the same container). */
    private String containerKey(String ref) {
        JsonNode json = engine.docker().inspectContainer(ref);
        return "container:" + (json == null ? ref : json.path("Id").asText(ref));
    }

    private interface Body {
        Object run(AtomicBoolean cancelled);
    }

    /** Runs a long operation if {@code key} is free; answers "busy" at once otherwise. */
    private void runLong(String id, String key, Body body) {
        if (!operations.tryStart(key, id)) {
            throw new DcpException(ErrorCode.BUSY, "busy: another operation (request " + operations.holder(key)
                    + ") is running on " + key.substring(key.indexOf(':') + 1),
                    "wait for it to finish, or cancel it");
        }
        AtomicBoolean cancelled = operations.running(id);
        Object value = null;
        DcpException failure = null;
        try {
            value = body.run(cancelled);
        } catch (DcpException e) {
            failure = e;
        } finally {
            // free the container before answering: a client that starts the next operation as soon
            // as it has the answer must not be told "busy"
            operations.finish(key, id);
        }
        if (failure != null) {
            send(Message.Error.of(id, failure));
        } else {
            result(id, value);
        }
    }

    private ProgressListener listener(String id, AtomicBoolean cancelled) {
        return new ProgressListener() {
            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }

            @Override
            public void phase(String phase, double fraction) {
                send(new Message.Progress(id, phase, fraction));
            }

            @Override
            public void logLine(String line) {
                send(new Message.Log(id, line));
            }

            @Override
            public void check(CheckResult result) {
                send(new Message.Check(id, result));
            }
        };
    }

    /** The base directory a request names: one of the configured ones (see {@link HelperConfig#baseDir}). */
    private Path dir(String dir) {
        return config.baseDir(dir);
    }

    private void result(String id, Object value) {
        send(new Message.Result(id, Protocol.strict().valueToTree(value)));
    }

    void send(Message message) {
        if (!open) {
            return;
        }
        // an interrupted writer would close the socket for every request on it: write uninterrupted
        boolean interrupted = Thread.interrupted();
        synchronized (writeLock) {
            try {
                Protocol.writeLine(channel, message);
            } catch (IOException e) {
                open = false; // the client went away; operations go on
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Sends one message on a connection that is about to be closed. */
    static void sendOnce(SocketChannel channel, Message message) {
        try {
            Protocol.writeLine(channel, message);
        } catch (IOException e) {
            // the peer is gone already
        }
    }

    private static String idOf(String text) {
        try {
            JsonNode node = Protocol.lenient().readTree(text);
            JsonNode id = node == null ? null : node.get("id");
            return id != null && id.isTextual() && id.asText().length() <= MAX_ID ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String describe(IOException e) {
        if (e instanceof InvalidTypeIdException t) {
            return t.getTypeId() == null ? "missing \"type\"" : "unknown request type \"" + t.getTypeId() + "\"";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"";
        }
        if (e instanceof MismatchedInputException m && m.getMessage() != null
                && m.getMessage().startsWith("Missing required creator property")) {
            String msg = m.getOriginalMessage();
            int q = msg.indexOf('\'');
            int q2 = q < 0 ? -1 : msg.indexOf('\'', q + 1);
            return q2 > q ? "missing field \"" + msg.substring(q + 1, q2) + "\"" : msg;
        }
        String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage();
        msg = msg == null ? "not JSON" : msg.replaceAll("\\s+", " ");
        return msg.length() > 160 ? msg.substring(0, 157) + "..." : msg;
    }
}
