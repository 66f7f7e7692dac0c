package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a short command line costs the helper: hellos answered from the doctor's recent report, quiet operations. */
class HelperStartupCostTest {
    @TempDir
    Path dir;
    HelperHarness helper;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    @Test
    void hellosShareTheDoctorsRecentReportWhileTheDoctorRequestRunsItAgain() throws Exception {
        try (var c = helper.connect()) {
            for (int i = 0; i < 3; i++) {
                JsonNode hello = c.ask("{\"type\":\"hello\",\"id\":\"h" + i + "\",\"protocolVersion\":1}");
                assertEquals("fake", hello.path("value").path("capabilities").path("items").path(0).path("id")
                        .asText(), hello.toString());
            }
        }
        try (var c = helper.connect()) {
            c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1}");
        }
        // the helper's own report at its start, or the first hello's: the later hellos ran no checks
        int afterHellos = helper.engine.doctors.get();
        assertTrue(afterHellos >= 1 && afterHellos <= 2, "doctor ran " + afterHellos + " times for four hellos");
        try (var c = helper.connect()) {
            JsonNode doctor = c.ask("{\"type\":\"doctor\",\"id\":\"d\"}");
            assertEquals("fake", doctor.path("value").path("items").path(0).path("id").asText(), doctor.toString());
        }
        assertEquals(afterHellos + 1, helper.engine.doctors.get(), "the doctor request checks again");
    }

    @Test
    void aBriefHelloLeavesWhatTheHostCanDoOut() throws Exception {
        try (var c = helper.connect()) {
            JsonNode hello = c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1,\"brief\":true}");
            assertEquals("result", hello.path("type").asText(), hello.toString());
            assertTrue(hello.path("value").path("capabilities").isNull(), hello.toString());
            assertEquals("default", hello.path("value").path("engine").asText(), hello.toString());
            assertEquals(helper.config.baseDirs().get(0).toString(),
                    hello.path("value").path("baseDirs").path(0).asText());
        }
    }

    @Test
    void aQuietCheckpointSendsNoneOfCriusLogLinesAndALoudOneSendsThem() throws Exception {
        for (boolean quiet : new boolean[] {true, false}) {
            try (var c = helper.connect()) {
                c.ask("{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":1}");
                c.send("{\"type\":\"checkpoint\",\"id\":\"c\",\"container\":\"chatty-" + quiet + "\",\"dir\":\""
                        + helper.config.defaultBaseDir() + "\"" + (quiet ? ",\"quiet\":true" : "") + "}");
                int logs = 0;
                while (true) {
                    JsonNode m = c.next(Duration.ofSeconds(30));
                    if (m == null) {
                        throw new AssertionError("no answer to the checkpoint");
                    }
                    if ("log".equals(m.path("type").asText())) {
                        logs++;
                    } else if ("result".equals(m.path("type").asText())) {
                        break;
                    }
                }
                if (quiet) {
                    assertEquals(0, logs, "log lines of a quiet checkpoint");
                } else {
                    assertTrue(logs > 0, "no log lines without quiet");
                }
            }
        }
    }
}
