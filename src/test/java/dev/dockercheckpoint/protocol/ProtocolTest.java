package dev.dockercheckpoint.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.criulog.ComposedLogs;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProtocolTest {
    static Stream<Request> requests() {
        return Stream.of(
                new Request.Hello("1", 1, "test"),
                new Request.Hello("1b", 1, "test", "second", true),
                new Request.ListContainers("2", true),
                new Request.Subscribe("3"),
                new Request.Checkpoint("4", "app", "cp1", "/tmp/x", new CheckpointOptions(false, true, false, true)),
                new Request.Restore("5", "app", "cp1", null, "app2"),
                new Request.Checkpoint("4b", "app", "cp1", "/tmp/x", CheckpointOptions.defaults(), true),
                new Request.Restore("5b", "app", "cp1", null, "app2", true),
                new Request.Verify("6", "app2"),
                new Request.ListCheckpoints("7", "/srv/ckpt"),
                new Request.Details("8", null, "app", "cp1"),
                new Request.ReadLog("9", null, "app", "cp1", "dump.log", 4096, 50),
                new Request.Delete("10", "/tmp/x", "app", "cp1"),
                new Request.Doctor("11"),
                new Request.Cancel("12", "4"));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void everyRequestRoundTripsAsOneLine(Request request) throws Exception {
        String line = Protocol.line(request);
        assertFalse(line.contains("\n"));
        assertTrue(line.contains("\"type\":"), line);
        assertEquals(request, Protocol.strict().readValue(line, Request.class));
    }

    @Test
    void typeNamesAreTheDocumentedOnes() {
        assertTrue(Protocol.line(new Request.Details("8", null, "a", "b")).contains("\"type\":\"checkpoint-details\""));
        assertTrue(Protocol.line(new Request.Delete("8", null, "a", "b")).contains("\"type\":\"delete-checkpoint\""));
        assertTrue(Protocol.line(new Request.ReadLog("8", null, "a", "b", "dump.log", 0, 0))
                .contains("\"type\":\"read-log\""));
    }

    @Test
    void messagesRoundTripAndOnlyResultAndErrorAreFinal() throws Exception {
        List<Message> messages = List.of(
                new Message.Progress("1", "dumping", 0.5),
                new Message.Log("1", "(00.1) Error (x.c:1): y"),
                new Message.Check("1", new CheckResult("Container status", true, "running", Duration.ofMillis(3))),
                new Message.Check("1", new CheckResult("Logs available", false, null, Duration.ofNanos(25_997_229))),
                new Message.Check("1", new CheckResult("Stats produced", true, "2 pids", Duration.ofSeconds(61, 7))),
                new Message.Check("1", new CheckResult("Process running", true, "PID 1", null)),
                new Message.ContainerChanged("s", "start", "abc", "app", "busybox"),
                new Message.Result("1", Protocol.strict().valueToTree(List.of(1, 2))),
                Message.Error.of("1", new DcpException(ErrorCode.BUSY, "busy", "wait")));
        for (Message m : messages) {
            String line = Protocol.line(m);
            assertFalse(line.contains("\"final\""), line);
            Message back = Protocol.lenient().readValue(line, Message.class);
            assertEquals(m, back);
            assertEquals(m instanceof Message.Result || m instanceof Message.Error, back.isFinal());
        }
    }

    @Test
    void helloAnswersReadFieldByFieldEqualTheBoundOnes() throws Exception {
        for (HelloInfo hello : List.of(new HelloInfo(1, "0.1", "alice", new DoctorReport(List.of(
                new DoctorReport.Item("docker", "Docker", true, "20.10", null))), List.of("/tmp/a", "/srv/b"),
                List.of(new HelloInfo.EngineInfo("default", "unix:///var/run/docker.sock")), "default"),
                new HelloInfo(1, "0.1", "bob", null))) {
            JsonNode node = Protocol.lenient().valueToTree(hello);
            assertEquals(Protocol.lenient().treeToValue(node, HelloInfo.class), HelloInfo.of(node));
            assertEquals(hello, HelloInfo.of(node));
        }
    }

    @Test
    void theClientsFieldByFieldReadingGivesWhatBindingGives() throws Exception {
        List<Message> messages = List.of(
                new Message.Progress("1", "dumping", 0.5),
                new Message.Progress("1", "exporting", 0.25, 4096L, -1L),
                new Message.Log("1", "(00.1) Error (x.c:1): y"),
                new Message.Check("1", new CheckResult("Container status", true, "running", Duration.ofMillis(3))),
                new Message.Check("1", new CheckResult("Logs available", false, null, Duration.ofNanos(25_997_229))),
                new Message.Check("1", new CheckResult("Stats produced", true, "2 pids", Duration.ofSeconds(61, 7))),
                new Message.Check("1", new CheckResult("Process running", true, "PID 1", null)),
                new Message.ContainerChanged("s", "start", "abc", "app", null),
                new Message.Stream("x", Message.Stream.HELPER, 123),
                new Message.Result("1", Protocol.strict().valueToTree(List.of(1, 2))),
                new Message.Result("1", null),
                new Message.Error("1", "CRIU_FAILED", "dump failed", "read dump.log", List.of("(1) Error"),
                        "/tmp/d.log"),
                Message.Error.of("1", new DcpException(ErrorCode.BUSY, "busy", "wait")));
        for (Message m : messages) {
            String line = Protocol.line(m);
            assertEquals(Protocol.lenient().readValue(line, Message.class), Message.of(Protocol.lenient()
                    .readTree(line)), line);
        }
        assertEquals(null, Message.of(Protocol.lenient().readTree("{\"type\":\"hologram\",\"id\":\"1\"}")),
                "a newer helper's message is skipped");
    }

    @Test
    void pathsTravelAsPlainStrings() throws Exception {
        CheckpointSummary s = new CheckpointSummary("a", "b", Path.of("/tmp/x/a/b"), Instant.parse(
                "2026-01-01T00:00:00Z"), 10, CheckpointOptions.defaults());
        JsonNode json = Protocol.strict().valueToTree(s);
        assertEquals("/tmp/x/a/b", json.path("dir").asText());
        assertEquals(s, Protocol.lenient().treeToValue(json, CheckpointSummary.class));
    }

    @Test
    void strictParsingRejectsUnknownTypesFieldsAndMissingRequiredFields() {
        assertThrows(InvalidTypeIdException.class,
                () -> Protocol.strict().readValue("{\"type\":\"rm-rf\",\"id\":\"1\"}", Request.class));
        assertThrows(UnrecognizedPropertyException.class,
                () -> Protocol.strict().readValue("{\"type\":\"doctor\",\"id\":\"1\",\"x\":1}", Request.class));
        assertThrows(MismatchedInputException.class,
                () -> Protocol.strict().readValue("{\"type\":\"verify\",\"id\":\"1\"}", Request.class));
        assertThrows(MismatchedInputException.class,
                () -> Protocol.strict().readValue("{\"type\":\"doctor\",\"id\":\"1\"} {}", Request.class));
    }

    @Test
    void optionalFieldsMayBeLeftOut() throws Exception {
        Request r = Protocol.strict().readValue("{\"type\":\"checkpoint\",\"id\":\"1\",\"container\":\"app\"}",
                Request.class);
        Request.Checkpoint c = assertInstanceOf(Request.Checkpoint.class, r);
        assertEquals("app", c.container());
        assertEquals(null, c.name());
        assertEquals(null, c.options());
    }

    @Test
    void errorCarriesCodeHintDetailsAndLog() {
        DcpException e = new DcpException(ErrorCode.CRIU_FAILED, "CRIU could not checkpoint", "use -tcp",
                List.of("(00.1) Error (sk-inet.c:1): inet: Connected TCP socket"), Path.of("/tmp/l/dump.log"), null);
        Message.Error m = Message.Error.of("7", e);
        assertEquals("CRIU_FAILED", m.code());
        assertEquals("use -tcp", m.hint());
        assertEquals(1, m.details().size());
        assertEquals("/tmp/l/dump.log", m.logFile());
    }

    @Test
    void logReportCarriesItsListedLinesAndReadsOneWithout(@TempDir Path tmp) throws Exception {
        LogReport r = LogReport.of(CriuLogAnalyzer.analyze(ComposedLogs.lostProcessDump(tmp)));
        String json = Protocol.line(r);
        assertTrue(json.length() < Protocol.MAX_LINE_BYTES);
        assertEquals(r, Protocol.lenient().readValue(json, LogReport.class));
        // a report from a helper written before the lists
        ObjectNode old = (ObjectNode) Protocol.strict().readTree(json);
        old.remove("errors");
        old.remove("warnings");
        LogReport fromOld = Protocol.lenient().treeToValue(old, LogReport.class);
        assertTrue(fromOld.warnings().isEmpty());
        assertEquals(1, fromOld.warningsNotShown());
    }

    @Test
    void doctorItemsCarryTheirStatusAndOldOnesGetOneFromOk() throws Exception {
        DoctorReport r = new DoctorReport(List.of(
                new DoctorReport.Item("docker", "Docker engine reachable", true, "Docker 29.0", ""),
                DoctorReport.Item.warnUnless(false, "cap-sys-resource", "CAP_SYS_RESOURCE in root's bounding set",
                        "root lacks CAP_SYS_RESOURCE", "run container processes as root"),
                new DoctorReport.Item("criu", "CRIU 4.2 or newer", false, "not on PATH", "install CRIU")));
        JsonNode json = Protocol.strict().valueToTree(r);
        assertEquals("WARN", json.path("items").path(1).path("status").asText());
        assertFalse(json.path("items").path(1).path("ok").asBoolean(true), "older clients see a warning as not ok");
        assertEquals(r, Protocol.lenient().treeToValue(json, DoctorReport.class));
        // from a helper that knows only ok
        DoctorReport old = Protocol.lenient().readValue("{\"items\":[{\"id\":\"a\",\"title\":\"A\",\"ok\":true,"
                + "\"detail\":\"\",\"fix\":\"\"},{\"id\":\"b\",\"title\":\"B\",\"ok\":false,\"detail\":\"\","
                + "\"fix\":\"f\"}]}", DoctorReport.class);
        assertEquals(DoctorReport.Status.OK, old.items().get(0).status());
        assertEquals(DoctorReport.Status.FAIL, old.items().get(1).status());
        assertThrows(IllegalArgumentException.class, () -> new DoctorReport.Item("x", "X", true, "", "",
                DoctorReport.Status.WARN));
    }
}
