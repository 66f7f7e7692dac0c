package dev.dockercheckpoint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.protocol.JsonLines;
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

/**
 * The workloads the launcher records its ahead-of-time caches with (JDK 25+), one cache for each:
 * {@code seed}, the seed's checkpoint and restore, and {@code commands}, the list (a subcommand).
 * Each is a whole command line run in this process against a peer on a private socket that
 * answers with a recorded session of the helper ({@code aot-training.jsonl}). The classes and
 * code paths a real command then uses (the helper client, its JSON, the results and their
 * printing) are loaded, linked and profiled already when it starts. A cache's classes are all
 * loaded at every start, so each holds only its own workload's: the seed's is run without the
 * subcommands' model, and the peer reads and writes its lines with the client's own parser and
 * plain text, never the object mapper. Nothing outside the private socket is touched, and
 * nothing is printed.
 */
final class StartupTrainingCommand {
    static final String NAME = "startup-training";
    static final String SESSION = "aot-training.jsonl";

    /** The command lines trained for each kind of cache, in order. */
    static final Map<String, List<String[]>> KINDS = Map.of(
            "seed", List.of(
                    new String[] {"-container", "demo", "-name", "rec1"},
                    new String[] {"-restore", "-container", "demo", "-name", "rec1", "-new-name", "demo-rec"}),
            "commands", List.<String[]>of(new String[] {"list"}));

    private StartupTrainingCommand() {
    }

    /** {@code startup-training seed|commands}: the exit code; a usage error for another argument. */
    static int run(String[] args, PrintWriter err) {
        List<String[]> runs = args.length == 2 ? KINDS.get(args[1]) : null;
        if (runs == null) {
            err.println("error: " + NAME + " trains one start-up cache: seed or commands");
            err.println("hint: the launcher runs it; by hand: docker-checkpoint " + NAME + " seed");
            return ExitCodes.USAGE;
        }
        try {
            return train(runs);
        } catch (IOException e) {
            err.println("error: the start-up training failed: " + e.getMessage());
            err.println("hint: the command line works without its start-up cache, only slower");
            return ExitCodes.FAILED;
        }
    }

    private static int train(List<String[]> runs) throws IOException {
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
            for (String[] args : runs) {
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
                    String type = JsonLines.tree(line).path("id").asText();
                    byRequest.computeIfAbsent(type, t -> new ArrayList<>()).add(line);
                }
            }
        }
        return byRequest;
    }

    /**
     * Answers each connection's requests with the recorded messages, under the request's id (the
     * recording's {@code "id"} field, always the second, is rewritten as text). The recorded
     * hello is the brief one the command line asks for.
     */
    static void serve(ServerSocketChannel server, Map<String, List<String>> replies) {
        while (!Thread.currentThread().isInterrupted()) {
            try (SocketChannel ch = server.accept()) {
                BufferedReader in = new BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode request = JsonLines.tree(line);
                    String type = request.path("type").asText();
                    List<String> recorded = replies.getOrDefault(type, List.of(
                            "{\"type\":\"error\",\"id\":\"" + type + "\",\"code\":\"UNSUPPORTED\","
                                    + "\"message\":\"not recorded\"}"));
                    String recordedId = "\"id\":\"" + type + "\"";
                    String id = "\"id\":\"" + request.path("id").asText() + "\"";
                    for (String reply : recorded) {
                        int at = reply.indexOf(recordedId);
                        String answer = at < 0 ? reply
                                : reply.substring(0, at) + id + reply.substring(at + recordedId.length());
                        out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                return; // the socket closed: training is over
            }
        }
    }
}
