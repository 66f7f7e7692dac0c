package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random requests against a helper on a fake engine: every request type, mutated (fields
 * dropped, replaced by values of any JSON type, long or control-character strings, unknown
 * fields, cut-off or garbled text, deep nesting). Whatever arrives, the helper answers each
 * line with exactly one final message, never an internal error, and goes on serving. The seed
 * is printed with a failure; DCP_FUZZ_SEED and DCP_FUZZ_CASES replay or extend a run.
 */
class ProtocolFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> TEMPLATES = List.of(
            "{\"type\":\"hello\",\"id\":\"1\",\"protocolVersion\":1,\"client\":\"fuzz\"}",
            "{\"type\":\"list-containers\",\"id\":\"1\",\"all\":true}",
            "{\"type\":\"checkpoint\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"dir\":\"DIR\","
                    + "\"options\":{\"leaveRunning\":true,\"tcpEstablished\":false,\"fileLocks\":true,"
                    + "\"preDump\":false,\"allowLostProcesses\":false}}",
            "{\"type\":\"restore\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"dir\":\"DIR\",\"newName\":\"b\"}",
            "{\"type\":\"verify\",\"id\":\"1\",\"container\":\"a\"}",
            "{\"type\":\"list-checkpoints\",\"id\":\"1\",\"dir\":\"DIR\"}",
            "{\"type\":\"checkpoint-details\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"dir\":\"DIR\"}",
            "{\"type\":\"read-log\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"log\":\"dump.log\","
                    + "\"dir\":\"DIR\",\"offset\":0,\"maxLines\":10}",
            "{\"type\":\"delete-checkpoint\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"dir\":\"DIR\"}",
            "{\"type\":\"diagnose-log\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"log\":\"restore.log\","
                    + "\"dir\":\"DIR\"}",
            "{\"type\":\"inspect\",\"id\":\"1\",\"container\":\"a\",\"name\":\"cp\",\"dir\":\"DIR\"}",
            "{\"type\":\"doctor\",\"id\":\"1\"}",
            "{\"type\":\"cancel\",\"id\":\"1\",\"target\":\"2\"}");

    @TempDir
    Path dir;

    @Test
    void everyLineGetsExactlyOneAnswerAndTheHelperKeepsServing() throws Exception {
        long seed = Long.parseLong(System.getenv().getOrDefault("DCP_FUZZ_SEED",
                String.valueOf(System.nanoTime())));
        int cases = Integer.parseInt(System.getenv().getOrDefault("DCP_FUZZ_CASES", "1500"));
        Random random = new Random(seed);
        try (HelperHarness helper = new HelperHarness(dir)) {
            HelperHarness.Raw client = helper.connect();
            for (int i = 0; i < cases; i++) {
                String line = request(random, helper.config.defaultBaseDir().toString(), i);
                if (line.isBlank()) {
                    continue;
                }
                String where = "seed " + seed + ", case " + i + ": " + abbreviate(line);
                client.send(line);
                JsonNode answer = client.await(m -> HelperHarness.Raw.isFinal(m)
                        || "closed".equals(m.path("type").asText()), Duration.ofSeconds(10));
                assertNotEquals("closed", answer.path("type").asText(), where);
                assertNotEquals("INTERNAL", answer.path("code").asText(), where + " -> " + answer);
                if ("error".equals(answer.path("type").asText())) {
                    assertTrue(!answer.path("message").asText().isBlank() && !answer.path("hint").asText().isBlank(),
                            where + " -> " + answer);
                }
                // exactly one: nothing final follows (events of a subscription may)
                JsonNode extra = client.next(Duration.ofMillis(answer.path("type").asText().equals("result") ? 0 : 2));
                while (extra != null) {
                    assertTrue(!HelperHarness.Raw.isFinal(extra), where + " answered twice: " + extra);
                    extra = client.next(Duration.ofMillis(1));
                }
            }
            JsonNode hello = helper.connect().ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1}");
            assertEquals("result", hello.path("type").asText(), "seed " + seed + ": still serving");
            assertNotNull(client.ask("{\"type\":\"doctor\",\"id\":\"d\"}").path("value"));
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** One request line: a template, mutated up to three times, with a unique id where it still has one. */
    static String request(Random r, String base, int n) throws Exception {
        String template = TEMPLATES.get(r.nextInt(TEMPLATES.size())).replace("DIR", base);
        ObjectNode node = (ObjectNode) Protocol.strict().readTree(template);
        node.put("id", "f" + n);
        int mutations = r.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(r, node);
        }
        String text = Protocol.strict().writeValueAsString(node);
        switch (r.nextInt(12)) {
            case 0 -> text = text.substring(0, r.nextInt(text.length() + 1));
            case 1 -> {
                int at = r.nextInt(text.length() + 1);
                text = text.substring(0, at) + randomText(r, 1 + r.nextInt(8)) + text.substring(at);
            }
            case 2 -> text = "[".repeat(1 + r.nextInt(3000)) + text;
            default -> {
            }
        }
        return text.replace("\n", " ").replace("\r", " ");
    }

    private static void mutate(Random r, ObjectNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        String field = names.isEmpty() ? "x" : names.get(r.nextInt(names.size()));
        switch (r.nextInt(6)) {
            case 0 -> node.remove(field);
            case 1 -> node.set(field, randomValue(r, 0));
            case 2 -> node.set(randomText(r, 1 + r.nextInt(12)), randomValue(r, 0));
            case 3 -> node.put(field, "x".repeat(r.nextInt(3) == 0 ? 70_000 : 1 + r.nextInt(2000)));
            case 4 -> {
                if (node.get("options") instanceof ObjectNode options) {
                    mutate(r, options);
                } else {
                    node.set(field, randomValue(r, 0));
                }
            }
            default -> node.put(field, randomText(r, r.nextInt(40)));
        }
    }

    private static JsonNode randomValue(Random r, int depth) {
        return switch (r.nextInt(depth > 3 ? 6 : 8)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(r.nextBoolean());
            case 2 -> F.numberNode(r.nextLong());
            case 3 -> F.numberNode(r.nextDouble() * 1e300);
            case 4 -> F.numberNode(r.nextInt(3) - 1);
            case 5 -> F.textNode(randomText(r, r.nextInt(30)));
            case 6 -> {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomValue(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.set(randomText(r, 1 + r.nextInt(6)), randomValue(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static String randomText(Random r, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(10);
            if (kind == 0) {
                b.append((char) r.nextInt(32)); // control characters
            } else if (kind == 1) {
                b.appendCodePoint(0x80 + r.nextInt(0x10000 - 0x80 - 0x800)); // beyond ASCII
            } else if (kind == 2) {
                b.append("\"{}[]:,\\/.-".charAt(r.nextInt(11)));
            } else {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }
}
