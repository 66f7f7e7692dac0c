package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper's dispatch and bookkeeping over a real Unix socket, against a fake engine (no root, no Docker). */
class HelperDispatchTest {
    @TempDir
    Path dir;
    HelperHarness helper;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir, new HelperConfig.Limits(256, 128, 3, 1024, 256 * 1024));
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    private String checkpoint(String id, String container, String options) {
        return "{\"type\":\"checkpoint\",\"id\":\"" + id + "\",\"container\":\"" + container + "\",\"dir\":\""
                + helper.config.defaultBaseDir() + "\"" + (options == null ? "" : ",\"options\":" + options) + "}";
    }

    @Test
    void helloNamesTheUserTheAllowedDirectoriesAndTheEngines() throws Exception {
        try (var c = helper.connect()) {
            JsonNode hello = c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1,\"client\":\"test\"}");
            assertEquals("result", hello.path("type").asText(), hello.toString());
            JsonNode v = hello.path("value");
            assertEquals(System.getProperty("user.name"), v.path("user").asText());
            assertEquals(helper.config.baseDirs().get(0).toString(), v.path("baseDirs").path(0).asText());
            assertEquals("other base", Path.of(v.path("baseDirs").path(1).asText()).getFileName().toString());
            assertEquals("default", v.path("engines").path(0).path("name").asText());
            assertEquals("fake", v.path("capabilities").path("items").path(0).path("id").asText());

            JsonNode old = c.ask("{\"type\":\"hello\",\"id\":\"h2\",\"protocolVersion\":0}");
            assertEquals("UNSUPPORTED", old.path("code").asText(), old.toString());

            JsonNode list = c.ask("{\"type\":\"list-containers\",\"id\":\"l\"}");
            assertEquals("web", list.path("value").path(0).path("name").asText(), list.toString());
        }
    }

    @Test
    void aConnectionPicksOneOfTheHelpersEnginesInHello() throws Exception {
        try (var c = helper.connect(); var d = helper.connect()) {
            JsonNode hello = c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1,\"engine\":\"second\"}");
            assertEquals("second", hello.path("value").path("engine").asText(), hello.toString());
            assertEquals("[{\"name\":\"default\",\"host\":\"unix:///nonexistent.sock\"},{\"name\":\"second\","
                    + "\"host\":\"unix:///second.sock\"}]", hello.path("value").path("engines").toString());
            assertEquals(List.of("unix:///second.sock"), helper.connectedHosts, "connected when first picked");
            JsonNode plain = d.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1}");
            assertEquals("default", plain.path("value").path("engine").asText(), plain.toString());

            // the same container name on two engines is two containers
            c.send(checkpoint("1", "block-same", null));
            helper.second.awaitStarted("block-same");
            d.send(checkpoint("1", "block-same", null));
            helper.engine.awaitStarted("block-same");
            helper.engine.release();
            helper.second.release();
            assertEquals("result", c.answer("1").path("type").asText());
            assertEquals("result", d.answer("1").path("type").asText());
            assertEquals(1, helper.second.checkpoints.size());
            assertEquals(1, helper.engine.checkpoints.size());

            JsonNode unknown = d.ask("{\"type\":\"hello\",\"id\":\"h2\",\"protocolVersion\":1,\"engine\":\"third\"}");
            assertEquals("INVALID_INPUT", unknown.path("code").asText(), unknown.toString());
            assertTrue(unknown.path("message").asText().contains("default, second"), unknown.toString());
            assertEquals(List.of("unix:///second.sock"), helper.connectedHosts, "connected once");
        }
    }

    @Test
    void migrateGoesFromTheConnectionsEngineToAnotherOfTheHelpers() throws Exception {
        try (var c = helper.connect()) {
            c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1}");
            c.send("{\"type\":\"migrate\",\"id\":\"m\",\"container\":\"web\",\"to\":\"second\","
                    + "\"newName\":\"web2\",\"dir\":\"" + helper.config.defaultBaseDir() + "\"}");
            helper.engine.release();
            JsonNode done = c.answer("m");
            assertEquals("result", done.path("type").asText(), done.toString());
            assertEquals(812.5, done.path("value").path("downtimeMillis").asDouble(), done.toString());
            assertEquals(1, helper.engine.migrations.size());
            FakeEngine.Migration m = helper.engine.migrations.getFirst();
            assertTrue(m.target() == helper.second, "to the engine called second");
            assertEquals("web2", m.request().copyName());
            assertTrue(m.request().options().leaveRunning(), "the original is kept, frozen, until its copy runs");

            JsonNode same = c.ask("{\"type\":\"migrate\",\"id\":\"s\",\"container\":\"web\",\"to\":\"default\"}");
            assertEquals("INVALID_INPUT", same.path("code").asText(), same.toString());
            assertTrue(same.path("message").asText().contains("on engine default already"), same.toString());
            JsonNode unknown = c.ask("{\"type\":\"migrate\",\"id\":\"u\",\"container\":\"web\",\"to\":\"third\"}");
            assertEquals("INVALID_INPUT", unknown.path("code").asText(), unknown.toString());
            assertTrue(unknown.path("message").asText().contains("default, second"), unknown.toString());
            assertEquals(1, helper.engine.migrations.size(), "refused before anything ran");
        }
    }

    @Test
    void optionsLeftOutTakeTheDocumentedDefaults() throws Exception {
        try (var c = helper.connect()) {
            assertEquals("result", c.ask(checkpoint("1", "a", "{\"tcpEstablished\":true}")).path("type").asText());
            assertEquals("result", c.ask(checkpoint("2", "b", null)).path("type").asText());
            JsonNode partial = c.ask(checkpoint("3", "c", "{\"leaveRunning\":false,\"preDump\":true}"));
            assertEquals("exited", partial.path("value").path("containerState").asText(), partial.toString());
        }
        List<CheckpointRequest> seen = new ArrayList<>(helper.engine.checkpoints);
        assertEquals(CheckpointOptions.defaults(), seen.get(0).options(), "tcpEstablished alone leaves it running");
        assertTrue(seen.get(0).options().leaveRunning());
        assertEquals(CheckpointOptions.defaults(), seen.get(1).options());
        assertEquals(CheckpointRequest.DEFAULT_NAME, seen.get(1).name());
        assertEquals(new CheckpointOptions(false, true, true, true, false), seen.get(2).options());
    }

    @Test
    void unknownFieldsLongStringsAndBadNumbersAreRefusedByName() throws Exception {
        try (var c = helper.connect()) {
            assertRefused(c.ask(checkpoint("1", "a", "{\"leaveRuning\":true}")), "1", "leaveRuning");
            assertRefused(c.ask("{\"type\":\"checkpoint\",\"id\":\"2\",\"container\":\"a\",\"force\":true}"), "2",
                    "force");
            assertRefused(c.ask("{\"type\":\"verify\",\"id\":\"3\",\"container\":\"" + "x".repeat(300) + "\"}"), "3",
                    "\"container\" is longer than 256");
            assertRefused(c.ask("{\"type\":\"checkpoint\",\"id\":\"4\",\"container\":\"a\",\"dir\":\"/tmp/a\\u0007\"}"),
                    "4", "control character");
            assertRefused(c.ask("{\"type\":\"read-log\",\"id\":\"5\",\"container\":\"a\",\"name\":\"b\","
                    + "\"log\":\"dump.log\",\"maxLines\":100001}"), "5", "maxLines");
            assertRefused(c.ask("{\"type\":\"read-log\",\"id\":\"6\",\"container\":\"a\",\"name\":\"b\","
                    + "\"log\":\"dump.log\",\"offset\":-1}"), "6", "offset");
            assertRefused(c.ask("{\"type\":\"verify\",\"id\":\"" + "i".repeat(101) + "\",\"container\":\"a\"}"), null,
                    "id");
            assertRefused(c.ask("{\"type\":\"verify\",\"container\":\"a\"}"), null, "missing field \"id\"");
            assertRefused(c.ask("{\"type\":\"checkpoint\",\"id\":\"7\",\"container\":\"a\",\"options\":"
                    + "{\"leaveRunning\":\"yes\"}}"), "7", "leaveRunning");
            assertTrue(helper.engine.checkpoints.isEmpty(), "nothing reached the engine");
        }
    }

    private static void assertRefused(JsonNode answer, String id, String mentioned) {
        assertEquals("error", answer.path("type").asText(), answer.toString());
        assertEquals("INVALID_INPUT", answer.path("code").asText(), answer.toString());
        assertEquals(id, answer.path("id").isNull() || answer.path("id").isMissingNode() ? null
                : answer.path("id").asText(), answer.toString());
        assertTrue(answer.path("message").asText().contains(mentioned), answer.toString());
        assertFalse(answer.path("hint").asText().isBlank(), answer.toString());
    }

    @Test
    void aSecondOperationOnTheSameContainerIsBusyAtOnceWhileOthersRunInParallel() throws Exception {
        try (var a = helper.connect(); var b = helper.connect()) {
            a.send(checkpoint("1", "block-x", null));
            helper.engine.awaitStarted("block-x");
            JsonNode busy = b.ask(checkpoint("1", "block-x", null));
            assertEquals("BUSY", busy.path("code").asText(), busy.toString());
            assertTrue(busy.path("message").asText().contains("block-x"), busy.toString());

            b.send(checkpoint("2", "block-y", null));
            helper.engine.awaitStarted("block-y");
            assertEquals(2, helper.engine.running.get(), "two containers at the same time");
            helper.engine.release();
            assertEquals("result", a.answer("1").path("type").asText());
            assertEquals("result", b.answer("2").path("type").asText());
            // the container is free as soon as the answer arrives
            assertEquals("result", b.ask(checkpoint("3", "block-x", null)).path("type").asText());
        }
    }

    @Test
    void aUserRunsAtMostTheConfiguredNumberOfOperations() throws Exception {
        try (var a = helper.connect(); var b = helper.connect()) {
            for (int i = 0; i < 3; i++) {
                a.send(checkpoint("op" + i, "block-" + i, null));
                helper.engine.awaitStarted("block-" + i);
            }
            JsonNode limited = b.ask(checkpoint("x", "block-9", null));
            assertEquals("BUSY", limited.path("code").asText(), limited.toString());
            assertTrue(limited.path("message").asText().contains("already runs 3 operations"), limited.toString());
            JsonNode cancel = b.ask("{\"type\":\"cancel\",\"id\":\"c\",\"target\":\"op0\"}");
            assertTrue(cancel.path("value").path("cancelled").asBoolean(), "the same user, another connection");
            assertEquals("CANCELLED", a.answer("op0").path("code").asText());
            assertEquals("result", b.ask(checkpoint("y", "a", null)).path("type").asText(), "a slot is free again");
        }
    }

    @Test
    void cancelStopsOnlyTheNamedOperation() throws Exception {
        try (var a = helper.connect()) {
            a.send(checkpoint("1", "block-a", null));
            a.send(checkpoint("2", "block-b", null));
            helper.engine.awaitStarted("block-a");
            helper.engine.awaitStarted("block-b");
            JsonNode none = a.ask("{\"type\":\"cancel\",\"id\":\"c0\",\"target\":\"nope\"}");
            assertFalse(none.path("value").path("cancelled").asBoolean(), none.toString());
            JsonNode cancel = a.ask("{\"type\":\"cancel\",\"id\":\"c1\",\"target\":\"1\"}");
            assertTrue(cancel.path("value").path("cancelled").asBoolean(), cancel.toString());
            JsonNode cancelled = a.answer("1");
            assertEquals("CANCELLED", cancelled.path("code").asText(), cancelled.toString());
            helper.engine.release();
            assertEquals("result", a.answer("2").path("type").asText());
            assertEquals(List.of("block-b"), helper.engine.finished);
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndNeverStallsOthers() throws Exception {
        var stuck = helper.connectSilent();
        stuck.write(java.nio.ByteBuffer.wrap((checkpoint("1", "bulky-a", null) + "\n").getBytes()));
        try (var other = helper.connect()) {
            long t = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertEquals("result", other.ask(checkpoint("o" + i, "c" + i, null)).path("type").asText());
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - t).toSeconds() < 10, "others are served");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!helper.engine.finished.contains("bulky-a") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(helper.engine.finished.contains("bulky-a"), "the stuck client's operation ran to its end");
        // the helper hung up on it: reading what it had queued ends in end-of-stream, far short of what was sent
        stuck.configureBlocking(true);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
        long total = 0;
        int n;
        while ((n = stuck.read(buf)) > 0) {
            total += n;
            buf.clear();
        }
        assertEquals(-1, n, "closed by the helper");
        assertTrue(total < 4000L * 1024, "the queue was dropped, not delivered: " + total);
        stuck.close();
    }

    @Test
    void aSlowReaderLosesOnlyLogLinesAndIsToldHowMany() throws Exception {
        var slow = helper.connectSilent();
        slow.write(java.nio.ByteBuffer.wrap((checkpoint("1", "chatty-a", null) + "\n").getBytes()));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!helper.engine.finished.contains("chatty-a") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(helper.engine.finished.contains("chatty-a"));
        // now it reads everything: the answer is there, with a note of what was left out
        var reader = new HelperHarness.Raw(slow);
        JsonNode note = reader.await(m -> "log".equals(m.path("type").asText())
                && m.path("line").asText().contains("lines of CRIU's log were not sent"), Duration.ofSeconds(20));
        long left = Long.parseLong(note.path("line").asText().replaceAll("^\\((\\d+) .*", "$1"));
        assertTrue(left > 0 && left < FakeEngine.CHATTY_LINES, note.toString());
        JsonNode answer = reader.answer("1");
        assertEquals("result", answer.path("type").asText(), "a slow client is not dropped: " + answer);
        reader.close();
    }

    @Test
    void tooManyRequestsInFlightOnOneConnectionAreRefused() throws Exception {
        try (var c = helper.connect()) {
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < Connection.MAX_IN_FLIGHT + 20; i++) {
                many.append(checkpoint("r" + i, "block-" + i, null)).append('\n');
            }
            c.send(many.toString().strip());
            JsonNode busy = c.await(m -> "error".equals(m.path("type").asText()), Duration.ofSeconds(10));
            assertEquals("BUSY", busy.path("code").asText(), busy.toString());
            helper.engine.release();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedWithAReason(@TempDir Path other) throws Exception {
        try (var small = new HelperHarness(other, new HelperConfig.Limits(2, 2, 8, 64))) {
            var a = small.connect();
            var b = small.connect();
            assertEquals("result", a.ask("{\"type\":\"doctor\",\"id\":\"d\"}").path("type").asText());
            assertEquals("result", b.ask("{\"type\":\"doctor\",\"id\":\"d\"}").path("type").asText());
            var c = small.connect();
            JsonNode refused = c.await(HelperHarness.Raw::isFinal, Duration.ofSeconds(10));
            assertEquals("BUSY", refused.path("code").asText(), refused.toString());
            assertTrue(refused.path("message").asText().contains("connections"), refused.toString());
            a.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            JsonNode answer = null;
            while (System.nanoTime() < deadline) {
                try {
                    answer = small.connect().ask("{\"type\":\"doctor\",\"id\":\"d\"}");
                    if ("result".equals(answer.path("type").asText())) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // refused and closed before the request went out: not free yet
                }
                Thread.sleep(50);
            }
            assertEquals("result", answer.path("type").asText(), "a closed connection frees its place");
        }
    }
}
