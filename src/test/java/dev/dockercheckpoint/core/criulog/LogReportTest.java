package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report the helper sends to the GUI: the lines not known to be harmless travel with it. */
class LogReportTest {
    @TempDir
    Path tmp;

    @Test
    void warningsAreListedNotOnlyCounted() throws Exception {
        LogReport r = LogReport.of(CriuLogAnalyzer.analyze(ComposedLogs.lostProcessDump(tmp)));
        assertEquals(Verdict.SUCCESS, r.verdict());
        assertEquals(1, r.warningCount());
        assertEquals(1, r.warnings().size());
        LogReport.Notice n = r.warnings().get(0);
        assertEquals(ComposedLogs.LOST_PROCESS_LINE, n.number());
        assertTrue(n.text().contains("Warn  (criu/seize.c:404): Unexpected process 30012"), n.text());
        assertEquals(0, r.warningsNotShown());
        assertEquals("lost-process", n.patternId());
        assertEquals("Process left out of the checkpoint (docker exec)", n.title());
        assertTrue(n.fix().contains("-allow-lost-processes"), n.fix());
        assertEquals(0, r.errorCount(), "the rlimit line is harmless");
        assertTrue(r.errors().isEmpty());
    }

    @Test
    void listsAreCappedAndTheRestCounted() throws Exception {
        LogReport r = LogReport.of(CriuLogAnalyzer.analyze(ComposedLogs.manyWarningsDump(tmp, 25)));
        assertEquals(25, r.warningCount());
        assertEquals(LogReport.MAX_SHOWN, r.warnings().size());
        assertEquals(5, r.warningsNotShown());
        assertEquals(2, r.warnings().get(0).number());
        assertEquals(LogReport.MAX_SHOWN + 1, r.warnings().get(LogReport.MAX_SHOWN - 1).number());
    }

    @Test
    void longLinesAreCut() throws Exception {
        List<String> lines = new ArrayList<>(List.of("(00.000100) Dumping processes (pid: 1 comm: sh)"));
        lines.add("(00.000200) Warn  (criu/files-reg.c:1881): Can't link /" + "x".repeat(5000) + " -> /y");
        lines.add("(00.300000) Dumping finished successfully");
        LogReport r = LogReport.of(CriuLogAnalyzer.analyze(Files.write(tmp.resolve("dump.log"), lines)));
        String text = r.warnings().get(0).text();
        assertEquals(LogReport.MAX_TEXT + 1, text.length());
        assertTrue(text.endsWith("\u2026"));
        assertNull(r.warnings().get(0).patternId());
    }
}
