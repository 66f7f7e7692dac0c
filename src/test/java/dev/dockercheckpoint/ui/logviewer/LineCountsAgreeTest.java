package dev.dockercheckpoint.ui.logviewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.CriuLogParser;
import dev.dockercheckpoint.core.criulog.LineClassifier;
import dev.dockercheckpoint.core.criulog.LogAnalysis;
import dev.dockercheckpoint.core.criulog.LogLine;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser, the analyzer (behind explain, the helper and the diagnosis banner) and the log viewer's
 * document count the same Error and Warn lines, and call the same ones known harmless: all three ask
 * {@link LineClassifier}.
 */
class LineCountsAgreeTest {
    private static final Path LOGS = Path.of("src/test/resources/criulogs");

    @TempDir
    Path dir;

    /** Counts of one log as one reader saw them. */
    record Counts(long errors, long warnings, long harmlessErrors, long harmlessWarnings) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-success-locks.log", "dump-tcp-without-flag.log",
        "dump-file-locks-without-flag.log", "restore-success-tcp.log", "restore-tcp-without-flag.log",
        "restore-missing-file.log", "predump-runc-output.txt"})
    void capturedLogsCountAlike(String name) throws Exception {
        assertAgree(LOGS.resolve(name));
    }

    /**
     * A restore log with everything that used to be counted differently: the restorer's {@code pie:}
     * lines, lines without timestamps, runc's logrus lines, a one-space "Warn (", the cgroupd line
     * that is harmless only after "Restoring FAILED.", and the harmless RLIMIT_NOFILE line next to a
     * "Can't get rlimit" that is not.
     */
    @Test
    void linesOfEveryShapeCountAlike() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(LOGS.resolve("restore-missing-file.log")));
        int failed = indexOf(lines, "Restoring FAILED.");
        lines.addAll(failed, List.of(
                "(00.160200) pie: 1: Error (criu/pie/restorer.c:1900): Can't restore",
                "pie: 1: Error (criu/pie/restorer.c:1901): Unable to restore a thread",
                "Error (criu/files.c:1221): Unable to open fd=4 id=0x6",
                "     1: Error (criu/files.c:1221): Unable to open fd=5 id=0x7",
                "(00.160300) Warn (criu/seize.c:404): Unexpected process 4321 in the freezer cgroup (status 0x137f)",
                "(00.160400) Error (criu/cr-dump.c:388): Can't get rlimit 0: Operation not permitted",
                "(00.160500) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory",
                "time=\"2026-11-28T13:03:40Z\" level=warning msg=\"criu failed: type NOTIFY errno 0\"",
                "time=\"2026-11-28T13:03:40Z\" level=info msg=\"Error (criu/x.c:1): quoted, not a level\"",
                "(00.160600) mnt: Error in a path is only text"));
        lines.add("time=\"2026-11-28T13:03:41Z\" level=error msg=\"criu failed: type RESTORE errno 0\"");
        Path log = Files.write(dir.resolve("restore.log"), lines, StandardCharsets.UTF_8);
        Counts counts = assertAgree(log);
        // the cgroupd line before the failure counts, the one after it (from the captured log) is harmless
        assertEquals(2, counts.harmlessErrors(), counts.toString());
        assertTrue(counts.errors() >= 11 && counts.warnings() >= 3, counts.toString());
    }

    private Counts assertAgree(Path log) throws Exception {
        Counts parsed = parserCounts(log);
        LogAnalysis a = CriuLogAnalyzer.analyze(log);
        Counts analyzed = new Counts(a.errorCount(), a.warningCount(), a.harmlessErrorCount(), a.harmlessWarningCount());
        LogDocument doc = new LogDocument(new FileLogSource(log), log.getFileName().toString(), 100, 50, 200);
        try {
            doc.start().whenIndexed().get(30, TimeUnit.SECONDS);
            Counts viewed = new Counts(doc.errorCount(), doc.warningCount(), doc.harmlessErrorCount(),
                    doc.harmlessWarningCount());
            assertEquals(parsed, analyzed, "parser and analyzer on " + log.getFileName());
            assertEquals(parsed, viewed, "parser and log viewer on " + log.getFileName());
            assertArrayEquals(parserLines(log, true), doc.errorLines(), "the same Error lines");
            assertArrayEquals(parserLines(log, false), doc.warningLines(), "the same Warn lines");
        } finally {
            doc.close();
        }
        // what the diagnosis shows as "not known to be harmless" is what the viewer leaves unmarked
        assertEquals(a.realErrorCount(), doc.errorCount() - doc.harmlessErrorCount());
        assertEquals(a.realWarningCount(), doc.warningCount() - doc.harmlessWarningCount());
        return parsed;
    }

    private static Counts parserCounts(Path log) throws IOException {
        long[] n = new long[4];
        LineClassifier classifier = new LineClassifier();
        try (Reader in = CriuLogParser.reader(Files.newInputStream(log))) {
            CriuLogParser.parse(in, line -> {
                LineClassifier.Classification c = classifier.classify(line);
                if (c.isError()) {
                    n[0]++;
                    n[2] += c.isHarmless() ? 1 : 0;
                } else if (c.isWarning()) {
                    n[1]++;
                    n[3] += c.isHarmless() ? 1 : 0;
                }
                return true;
            });
        }
        return new Counts(n[0], n[1], n[2], n[3]);
    }

    /** 0-based indexes of the parser's Error (or Warn) lines, as the document numbers them. */
    private static int[] parserLines(Path log, boolean errors) throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Reader in = CriuLogParser.reader(Files.newInputStream(log))) {
            CriuLogParser.parse(in, (LogLine line) -> {
                if (errors ? line.isError() : line.isWarning()) {
                    found.add((int) line.number() - 1);
                }
                return true;
            });
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new IllegalStateException("no line with " + text);
    }
}
