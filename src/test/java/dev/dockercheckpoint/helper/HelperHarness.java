package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.engine.SystemProcessRunner;
import dev.dockercheckpoint.protocol.LineReader;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A helper serving a {@link FakeEngine} on a socket in a temporary directory, and raw clients for it. */
final class HelperHarness implements AutoCloseable {
    final FakeEngine engine = new FakeEngine();
    /** The engine called "second" in the configuration, connected when a client picks it. */
    final FakeEngine second = new FakeEngine();
    final List<String> connectedHosts = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Path dir;
    final Path socket;
    final HelperConfig config;
    private final HelperServer server;
    private final Thread serving;
    private final List<Raw> clients = new ArrayList<>();

    HelperHarness(Path dir, HelperConfig.Limits limits) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("helper.sock");
        this.config = new HelperConfig(List.of(dir.resolve("base"), dir.resolve("other base")),
                List.of(new HelperConfig.EngineEntry("default", "unix:///nonexistent.sock"),
                        new HelperConfig.EngineEntry("second", "unix:///second.sock")), limits);
        GroupPrincipal group = Files.readAttributes(dir, PosixFileAttributes.class).group();
        server = HelperServer.serving(engine, host -> {
            connectedHosts.add(host);
            return second;
        }, socket, new PeerAuthorizer(group.getName(), new SystemProcessRunner()),
                config);
        serving = Thread.ofVirtual().name("test-helper").start(server::serve);
    }

    HelperHarness(Path dir) throws IOException {
        this(dir, HelperConfig.Limits.DEFAULT);
    }

    Raw connect() throws IOException {
        Raw raw = new Raw(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        synchronized (clients) {
            clients.add(raw);
        }
        return raw;
    }

    /** A connection that reads nothing at all (its receive buffer fills up). */
    SocketChannel connectSilent() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    @Override
    public void close() throws Exception {
        engine.release();
        synchronized (clients) {
            for (Raw c : clients) {
                c.close();
            }
        }
        server.close();
        serving.join(Duration.ofSeconds(5));
    }

    /** A client speaking raw lines; messages arrive on a reader thread. */
    static final class Raw implements AutoCloseable {
        private static final JsonNode CLOSED = Protocol.strict().createObjectNode().put("type", "closed");
        final SocketChannel channel;
        private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private volatile boolean closed;

        Raw(SocketChannel channel) {
            this.channel = channel;
            Thread.ofVirtual().start(() -> {
                try {
                    new LineReader(channel, 16 * 1024 * 1024).run(line -> {
                        try {
                            messages.add(Protocol.strict().readTree(line));
                        } catch (IOException e) {
                            messages.add(Protocol.strict().createObjectNode().put("type", "unreadable")
                                    .put("line", line));
                        }
                    }, () -> true);
                } catch (IOException e) {
                    // closed
                } finally {
                    closed = true;
                    messages.add(CLOSED);
                }
            });
        }

        void send(String line) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        /** The next message, or null after {@code timeout}; a message of type "closed" when the helper hung up. */
        JsonNode next(Duration timeout) throws InterruptedException {
            return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next message that matches, skipping others; fails after {@code timeout}. */
        JsonNode await(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no matching message within " + timeout);
                }
                if (match.test(m)) {
                    return m;
                }
                if (m == CLOSED) {
                    throw new AssertionError("the helper closed the connection");
                }
            }
        }

        /** The final message (result or error) of request {@code id}. */
        JsonNode answer(String id) throws InterruptedException {
            return await(m -> isFinal(m) && id.equals(m.path("id").asText(null)), Duration.ofSeconds(20));
        }

        /** Sends {@code line} and returns the next final message, whatever its id. */
        JsonNode ask(String line) throws IOException, InterruptedException {
            send(line);
            return await(Raw::isFinal, Duration.ofSeconds(20));
        }

        boolean isClosed() {
            return closed;
        }

        static boolean isFinal(JsonNode m) {
            String type = m.path("type").asText();
            return type.equals("result") || type.equals("error");
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
