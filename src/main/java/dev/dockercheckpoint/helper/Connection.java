package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.engine.CheckpointEngine;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads requests (one JSON object per line), runs each on its own
 * virtual thread (at most {@value #MAX_IN_FLIGHT} at a time), and queues messages back through
 * its {@link Outbox}. A client that goes away, or stops reading and is dropped, does not stop the
 * operations it started; their messages are discarded. Every request that changes something
 * leaves one audit line (user, uid, request, container, result) in the helper's log.
 */
final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.dockercheckpoint.audit");
    /** Requests one connection may have running at a time. */
    static final int MAX_IN_FLIGHT = 64;
    /** Container-event subscriptions per connection. */
    static final int MAX_SUBSCRIPTIONS = 4;

    private final long number;
    private final SocketChannel channel;
    private final Peer peer;
    private final Engines engines;
    private volatile CheckpointEngine engine;
    private volatile String engineName;
    private final Operations operations;
    private final HelperConfig config;
    private final Outbox outbox;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private final Transfers transfers = new Transfers(this);
    private volatile LineReader reader;
    /** Set when an import left the connection's bytes out of step: the connection closes. */
    private volatile boolean outOfStep;

    Connection(long number, SocketChannel channel, Peer peer, Engines engines, Operations operations,
            HelperConfig config) {
        this.number = number;
        this.channel = channel;
        this.peer = peer;
        this.engines = engines;
        this.engine = engines.get(null);
        this.engineName = engines.defaultName();
        this.operations = operations;
        this.config = config;
        this.outbox = new Outbox(channel, config.limits().queuedMessages(), config.limits().queuedBytes(),
                this::dropSlowReader);
    }

    Peer peer() {
        return peer;
    }

    long number() {
        return number;
    }

    HelperConfig config() {
        return config;
    }

    /** The engine this connection works with (the hello's choice, else the helper's default). */
    CheckpointEngine engine() {
        return engine;
    }

    Operations operations() {
        return operations;
    }

    Outbox outbox() {
        return outbox;
    }

    /** A request whose final message was sent already (null: a result), by the request itself. */
    private static final class Answered extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Message.Error error;

        Answered(Message.Error error) {
            super(null, null, false, false);
            this.error = error;
        }
    }

    /** The connection's bytes are out of step (an import ended inside its frames): it closes. */
    private static final class OutOfStep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfStep() {
            super(null, null, false, false);
        }
    }

    /** Reads lines until the client closes; over-long lines are answered with an error and skipped. */
    void run() {
        try {
            reader = new LineReader(channel, Protocol.MAX_LINE_BYTES);
            reader.run(new LineReader.Sink() {
                @Override
                public void line(String text) {
                    if (Transfers.isImport(text)) {
                        importLine(text);
                        return;
                    }
                    if (!inFlight.tryAcquire()) {
                        send(new Message.Error(idOf(text), ErrorCode.BUSY.name(), "more than " + MAX_IN_FLIGHT
                                + " requests at once on one connection", "wait for answers before sending more",
                                null, null));
                        return;
                    }
                    Thread.ofVirtual().name("helper-req").start(() -> {
                        try {
                            handleLine(text);
                        } finally {
                            inFlight.release();
                        }
                    });
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
        } catch (OutOfStep e) {
            LOG.info("closing connection {} of user {}: an import ended inside its data", number, peer.user());
        } finally {
            closeAfterWriting();
        }
    }

    /**
     * An import, on the reader's thread: the archive's frames follow its line on this connection,
     * and the next line comes after them.
     */
    private void importLine(String text) {
        if (!inFlight.tryAcquire()) {
            send(new Message.Error(idOf(text), ErrorCode.BUSY.name(), "more than " + MAX_IN_FLIGHT
                    + " requests at once on one connection", "wait for answers before sending more", null, null));
            return;
        }
        try {
            handleLine(text);
        } finally {
            inFlight.release();
        }
        if (outOfStep) {
            throw new OutOfStep();
        }
    }

    /** The client stopped reading: drop it so that nothing waits for it. */
    private void dropSlowReader() {
        LOG.warn("dropped connection {} of user {}: it stopped reading ({} messages or {} bytes unread)", number,
                peer.user(), config.limits().queuedMessages(), config.limits().queuedBytes());
        close();
    }

    /** Closes once what is queued has been written, or after a short grace. */
    private void closeAfterWriting() {
        outbox.close();
        try {
            outbox.awaitWritten(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    void close() {
        open = false;
        transfers.stopAll();
        outbox.close();
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
            if (e.getCause() instanceof DcpException invalid) {
                send(Message.Error.of(invalid.getMessage().contains("\"id\"") ? null : idOf(text), invalid));
            } else {
                send(new Message.Error(idOf(text), ErrorCode.INVALID_INPUT.name(), "malformed request: "
                        + describe(e), "send one JSON object per line with \"type\" and \"id\"; see docs/protocol.md",
                        null, null));
            }
            return;
        }
        String id = request.id();
        long started = System.nanoTime();
        Message.Error failure = null;
        try {
            dispatch(request);
        } catch (Answered a) {
            failure = a.error;
        } catch (DcpException e) {
            failure = Message.Error.of(id, e);
            send(failure);
        } catch (RuntimeException e) {
            LOG.error("request {} ({}) failed", id, request.getClass().getSimpleName(), e);
            failure = new Message.Error(id, ErrorCode.INTERNAL.name(), "internal error: " + e,
                    "see the helper's log (journalctl -u docker-checkpoint)", null, null);
            send(failure);
        } finally {
            audit(request, failure, started);
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
                if (h.engine() != null) {
                    engine = engines.get(h.engine());
                    engineName = h.engine();
                }
                result(id, new HelloInfo(Protocol.VERSION, Engine.toolVersion(), peer.user(),
                        Boolean.TRUE.equals(h.brief()) ? null : engines.capabilities(engineName),
                        config.baseDirs().stream().map(Path::toString).toList(),
                        config.engines().stream().map(e -> new HelloInfo.EngineInfo(e.name(), e.host())).toList(),
                        engineName));
            }
            case Request.ListContainers l -> result(id, engine.listContainers(l.all()));
            case Request.Subscribe s -> {
                if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
                    throw new DcpException(ErrorCode.BUSY, "more than " + MAX_SUBSCRIPTIONS
                            + " subscriptions on one connection", "one subscription per connection is enough");
                }
                // following first: no event between the answer and the subscription is lost
                subscriptions.add(engine.subscribe(e -> send(new Message.ContainerChanged(id, e.action(),
                        e.containerId(), e.name(), e.image()))));
                result(id, Map.of("subscribed", true));
            }
            case Request.Checkpoint c -> {
                Path dir = dir(c.dir());
                Names.requireValid("container name", c.container());
                Names.requireValid("checkpoint name", c.name() == null ? CheckpointRequest.DEFAULT_NAME : c.name());
                runLong(id, containerKey(c.container()), cancelled -> engine.checkpoint(
                        new CheckpointRequest(c.container(), c.name(), dir,
                                c.options() == null ? CheckpointOptions.defaults() : c.options()),
                        listener(id, cancelled, Boolean.TRUE.equals(c.quiet()))));
            }
            case Request.Restore r -> {
                Path dir = dir(r.dir());
                RestoreRequest restore = new RestoreRequest(r.container(), r.name(), dir, r.newName());
                Names.requireValid("container name", restore.container());
                Names.requireValid("new container name", restore.newName());
                runLong(id, "name:" + engineName + "/" + restore.newName(),
                        cancelled -> engine.restore(restore, listener(id, cancelled, Boolean.TRUE.equals(r.quiet()))));
            }
            case Request.Migrate m -> {
                Path dir = dir(m.dir());
                MigrationRequest migration = new MigrationRequest(m.container(), m.newName(), dir, m.options(),
                        m.keepCheckpoint());
                Names.requireValid("container name", migration.container());
                Names.requireValid("new container name", migration.copyName());
                if (m.to().equals(engineName)) {
                    throw new DcpException(ErrorCode.INVALID_INPUT, "the container is on engine " + engineName
                            + " already", "migrate to another of the helper's engines: "
                                    + String.join(", ", engines.names()));
                }
                CheckpointEngine target = engines.get(m.to());
                runLong(id, containerKey(m.container()), cancelled -> engine.migrate(migration, target, m.to(),
                        listener(id, cancelled)));
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
                    r.log(), r.offset(), r.maxLines()));
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
            case Request.VerifyCheckpoint v -> {
                Path dir = dir(v.dir());
                Names.requireValid("container name", v.container());
                Names.requireValid("checkpoint name", v.name());
                runLong(id, "checkpoint:" + dir + "/" + v.container() + "/" + v.name(), cancelled ->
                        new CheckpointStore(dir).verifyIntegrity(v.container(), v.name(), listener(id, cancelled)));
            }
            case Request.Doctor d -> result(id, engines.doctor(engineName));
            case Request.Export x -> result(id, transfers.export(x));
            case Request.Import i -> {
                Transfers.Outcome outcome = transfers.importArchive(i, reader.stream());
                if (!outcome.inStep()) {
                    outOfStep = true;
                }
                throw new Answered(outcome.error());
            }
            case Request.Cancel c -> {
                Operations.Cancel outcome = operations.cancel(number, peer.user(), c.target());
                if (outcome.target() != null && outcome.target().key().connection() != number) {
                    LOG.info("user {} cancelled request {} of user {} on connection {}", peer.user(), c.target(),
                            outcome.target().user(), outcome.target().key().connection());
                }
                result(id, Map.of("cancelled", outcome.cancelled()));
            }
        }
    }

    /** Operations on one container are serialised by its full id (a name and an id are the same container). */
    private String containerKey(String ref) {
        String full = engine.containerId(ref);
        return "container:" + engineName + "/" + (full == null ? ref : full);
    }

    private interface Body {
        Object run(AtomicBoolean cancelled);
    }

    /** Runs a long operation if {@code resource} is free and the user is within the limit; "busy" at once otherwise. */
    private void runLong(String id, String resource, Body body) {
        Operations.Running running = operations.start(new Operations.Key(number, id), peer.user(), resource,
                config.limits().operationsPerUser());
        Object value;
        try {
            value = body.run(running.cancelled());
        } finally {
            // free the container before answering: a client that starts the next operation as soon
            // as it has the answer must not be told "busy"
            operations.finish(running);
        }
        result(id, value);
    }

    private ProgressListener listener(String id, AtomicBoolean cancelled) {
        return listener(id, cancelled, false);
    }

    /** Events of operation {@code id} to this client; CRIU's log lines only when not {@code quiet}. */
    private ProgressListener listener(String id, AtomicBoolean cancelled, boolean quiet) {
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
                if (!quiet) {
                    send(new Message.Log(id, line));
                }
            }

            @Override
            public void check(CheckResult result) {
                send(new Message.Check(id, result));
            }
        };
    }

    /** One audit line for each request that changes something or runs an operation. */
    private void audit(Request request, Message.Error failure, long startedNanos) {
        String what = switch (request) {
            case Request.Checkpoint c -> "checkpoint container=" + c.container() + " name=" + c.name() + " dir="
                    + full(c.dir()) + " options="
                    + (c.options() == null ? CheckpointOptions.defaults() : c.options());
            case Request.Restore r -> "restore container=" + r.container() + " name=" + r.name() + " dir="
                    + full(r.dir()) + " newName=" + r.newName();
            case Request.Verify v -> "verify container=" + v.container();
            case Request.Migrate m -> "migrate container=" + m.container() + " to=" + full(m.to()) + " newName="
                    + m.newName() + " dir=" + full(m.dir());
            case Request.VerifyCheckpoint v -> "verify-checkpoint container=" + v.container() + " name=" + v.name()
                    + " dir=" + full(v.dir());
            case Request.Delete d -> "delete-checkpoint container=" + d.container() + " name=" + d.name() + " dir="
                    + full(d.dir());
            case Request.Cancel c -> "cancel target=" + full(c.target());
            case Request.Export x -> "export container=" + x.container() + " name=" + x.name() + " dir="
                    + full(x.dir()) + " compression=" + x.compression();
            case Request.Import i -> "import dir=" + full(i.dir()) + " container=" + i.container() + " name="
                    + i.name() + " maxBytes=" + i.maxBytes();
            default -> null;
        };
        if (what == null) {
            return;
        }
        AUDIT.info("user={} uid={} conn={} id={} {} result={} ({} ms)", peer.user(), peer.uid(), number,
                full(request.id()), what, failure == null ? "ok" : failure.code(),
                (System.nanoTime() - startedNanos) / 1_000_000);
    }

    /** A value for the audit line: whole, as a JSON string (requests hold no control characters). */
    private static String full(String value) {
        return value == null ? "null" : Protocol.line(value);
    }

    /** The base directory a request names: one of the configured ones (see {@link HelperConfig#baseDir}). */
    private Path dir(String dir) {
        return config.baseDir(dir);
    }

    private void result(String id, Object value) {
        send(new Message.Result(id, Protocol.strict().valueToTree(value)));
    }

    void send(Message message) {
        if (open) {
            outbox.offer(message);
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
            return id != null && id.isTextual() && id.asText().length() <= Request.MAX_ID
                    && id.asText().chars().noneMatch(Character::isISOControl) ? id.asText() : null;
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
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : String.valueOf(r.getIndex())).collect(java.util.stream.Collectors.joining("."));
            msg = "field \"" + field + "\": " + msg;
        }
        return msg.length() > 160 ? msg.substring(0, 157) + "..." : msg;
    }
}
