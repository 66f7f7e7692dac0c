package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CriuLogAnalyzerTest {
    private static final Path LOGS = CriuLogParserTest.LOGS;
    private static final String RLIMIT = "(00.000500) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for"
            + " self: Operation not permitted";

    @TempDir
    Path tmp;

    private static LogAnalysis real(String name) throws IOException {
        return CriuLogAnalyzer.analyze(LOGS.resolve(name));
    }

    /** Analyses {@code lines} from a file and from a stream that returns a few bytes per read; both must agree. */
    private LogAnalysis analyze(List<String> lines) throws IOException {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = tmp.resolve("log-" + System.nanoTime());
        Files.write(file, bytes);
        LogAnalysis fromFile = CriuLogAnalyzer.analyze(file);
        LogAnalysis fromStream = new CriuLogAnalyzer().analyze(new Trickle(new ByteArrayInputStream(bytes), 7));
        assertSame(fromFile, fromStream);
        return fromFile;
    }

    private static void assertSame(LogAnalysis a, LogAnalysis b) {
        assertEquals(a.kind(), b.kind());
        assertEquals(a.verdict(), b.verdict());
        assertEquals(a.lineCount(), b.lineCount());
        assertEquals(a.errorCount(), b.errorCount());
        assertEquals(a.warningCount(), b.warningCount());
        assertEquals(a.decisiveContext(), b.decisiveContext());
        assertEquals(a.phases(), b.phases());
        assertEquals(a.endTime(), b.endTime());
        assertEquals(a.diagnosis(), b.diagnosis());
    }

    /** An input stream that hands out at most {@code n} bytes per read, to cross every buffer boundary. */
    private static final class Trickle extends FilterInputStream {
        private final int n;

        Trickle(InputStream in, int n) {
            super(in);
            this.n = n;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, n));
        }
    }

    // ------------------------------------------------------------------ the captured logs

    @Test
    void tcpDumpWithoutTheFlagIsTheTcpPattern() throws IOException {
        LogAnalysis a = real("dump-tcp-without-flag.log");
        assertEquals(LogKind.DUMP, a.kind());
        assertEquals(Verdict.FAILURE, a.verdict());
        assertEquals(1167, a.decisiveLine().number());
        assertTrue(a.decisiveLine().message().contains("Connected TCP socket"));
        assertEquals("tcp-established", a.match().pattern().id());
        assertEquals("Dumping FAILED.", a.verdictLine().message());
        assertEquals(1189, a.verdictLine().number());
        Diagnosis d = a.diagnosis();
        assertEquals(Verdict.FAILURE, d.verdict());
        assertEquals("tcp-established", d.patternId());
        assertEquals("-tcp", d.option());
        assertEquals(FixKind.OPTION, d.fixKind());
        // 5 lines before, the line, 2 after, in order
        assertEquals(List.of(1162L, 1163L, 1164L, 1165L, 1166L, 1167L, 1168L, 1169L),
                d.decisiveLines().stream().map(LogLine::number).toList());
        assertTrue(d.decisiveLines().get(4).message().startsWith("sockets: Searching for socket 0x49394"));
        assertEquals(4, a.errorCount());
        assertEquals(1, a.harmlessErrorCount());
        assertEquals(2, a.warningCount());
        assertEquals(2, a.harmlessWarningCount());
        assertEquals(3, a.errors().size(), "the rlimit noise is not a real error");
    }

    @Test
    void warningsNotKnownToBeHarmlessAreKeptWithTheirLines() throws IOException {
        LogAnalysis a = CriuLogAnalyzer.analyze(ComposedLogs.lostProcessDump(tmp));
        assertEquals(Verdict.SUCCESS, a.verdict());
        assertEquals(1, a.realWarningCount());
        assertEquals(1, a.warnings().size());
        LogLine w = a.warnings().get(0).line();
        assertEquals(ComposedLogs.LOST_PROCESS_LINE, w.number());
        assertTrue(w.message().startsWith("Unexpected process 30012 in the freezer cgroup"), w.message());
        assertTrue(a.diagnosis().explanation().contains("1 warning not known to be harmless"),
                a.diagnosis().explanation());
        // the harmless ones are counted, not kept
        assertTrue(a.warnings().stream().noneMatch(n -> a.isHarmless(n.line())));

        LogAnalysis many = CriuLogAnalyzer.analyze(ComposedLogs.manyWarningsDump(tmp, CriuLogAnalyzer.MAX_WARNINGS + 10));
        assertEquals(CriuLogAnalyzer.MAX_WARNINGS + 10, many.realWarningCount());
        assertEquals(CriuLogAnalyzer.MAX_WARNINGS, many.warnings().size());
        assertEquals(2, many.warnings().get(0).line().number());
    }

    @Test
    void aLostProcessIsExplainedBesideItsWarning() throws IOException {
        LogAnalysis a = CriuLogAnalyzer.analyze(ComposedLogs.lostProcessDump(tmp));
        assertEquals(Verdict.SUCCESS, a.verdict());
        NotableLine w = a.warnings().get(0);
        assertEquals("lost-process", w.match().pattern().id());
        assertTrue(w.match().explanation().contains("Process 30012"), w.match().explanation());
    }

    @Test
    void aLostProcessIsNeverTheCauseOfAFailure() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(ComposedLogs.lostProcessDump(tmp)));
        lines.add("(00.200000) Error (criu/cr-dump.c:1700): Something CRIU never printed before");
        lines.add("(00.200100) Error (criu/cr-dump.c:1975): Dumping FAILED.");
        LogAnalysis a = analyze(lines);
        assertEquals(Verdict.FAILURE, a.verdict());
        assertNull(a.match(), "the warning explains itself, not the failure");
        assertTrue(a.diagnosis().title().endsWith("unknown cause"), a.diagnosis().title());
        assertEquals("lost-process", a.warnings().get(0).match().pattern().id());
    }

    @Test
    void unreadableLimitsOfAnotherUidAreTheCapabilityPattern() throws IOException {
        LogAnalysis a = CriuLogAnalyzer.analyze(ComposedLogs.rlimitDump(tmp));
        assertEquals(Verdict.FAILURE, a.verdict());
        assertEquals(ComposedLogs.RLIMIT_LINE, a.decisiveLine().number());
        assertEquals("rlimit-permission", a.match().pattern().id());
        assertEquals(1, a.harmlessErrorCount(), "CRIU's own RLIMIT_NOFILE line stays harmless");
        assertEquals(List.of("rlimit-nofile", "interrupted-syscall"), a.harmlessSeen());
        assertEquals(3, a.realErrorCount());
        assertTrue(a.diagnosis().fix().contains("CapBnd"), a.diagnosis().fix());
    }

    @Test
    void fileLocksDumpWithoutTheFlagIsTheLocksPattern() throws IOException {
        Diagnosis d = real("dump-file-locks-without-flag.log").diagnosis();
        assertEquals("file-locks", d.patternId());
        assertEquals(802, d.decisiveLine().number());
        assertEquals("-file-locks", d.option());
    }

    @Test
    void missingFileAtRestoreNamesTheFile() throws IOException {
        LogAnalysis a = real("restore-missing-file.log");
        assertEquals(LogKind.RESTORE, a.kind());
        assertEquals(Verdict.FAILURE, a.verdict());
        Diagnosis d = a.diagnosis();
        assertEquals("missing-file", d.patternId());
        assertEquals(656, d.decisiveLine().number());
        assertTrue(d.explanation().contains("tmp/lockfile"), d.explanation());
        assertTrue(d.fix().contains("tmp/lockfile"), d.fix());
        assertEquals(2, a.harmlessErrorCount(), "rlimit and the cgroupd line after the failure");
        assertEquals(List.of("rlimit-nofile", "clone-parent-newpid", "cgroupd-recv"), a.harmlessSeen());
        assertTrue(a.errors().stream().noneMatch(l -> l.message().contains("cgroupd")));
        assertEquals(660, a.verdictLine().number());
    }

    @Test
    void tcpRestoreWithoutTheFlagIsTheRestoreTcpPattern() throws IOException {
        LogAnalysis a = real("restore-tcp-without-flag.log");
        Diagnosis d = a.diagnosis();
        assertEquals(LogKind.RESTORE, a.kind());
        assertEquals("tcp-in-image", d.patternId());
        assertEquals(1083, d.decisiveLine().number());
        assertEquals(8, d.decisiveLine().pid());
        assertEquals(8, d.decisiveLines().size());
    }

    @Test
    void runcRefusingAPreDumpIsDirtyTracking() throws IOException {
        LogAnalysis a = real("predump-runc-output.txt");
        assertTrue(a.isCriuLog());
        assertEquals(Verdict.FAILURE, a.verdict());
        assertEquals(LogKind.UNKNOWN, a.kind());
        Diagnosis d = a.diagnosis();
        assertEquals("dirty-tracking-off", d.patternId());
        assertEquals(FixKind.KERNEL, d.fixKind());
        assertEquals(1, d.decisiveLine().number());
        assertTrue(a.phases().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-success-locks.log", "restore-success-tcp.log"})
    void successLogsSucceedAndTheRlimitNoiseIsNeverChosen(String name) throws IOException {
        LogAnalysis a = real(name);
        assertEquals(Verdict.SUCCESS, a.verdict());
        assertNull(a.decisiveLine(), "no real error in a successful run");
        assertTrue(a.errors().isEmpty());
        assertNull(a.match());
        assertEquals(a.errorCount(), a.harmlessErrorCount());
        assertEquals(a.warningCount(), a.harmlessWarningCount());
        assertEquals("rlimit-nofile", a.harmlessSeen().get(0), "the first harmless line is the rlimit one");
        assertEquals(2, a.harmlessSeen().size(), a.harmlessSeen().toString());
        Diagnosis d = a.diagnosis();
        assertEquals(Verdict.SUCCESS, d.verdict());
        assertTrue(d.decisiveLine().message().contains("finished successfully"), d.decisiveLine().text());
        assertTrue(d.explanation().contains("known to be harmless"), d.explanation());
        assertEquals("", d.fix());
        assertNull(d.fixKind());
    }

    @Test
    void dumpTimelineIsInTimeOrderAndAddsUp() throws IOException {
        LogAnalysis a = real("dump-success-tcp.log");
        assertEquals(LogKind.DUMP, a.kind());
        List<Phase> order = a.phases().stream().map(PhaseTiming::phase).toList();
        assertEquals(List.of(Phase.PREPARING, Phase.FREEZING, Phase.DUMPING_PROCESSES, Phase.DUMPING_FILES,
                Phase.DUMPING_MEMORY, Phase.UNFREEZING, Phase.FINISHING), order);
        assertTimeline(a);
        PhaseTiming freezing = a.phases().get(1);
        assertEquals(0.067372, freezing.start(), 1e-9, "freezing starts at 'freezing cgroup'");
        assertEquals(0.176936, freezing.end(), 1e-9, "and ends when the first task is dumped");
        PhaseTiming unfreezing = a.phases().get(5);
        assertEquals(0.284274, unfreezing.start(), 1e-9, "net: Unlock network");
        assertEquals(0.354161, a.endTime(), 1e-9);
        assertEquals(0.0, a.startTime(), 1e-9);
    }

    @Test
    void restoreTimelineIsInTimeOrderAndAddsUp() throws IOException {
        LogAnalysis a = real("restore-success-tcp.log");
        List<Phase> order = a.phases().stream().map(PhaseTiming::phase).toList();
        assertEquals(List.of(Phase.PREPARING, Phase.FORKING, Phase.RESTORING_RESOURCES, Phase.RESUMING,
                Phase.FINISHING), order);
        assertTimeline(a);
        assertEquals(0.058376, a.phases().get(1).start(), 1e-9, "Forking task with 1 pid");
        assertEquals(0.204378, a.phases().get(2).start(), 1e-9, "first Restoring resources");
        assertEquals(0.209725, a.phases().get(3).start(), 1e-9, "Running post-restore scripts");
        assertEquals(0.281030, a.phases().get(4).start(), 1e-9, "Restore finished successfully");
    }

    private static void assertTimeline(LogAnalysis a) {
        double previous = -1;
        double total = 0;
        for (PhaseTiming p : a.phases()) {
            assertTrue(p.start() >= previous, p + " after " + previous);
            assertTrue(p.end() >= p.start(), p.toString());
            assertTrue(p.duration() >= 0 && p.duration() <= p.end() - p.start() + 1e-9, p.toString());
            previous = p.start();
            total += p.duration();
        }
        assertEquals(a.endTime() - a.startTime(), total, 1e-6, "the phases cover the whole run exactly once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-success-locks.log", "dump-tcp-without-flag.log",
            "dump-file-locks-without-flag.log", "restore-success-tcp.log", "restore-missing-file.log",
            "restore-tcp-without-flag.log", "predump-runc-output.txt"})
    void countsAgreeWithTheLineParser(String name) throws IOException {
        long[] counts = new long[3];
        CriuLogParser.parse(Files.newInputStream(LOGS.resolve(name)), l -> {
            counts[0]++;
            if (l.isError()) {
                counts[1]++;
            }
            if (l.isWarning()) {
                counts[2]++;
            }
            return true;
        });
        LogAnalysis a = real(name);
        assertEquals(counts[0], a.lineCount());
        assertEquals(counts[1], a.errorCount());
        assertEquals(counts[2], a.warningCount());
        // and a stream trickling a few bytes at a time gives the same analysis
        try (InputStream in = new Trickle(Files.newInputStream(LOGS.resolve(name)), 13)) {
            assertSame(a, new CriuLogAnalyzer().analyze(in));
        }
    }

    // ------------------------------------------------------------------ synthetic logs

    @Test
    void aSummaryIsDecisiveOnlyWhenNothingElseIs() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000001) Version: 4.2.1 (gitid 0)",
                RLIMIT,
                "(00.000600) Dumping processes (pid: 1 comm: sh)",
                "(00.100000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        assertEquals(Verdict.FAILURE, a.verdict());
        assertEquals(4, a.decisiveLine().number());
        Diagnosis d = a.diagnosis();
        assertNull(d.patternId());
        assertEquals(FixKind.UNKNOWN, d.fixKind());
        assertTrue(d.title().contains("unknown cause"), d.title());
        assertTrue(d.explanation().contains("line 4"), d.explanation());
        assertEquals(List.of(1L, 2L, 3L, 4L), d.decisiveLines().stream().map(LogLine::number).toList());
    }

    @Test
    void anUnknownErrorGetsTheGenericExplanation() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000600) Dumping processes (pid: 1 comm: sh)",
                "(00.050000) Error (criu/foo.c:1): foo: something new went wrong",
                "(00.060000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        Diagnosis d = a.diagnosis();
        assertEquals(2, d.decisiveLine().number());
        assertTrue(d.explanation().contains("something new went wrong"));
        assertEquals("Dump failed: unknown cause", d.title());
    }

    @Test
    void theCgroupdLineIsNoiseOnlyAfterAFailedRestore() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000100) Reading image tree",
                "(00.100000) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory",
                "(00.200000) Restore finished successfully. Tasks resumed."));
        assertEquals(2, a.decisiveLine().number());
        assertEquals(0, a.harmlessErrorCount());
    }

    @Test
    void aLaterPatternExplainsAnUnknownFirstError() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000100) Reading image tree",
                "(00.100000)      1: Error (criu/files.c:1): something unknown",
                "(00.100100)      1: Error (criu/files-reg.c:2353): Can't open file etc/app.conf on restore: No such"
                        + " file or directory",
                "(00.200000) Error (criu/cr-restore.c:2331): Restoring FAILED."));
        assertEquals(2, a.decisiveLine().number());
        assertEquals("missing-file", a.diagnosis().patternId());
        assertEquals(2, a.diagnosis().decisiveLine().number(), "the decisive line stays the first error");
    }

    @Test
    void preDumpIsRecognisedAndDirtyTrackingDiagnosed() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000000) Enforcing memory tracking for pre-dump.",
                "(00.008892) Reset 30136's dirty tracking",
                "(00.008949) Dirty tracking support is OFF",
                "(00.008950) Error (criu/kerndat.c:502): Tracking memory is not available",
                "(00.009000) Error (criu/cr-dump.c:1700): Pre-dumping FAILED."));
        assertEquals(LogKind.PRE_DUMP, a.kind());
        assertEquals(4, a.decisiveLine().number());
        assertEquals("dirty-tracking-off", a.diagnosis().patternId());
    }

    @Test
    void aLogWithoutResultIsIncompleteAndShowsItsLastLines() throws IOException {
        List<String> lines = Files.readAllLines(LOGS.resolve("dump-success-tcp.log")).subList(0, 1000);
        LogAnalysis a = analyze(lines);
        assertEquals(Verdict.INCOMPLETE, a.verdict());
        assertNull(a.decisiveLine());
        Diagnosis d = a.diagnosis();
        assertEquals(Verdict.INCOMPLETE, d.verdict());
        assertEquals(List.of(996L, 997L, 998L, 999L, 1000L), d.decisiveLines().stream().map(LogLine::number).toList());
        assertEquals(lines.get(999), d.decisiveLines().get(4).text());
    }

    @Test
    void emptyAndForeignInputIsNotACriuLog() throws IOException {
        assertFalse(new CriuLogAnalyzer().analyze(new ByteArrayInputStream(new byte[0])).isCriuLog());
        LogAnalysis text = new CriuLogAnalyzer().analyze(new ByteArrayInputStream("hello\nworld\n".getBytes()));
        assertFalse(text.isCriuLog());
        assertEquals(2, text.lineCount());
        assertFalse(CriuLogAnalyzer.analyze(LOGS.resolve("stats-dump")).isCriuLog());
    }

    @Test
    void oddPrefixesAreClassifiedAsTheLineParserDoes() throws IOException {
        List<String> lines = List.of(
                "(1.2.3) Error (criu/x.c:1): not a timestamp, so not an Error line",
                "(00.000100) Error (criu/x.c:1): real",
                "(00.000200)      7: Warn  (criu/x.c:2): with pid",
                "(00.000300) Warn (criu/x.c:3): one space",
                "(00.000400) Error (no source",
                "(00.000500) Errors (criu/x.c:4): not the tag");
        LogAnalysis a = analyze(lines);
        long errors = 0;
        long warnings = 0;
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = CriuLogParser.parseLine(i + 1, lines.get(i));
            errors += l.isError() ? 1 : 0;
            warnings += l.isWarning() ? 1 : 0;
        }
        assertEquals(2, errors);
        assertEquals(2, warnings);
        assertEquals(errors, a.errorCount());
        assertEquals(warnings, a.warningCount());
        assertEquals(5, a.criuLineCount());
    }

    @Test
    void crlfAndAMissingLastNewlineAreHandled() throws IOException {
        byte[] bytes = ("(00.000100) Dumping processes (pid: 1 comm: sh)\r\n" + RLIMIT + "\r\n"
                + "(00.100000) Dumping finished successfully").getBytes(StandardCharsets.UTF_8);
        LogAnalysis a = new CriuLogAnalyzer().analyze(new ByteArrayInputStream(bytes));
        assertEquals(3, a.lineCount());
        assertEquals(Verdict.SUCCESS, a.verdict());
        assertEquals(1, a.harmlessErrorCount());
        assertEquals("Dumping finished successfully", a.verdictLine().text().substring(12));
    }

    @Test
    void contextBeforeTheErrorSurvivesBufferRefills() throws IOException {
        // filler up to just past the 1 MiB buffer, so the lines before the error were read in the previous fill
        List<String> lines = new ArrayList<>();
        lines.add("(00.000000) Dumping processes (pid: 1 comm: sh)");
        long size = lines.get(0).length() + 1;
        int i = 0;
        while (size < LineScanner.BUFFER_SIZE + 30) {
            String l = String.format("(00.%06d) filler line number %07d", i % 1_000_000, i++);
            lines.add(l);
            size += l.length() + 1;
        }
        lines.add("(01.000000) Error (criu/sk-inet.c:200): inet: Connected TCP socket, consider using --tcp-established"
                + " option.");
        lines.add("(01.000001) after one");
        lines.add("(01.000002) after two");
        lines.add("(01.000003) Error (criu/cr-dump.c:1975): Dumping FAILED.");
        LogAnalysis a = analyze(lines);
        int err = lines.size() - 3;
        assertEquals(err, a.decisiveLine().number());
        List<LogLine> ctx = a.decisiveContext();
        assertEquals(8, ctx.size());
        for (int k = 0; k < ctx.size(); k++) {
            assertEquals(err - 5 + k, ctx.get(k).number());
            assertEquals(lines.get(err - 6 + k), ctx.get(k).text());
        }
        assertEquals(1.000003, a.endTime(), 1e-9);
    }

    @Test
    void aLineLongerThanTheBufferIsCutNotFatal() throws IOException {
        String huge = "(00.000200) " + "x".repeat(3 * LineScanner.BUFFER_SIZE);
        LogAnalysis a = analyze(List.of(
                "(00.000100) Dumping processes (pid: 1 comm: sh)",
                huge,
                "(00.300000) Error (criu/file-lock.c:110): Some file locks are hold by dumping tasks! You can try"
                        + " --file-locks to dump them.",
                "(00.400000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        assertEquals(4, a.lineCount());
        assertEquals(3, a.decisiveLine().number());
        assertEquals("file-locks", a.diagnosis().patternId());
        assertEquals(0.4, a.endTime(), 1e-9);
    }

    @Test
    void manyNonMatchingErrorsKeepOnlyTheFirstFifty() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("(00.000100) Dumping processes (pid: 1 comm: sh)");
        for (int i = 0; i < 300; i++) {
            lines.add(String.format("(00.%06d) Error (criu/x.c:1): unknown trouble %d", 200 + i, i));
        }
        LogAnalysis a = analyze(lines);
        assertEquals(300, a.errorCount());
        assertEquals(CriuLogAnalyzer.MAX_ERRORS, a.errors().size());
        assertEquals(2, a.decisiveLine().number());
    }

    @Test
    void aTrailingWarningCanExplainWhenNoErrorDoes() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000100) Dumping processes (pid: 1 comm: sh)",
                "(00.000200) Warn  (criu/cr-check.c:1): Dirty tracking is OFF. Memory snapshot will not work.",
                "(00.100000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        assertEquals("dirty-tracking-off", a.diagnosis().patternId());
        assertEquals(3, a.diagnosis().decisiveLine().number());
    }

    @Test
    void shellJobMessageWithoutPrefixIsFound() throws IOException {
        LogAnalysis a = analyze(List.of(
                "(00.000100) Dumping processes (pid: 1 comm: sh)",
                "Task attached to shell terminal. Consider using --shell-job option. More details on"
                        + " http://criu.org/Simple_loop",
                "(00.100000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        assertEquals("shell-job", a.diagnosis().patternId());
    }

    @Test
    void knownNoiseTextsAppearInTheCapturedLogs() throws IOException {
        // the always-present noise rules are not invented: each shows up in the real logs
        Set<String> seen = Files.list(LOGS).filter(p -> p.toString().endsWith(".log")).flatMap(p -> {
            try {
                return Files.readAllLines(p, StandardCharsets.UTF_8).stream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).flatMap(l -> KnownNoise.harmlessRules().stream().filter(r -> l.contains(r.text())).map(KnownNoise.Rule::id))
                .collect(Collectors.toSet());
        assertTrue(seen.containsAll(Set.of("rlimit-nofile", "cgroupd-recv", "interrupted-syscall",
                "clone-parent-newpid")), seen.toString());
        assertNotNull(KnownNoise.failureMarker("Restoring FAILED."));
        assertNull(KnownNoise.failureMarker("Restoring resources"));
    }
}
