package dev.dockercheckpoint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The workload the launcher records its ahead-of-time cache with (JDK 25+): the seed's
 * checkpoint, restore and the list, each a whole command line run in this process against a
 * peer on a private socket that answers with a recorded session of the helper
 * ({@code aot-training.jsonl}). The classes and code paths a real command then uses (the
 * helper client, its JSON, the results and their printing) are loaded, linked and profiled
 * already when it starts. Nothing outside the private socket is touched, and nothing is printed.
 */
@Command(name = StartupTrainingCommand.NAME, hidden = true,
        description = "Record the start-up cache's workload (run by the launcher).")
final class StartupTrainingCommand implements Callable<Integer> {
    static final String NAME = "startup-training";
    static final String SESSION = "aot-training.jsonl";

    /** The command lines trained, in order. */
    static final List<String[]> RUNS = List.of(
            new String[] {"-container", "demo", "-name", "rec1"},
            new String[] {"-restore", "-container", "demo", "-name", "rec1", "-new-name", "demo-rec"},
            new String[] {"list"});

    @Override
    public Integer call() throws IOException {
        Map<String, List<String>> replies = replies();
        Path dir = Files.createTempDirectory("dcp-startup-training");
        Path socket = dir.resolve("helper.sock");
        String before = System.getProperty(CommandTarget.SOCKET_PROPERTY);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread peer = Thread.ofPlatform().daemon().name("startup-training-peer")
                    .start(() -> serve(server, replies));
            System.setProperty(CommandTarget.SOCKET_PROPERTY, socket.toString());
            int failed = 0;
            for (String[] args : RUNS) {
                PrintWriter none = new PrintWriter(Writer.nullWriter());
                HelperPrefetch.startFor(args);
                if (Main.run(args, none, none) != ExitCodes.OK) {
                    failed++;
                }
            }
            peer.interrupt();
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            if (before == null) {
                System.clearProperty(CommandTarget.SOCKET_PROPERTY);
            } else {
                System.setProperty(CommandTarget.SOCKET_PROPERTY, before);
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** The recorded messages by the type of request they answer (their {@code id} in the recording). */
    static Map<String, List<String>> replies() throws IOException {
        Map<String, List<String>> byRequest = new LinkedHashMap<>();
        try (InputStream in = StartupTrainingCommand.class.getResourceAsStream(SESSION)) {
            if (in == null) {
                throw new IOException(SESSION + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    String type = Protocol.lenient().readTree(line).path("id").asText();
                    byRequest.computeIfAbsent(type, t -> new ArrayList<>()).add(line);
                }
            }
        }
        return byRequest;
    }

    /**
     * Answers each connection's requests with the recorded messages, under the request's id; a
     * brief hello's answer leaves what the host can do out, as the helper's does.
     */
    static void serve(ServerSocketChannel server, Map<String, List<String>> replies) {
        while (!Thread.currentThread().isInterrupted()) {
            try (SocketChannel ch = server.accept()) {
                BufferedReader in = new BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode request = Protocol.lenient().readTree(line);
                    String id = request.path("id").asText();
                    List<String> recorded = replies.getOrDefault(request.path("type").asText(), List.of(
                            "{\"type\":\"error\",\"code\":\"UNSUPPORTED\",\"message\":\"not recorded\"}"));
                    for (String reply : recorded) {
                        ObjectNode m = (ObjectNode) Protocol.lenient().readTree(reply);
                        m.put("id", id);
                        if (request.path("brief").asBoolean() && m.path("value").has("capabilities")) {
                            // as the helper answers a brief hello (the command line's)
                            ((ObjectNode) m.get("value")).putNull("capabilities");
                        }
                        out.write((m + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                return; // the socket closed: training is over
            }
        }
    }
}
