package dev.dockercheckpoint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line's lines without the object mapper are the mapper's lines: every request it
 * writes field by field reads back, in the helper's strict mapping, as the same request, and
 * every message it reads gives the tree the mapper would.
 */
class JsonLinesTest {
    private static final List<Request> WRITTEN_BY_FIELDS = List.of(
            new Request.Hello("c1", Protocol.VERSION, "docker-checkpoint 1.0", null, Boolean.TRUE),
            new Request.Hello("c1", Protocol.VERSION, null, "engine-2", null),
            new Request.Hello("c\"1", 7, "naïve \u2603 \\ client", "unix:///run/x.sock", Boolean.FALSE),
            new Request.Checkpoint("c2", "app", "cp1", "/tmp/docker-checkpoints", CheckpointOptions.defaults(),
                    Boolean.TRUE),
            new Request.Checkpoint("c2", "app", null, null, new CheckpointOptions(false, false, true, true, true),
                    null),
            new Request.Checkpoint("c2", "app", "cp1", "/d", null, null),
            new Request.Restore("c3", "app", "cp1", "/tmp/docker-checkpoints", "app-restored", Boolean.TRUE),
            new Request.Restore("c3", "app", null, null, null, null),
            new Request.Cancel("c4", "c2"));

    @Test
    void aRequestWrittenFieldByFieldIsTheMappersLineAndTheHelperReadsItBack() throws IOException {
        for (Request r : WRITTEN_BY_FIELDS) {
            String line = new String(JsonLines.line(r), StandardCharsets.UTF_8);
            assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
            assertEquals(Protocol.lenient().readTree(Protocol.line(r)), Protocol.lenient().readTree(line),
                    r.getClass().getSimpleName());
            assertEquals(r, Protocol.strict().readValue(line, Request.class), line);
        }
    }

    @Test
    void anyOtherRequestIsTheMappersOwnLine() {
        for (Request r : List.<Request>of(new Request.ListContainers("l", true), new Request.Doctor("d"),
                new Request.Export("e", "app", "cp1", "/d", "zstd", true, false))) {
            assertEquals(Protocol.line(r) + "\n", new String(JsonLines.line(r), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aMessageReadsAsTheMappersTree() throws IOException {
        for (String text : List.of(
                "{\"type\":\"progress\",\"id\":\"c2\",\"phase\":\"dumping with CRIU\",\"fraction\":0.3}",
                "{\"type\":\"progress\",\"id\":\"x\",\"phase\":\"export\",\"fraction\":1.0E-5,\"done\":12,"
                        + "\"total\":9007199254740993}",
                "{\"type\":\"result\",\"id\":\"c2\",\"value\":{\"dir\":\"/tmp/a\",\"sizeBytes\":262144,"
                        + "\"timingsMillis\":{\"dump\":151,\"total\":230},\"lost\":[],\"manifest\":null,"
                        + "\"big\":123456789012345678901234567890,\"neg\":-2147483649,\"ok\":true,\"no\":false}}",
                "{\"type\":\"error\",\"id\":null,\"code\":\"PERMISSION_DENIED\",\"message\":\"caf\\u00e9 \\\"q\\\"\","
                        + "\"details\":[\"a\",[1,[2.5,{}]],null]}",
                "{\"a\":1,\"a\":2}",
                "[1, \"two\", 3.0]",
                "\"just text\"",
                "  {\"spaced\" : [ ] }  ")) {
            assertEquals(Protocol.lenient().readTree(text), JsonLines.tree(text), text);
        }
    }

    @Test
    void aLineThatIsNotOneJsonValueIsRefused() {
        for (String bad : List.of("", "   ", "{} {}", "{\"a\":1}x", "{\"a\":", "{\"a\" 1}", "nul")) {
            assertThrows(IOException.class, () -> JsonLines.tree(bad), bad);
        }
    }
}
