package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CRIU's logs on cgroup v2: dump-success-cgroup2.log and restore-success-cgroup2.log were made by
 * docker-checkpoint with runc 1.3.6 and CRIU 4.2.1 against Docker 28.5 in cgroup v2 mode
 * (scripts/setup-cgroup2-engine: the cgroup2 hierarchy at /sys/fs/cgroup, containers in
 * /dcp-cgroup2/<id>). CRIU says {@code Detected cgroup V2 freezer} and writes
 * {@code cgroup.freeze=1} where cgroup v1 writes {@code freezer.state=FREEZING/FROZEN}.
 */
class Cgroup2LogsTest {
    private static final Path LOGS = CriuLogParserTest.LOGS;

    private static LogAnalysis analyze(String... lines) throws IOException {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return new CriuLogAnalyzer().analyze(new ByteArrayInputStream(bytes));
    }

    private static List<Phase> phases(LogAnalysis a) {
        return a.phases().stream().map(PhaseTiming::phase).toList();
    }

    @Test
    void aCgroupV2DumpSucceedsWithTheWholeTimeline() throws IOException {
        LogAnalysis a = CriuLogAnalyzer.analyze(LOGS.resolve("dump-success-cgroup2.log"));
        assertEquals(LogKind.DUMP, a.kind());
        assertEquals(Verdict.SUCCESS, a.verdict());
        assertNull(a.decisiveLine());
        assertEquals(a.errorCount(), a.harmlessErrorCount());
        assertEquals(a.warningCount(), a.harmlessWarningCount());
        assertEquals(List.of(Phase.PREPARING, Phase.FREEZING, Phase.DUMPING_PROCESSES, Phase.DUMPING_FILES,
                Phase.DUMPING_MEMORY, Phase.UNFREEZING, Phase.FINISHING), phases(a));
        // line 153: freezing cgroup /sys/fs/cgroup/dcp-cgroup2/<id>; line 154: cgroup.freeze=1
        assertEquals(0.074455, a.phases().get(1).start(), 1e-9);
    }

    @Test
    void aCgroupV2RestoreSucceeds() throws IOException {
        LogAnalysis a = CriuLogAnalyzer.analyze(LOGS.resolve("restore-success-cgroup2.log"));
        assertEquals(LogKind.RESTORE, a.kind());
        assertEquals(Verdict.SUCCESS, a.verdict());
        assertNull(a.decisiveLine());
        assertEquals(a.errorCount(), a.harmlessErrorCount());
        assertEquals(a.warningCount(), a.harmlessWarningCount());
        assertEquals(List.of(Phase.PREPARING, Phase.FORKING, Phase.RESTORING_RESOURCES, Phase.RESUMING,
                Phase.FINISHING), phases(a));
    }

    @Test
    void eitherFreezerLineStartsFreezing() throws IOException {
        for (String freezer : new String[] {"freezer.state=FROZEN", "cgroup.freeze=1"}) {
            LogAnalysis a = analyze(
                    "(00.000001) Version: 4.2.1 (gitid 0)",
                    "(00.000600) Dumping processes (pid: 1 comm: sh)",
                    "(00.010000) " + freezer,
                    "(00.020000) Dumping task (pid: 1)",
                    "(00.030000) Dumping finished successfully");
            assertEquals(List.of(Phase.PREPARING, Phase.FREEZING, Phase.DUMPING_PROCESSES, Phase.FINISHING),
                    phases(a), freezer);
            assertEquals(0.010000, a.phases().get(1).start(), 1e-9, freezer);
        }
    }

    @Test
    void theCgroupV2FreezerFileInOtherLinesIsNoMarker() throws IOException {
        // dump.log line 606, while CRIU dumps the cgroup's properties after the tasks
        LogAnalysis a = analyze(
                "(00.000600) Dumping processes (pid: 1 comm: sh)",
                "(00.020000) Dumping task (pid: 1)",
                "(00.096924) cg: Dumping value 0 from /proc/self/fd/18/dcp-cgroup2/d2ec/cgroup.freeze",
                "(00.300000) Dumping finished successfully");
        assertTrue(!phases(a).contains(Phase.FREEZING), a.phases().toString());
    }
}
