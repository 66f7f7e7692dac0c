package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where root's checkpoint goes: to a running helper that serves its directory and engine, or
 * else in this process; and the report the command line prints is the same from either.
 */
class RootThroughHelperTest {
    @TempDir
    Path tmp;
    private ServerSocketChannel server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** A peer on a socket that answers hello as a helper serving {@code served} (and nothing else). */
    private Path helperServing(Path served) throws IOException {
        Path socket = tmp.resolve("helper.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofPlatform().daemon().start(() -> {
            while (server.isOpen()) {
                try (SocketChannel ch = server.accept()) {
                    BufferedReader in = new BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(ch);
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        requests.add(line);
                        JsonNode r = Protocol.lenient().readTree(line);
                        ObjectNode value = Protocol.lenient().createObjectNode().put("protocolVersion", 1)
                                .put("user", "root").put("engine", "default");
                        value.putArray("baseDirs").add(served.toString());
                        value.putArray("engines").addObject().put("name", "default")
                                .put("host", "unix:///var/run/docker.sock");
                        ObjectNode m = Protocol.lenient().createObjectNode().put("type", "result")
                                .put("id", r.path("id").asText());
                        m.set("value", value);
                        out.write((m + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket;
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aHelperServingTheDirectoryTakesTheWork() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path socket = helperServing(base);
        try (CommandTarget t = CommandTarget.helperOr(socket, null, base, Elsewhere::new)) {
            assertInstanceOf(HelperTarget.class, t);
        }
        assertEquals(1, requests.size());
        assertEquals(true, Protocol.lenient().readTree(requests.getFirst()).path("brief").asBoolean(),
                "the command line asks for a brief hello");
        try (CommandTarget t = CommandTarget.helperOr(socket, null, null, Elsewhere::new)) {
            assertInstanceOf(HelperTarget.class, t, "no directory given: the helper's own");
        }
    }

    @Test
    void aDirectoryTheHelperDoesNotServeOrNoHelperStaysInThisProcess() throws Exception {
        Path socket = helperServing(Files.createDirectories(tmp.resolve("served")));
        Elsewhere here = new Elsewhere();
        assertSame(here, CommandTarget.helperOr(socket, null, tmp.resolve("other"), () -> here));
        assertSame(here, CommandTarget.helperOr(tmp.resolve("no.sock"), null, null, () -> here));
        assertSame(here, CommandTarget.helperOr(null, null, null, () -> here), "DOCKER_CHECKPOINT_SOCKET=none");
        assertSame(here, CommandTarget.helperOr(socket, "unix:///elsewhere.sock", null, () -> here),
                "an engine the helper does not serve");
    }

    @Test
    void theSeedsCommandConnectsAheadAndTheCommandTakesThatConnection() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path socket = helperServing(base);
        System.setProperty(CommandTarget.SOCKET_PROPERTY, socket.toString());
        try {
            HelperPrefetch.startFor(new String[] {"-container", "app", "-name", "cp"});
            try (var client = HelperPrefetch.take(socket)) {
                assertEquals(List.of(base.toString()), client.lastHello().baseDirs(), "hello said ahead");
            }
            assertEquals(null, HelperPrefetch.take(socket), "taken once");
            for (String[] args : List.of(new String[] {"list"}, new String[] {"-v", "list"},
                    new String[] {"--help"}, new String[] {"-V"}, new String[] {})) {
                HelperPrefetch.startFor(args);
                assertEquals(null, HelperPrefetch.take(socket), "nothing ahead for " + String.join(" ", args));
            }
            HelperPrefetch.startFor(new String[] {"-restore", "-container", "app"});
            assertEquals(null, HelperPrefetch.take(tmp.resolve("another.sock")), "another socket: not handed over");
            assertEquals(2, requests.size(), "one hello for each connection made ahead: " + requests);
        } finally {
            System.clearProperty(CommandTarget.SOCKET_PROPERTY);
        }
    }

    @Test
    void theReportReadFromTheHelpersAnswerEqualsTheOneFromTheResult() throws Exception {
        Manifest m = new Manifest(2, "cp", "app", "0123", Instant.parse("2026-01-01T00:00:00Z"), null,
                CheckpointOptions.defaults(), Map.of("total", 321L, Manifest.FROZEN_TIMING, 123L), null, null, null,
                null, null, List.of("12 sleep"));
        for (CheckpointResult r : List.of(new CheckpointResult(tmp.resolve("a"), m, "running", 4096L),
                new CheckpointResult(tmp.resolve("b"), new Manifest(2, "cp", "app", "0123",
                        Instant.parse("2026-01-01T00:00:00Z"), null, CheckpointOptions.defaults(), Map.of("total", 5L),
                        null, null, null, null), null, null))) {
            JsonNode answer = Protocol.lenient().valueToTree(r);
            assertEquals(CheckpointReport.of(r), CheckpointReport.of(answer), answer.toString());
        }
    }

    /** A stand-in for the in-process target. */
    private static final class Elsewhere implements CommandTarget {
        @Override
        public CheckpointReport checkpoint(CheckpointRequest request, ProgressListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RestoreReport restore(RestoreRequest request, ProgressListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CheckpointContents inspect(Path dir, String container, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener l) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CheckpointSummary> listCheckpoints(Path dir) {
            return List.of();
        }

        @Override
        public Path defaultDir() {
            return Path.of("/tmp/docker-checkpoints");
        }

        @Override
        public void close() {
        }
    }
}
