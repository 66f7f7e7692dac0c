package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.CriuStats;
import dev.dockercheckpoint.protocol.JsonLines;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's restore report read field by field from the helper's answer gives what binding it gives. */
class RestoreReportTest {
    @Test
    void theHelpersRecordedAnswerReadsAsItsBindingDoes() throws Exception {
        List<String> recorded = StartupTrainingCommand.replies().get("restore");
        JsonNode value = JsonLines.tree(recorded.getLast()).path("value");
        RestoreReport fromTree = RestoreReport.of(value);
        assertEquals(RestoreReport.of(Protocol.lenient().treeToValue(value, RestoreResult.class)), fromTree);
        assertEquals("demo-rec", fromTree.containerName());
        assertEquals(5, fromTree.verification().checks().size());
    }

    @Test
    void everyFieldAndItsAbsenceReadAsBindingReadsThem() throws Exception {
        CriuStats stats = new CriuStats("restore", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, 1200L, 45_600L, null, null, 77L);
        VerificationReport checks = new VerificationReport("app-restored", List.of(
                new CheckResult("Container status", true, "running", Duration.ofMillis(3)),
                new CheckResult("Logs available", false, "no log", Duration.ofNanos(1_234_567))));
        for (RestoreResult r : List.of(
                new RestoreResult("app-restored", "0123456789abcdef", Path.of("/d/app/cp/restore.log"),
                        Map.of("total", 812L), checks, stats, List.of("made without checksums")),
                new RestoreResult("b", "fedcba9876543210", null, Map.of(), new VerificationReport("b", List.of()),
                        null))) {
            JsonNode tree = JsonLines.tree(Protocol.strict().writeValueAsString(r));
            assertEquals(RestoreReport.of(r), RestoreReport.of(tree), tree.toString());
        }
        RestoreReport bare = RestoreReport.of(JsonLines.tree("{\"containerName\":\"b\",\"containerId\":\"x\","
                + "\"verification\":{\"container\":\"b\",\"checks\":[]}}"));
        assertNull(bare.restoreTimeUs());
        assertEquals(0, bare.totalMillis());
    }
}
