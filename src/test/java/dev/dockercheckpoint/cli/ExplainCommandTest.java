package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.dockercheckpoint.core.criulog.ComposedLogs;
import dev.dockercheckpoint.core.criulog.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The explain subcommand through picocli, on real CRIU logs captured on this project's machines.
 */
class ExplainCommandTest {
    private static final Path LOGS = Path.of("src/test/resources/criulogs");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private static Run explain(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ExplainCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void successExitsZeroWithTimeline() throws Exception {
        Run r = explain(LOGS.resolve("dump-success-tcp.log").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("dump succeeded"), r.out());
        assertTrue(r.out().contains("Result: Dump finished successfully"), r.out());
        assertTrue(r.out().contains("Timeline:"), r.out());
        for (Phase p : new Phase[] {Phase.PREPARING, Phase.FREEZING, Phase.DUMPING_MEMORY, Phase.UNFREEZING}) {
            assertTrue(r.out().contains(p.title()), p + " in\n" + r.out());
        }
        assertTrue(r.out().contains(">   2232  (00.354161) Dumping finished successfully"), r.out());
        assertTrue(r.out().contains("Errors: 1 (1 known harmless), warnings: 4 (4 known harmless)"), r.out());
        assertFalse(r.out().contains("Fix:"), r.out());
        assertTrue(r.out().contains("known harmless: \"rlimit: Can't setup RLIMIT_NOFILE for self\""), r.out());
        assertEquals("", r.err());
    }

    @Test
    void warningsNotKnownToBeHarmlessAreShownNotOnlyCounted() throws Exception {
        Run r = explain(ComposedLogs.lostProcessDump(tmp).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("dump succeeded"), r.out());
        assertTrue(r.out().contains("warnings: 2 (1 known harmless)"), r.out());
        assertTrue(r.out().contains("Warnings not known to be harmless (1):\n"
                + "     162  (00.077131) Warn  (criu/seize.c:404): Unexpected process 30012 in the freezer cgroup"
                + " (status 0x8057f)\n"), r.out());
        assertFalse(r.out().contains("Errors not known to be harmless"), "the only error is harmless:\n" + r.out());
        assertFalse(r.out().contains("more not shown"), r.out());
        // the known cause of the warning, under it
        assertTrue(r.out().contains("(status 0x8057f)\n          Process left out of the checkpoint (docker exec)"
                + " [lost-process]\n          Fix: Stop that process before checkpointing"), r.out());
        assertTrue(r.out().contains("-allow-lost-processes"), r.out());
    }

    @Test
    void aCauseSharedByManyWarningsIsExplainedOnce() throws Exception {
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(ComposedLogs.lostProcessDump(tmp)));
        lines.add(ComposedLogs.LOST_PROCESS_LINE, "(00.077132) Warn  (criu/seize.c:404): Unexpected process 30013 in"
                + " the freezer cgroup (status 0x8057f)");
        Run r = explain(Files.write(tmp.resolve("two.log"), lines).toString());
        assertEquals(1, r.out().split("Fix: Stop that process", -1).length - 1, r.out());
        assertTrue(r.out().contains("[lost-process], fix above"), r.out());
    }

    @Test
    void aProcessOfAnotherUidOnAHostWithoutCapSysResource() throws Exception {
        Run r = explain(ComposedLogs.rlimitDump(tmp).toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("Cause: root lacks CAP_SYS_RESOURCE: process limits unreadable [rlimit-permission]"),
                r.out());
        assertTrue(r.out().contains(">    622  (00.087490) Error (criu/cr-dump.c:388): Can't get rlimit 0"), r.out());
        // CRIU's own RLIMIT_NOFILE line, from the same missing capability, stays harmless
        assertTrue(r.out().contains("Errors: 4 (1 known harmless)"), r.out());
        assertTrue(r.out().contains("known harmless: \"rlimit: Can't setup RLIMIT_NOFILE for self\""), r.out());
        assertTrue(r.out().contains("CapBnd"), r.out());
    }

    @Test
    void longListsStopAtTwentyAndSayHowManyMore() throws Exception {
        Run r = explain(ComposedLogs.manyWarningsDump(tmp, 25).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Warnings not known to be harmless (25):"), r.out());
        long listed = r.out().lines().filter(l -> l.contains("Warn  (criu/files-reg.c:1881): Can't link")).count();
        assertEquals(20, listed, r.out());
        assertTrue(r.out().contains("  ... and 5 more not shown"), r.out());
    }

    @Test
    void errorsOfASuccessfulRunAreShownToo() throws Exception {
        Path log = tmp.resolve("dump.log");
        Files.write(log, java.util.List.of(
                "(00.000100) Dumping processes (pid: 1 comm: sh)",
                "(00.000500) Error (criu/files-reg.c:1931): Can't link /tmp/a -> /tmp/b: File exists",
                "(00.300000) Dumping finished successfully"));
        Run r = explain(log.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Errors not known to be harmless (1):\n"
                + "       2  (00.000500) Error (criu/files-reg.c:1931): Can't link /tmp/a -> /tmp/b: File exists\n"),
                r.out());
        // a failure's errors are its decisive lines, not listed again
        Run failed = explain(LOGS.resolve("dump-tcp-without-flag.log").toString());
        assertFalse(failed.out().contains("Errors not known to be harmless"), failed.out());
    }

    @Test
    void harmlessLinesNearTheCauseAreMarked() throws Exception {
        Path log = tmp.resolve("dump.log");
        Files.write(log, java.util.List.of(
                "(00.000100) Dumping processes (pid: 1 comm: sh)",
                "(00.000500) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
                "(00.100000) Error (criu/file-lock.c:110): Some file locks are hold by dumping tasks! You can try"
                        + " --file-locks to dump them.",
                "(00.200000) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        Run r = explain(log.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("for self: Operation not permitted   [known harmless]"), r.out());
        assertTrue(r.out().contains(">      3  (00.100000) Error (criu/file-lock.c:110)"), r.out());
        assertFalse(r.out().contains("Dumping FAILED.   [known harmless]"), r.out());
        assertTrue(r.out().contains("[file-locks]"), r.out());
    }

    @Test
    void failureExitsOneWithDecisiveLinesCauseAndFix() throws Exception {
        Run r = explain(LOGS.resolve("dump-tcp-without-flag.log").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("dump FAILED"), r.out());
        assertTrue(r.out().contains("Cause: Established TCP connection [tcp-established]"), r.out());
        assertTrue(r.out().contains(">   1167  (00.076359) Error (criu/sk-inet.c:200): inet: Connected TCP socket"),
                r.out());
        assertTrue(r.out().contains("    1166  (00.076357) sockets: Searching for socket"), r.out());
        assertTrue(r.out().contains("Fix:"), r.out());
        assertTrue(r.out().contains("-tcp"), r.out());
    }

    @Test
    void restoreFailureNamesTheMissingFile() throws Exception {
        Run r = explain(LOGS.resolve("restore-missing-file.log").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("restore FAILED"), r.out());
        assertTrue(r.out().contains("[missing-file]"), r.out());
        assertTrue(r.out().contains("tmp/lockfile"), r.out());
        assertTrue(r.out().contains("known harmless: \"cg: cgroupd: recv req error\""), r.out());
    }

    @Test
    void runcOutputOfARefusedPreDumpIsExplained() throws Exception {
        Run r = explain(LOGS.resolve("predump-runc-output.txt").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("[dirty-tracking-off]"), r.out());
        assertFalse(r.out().contains("Timeline:"), "no timestamps, no timeline:\n" + r.out());
    }

    @Test
    void missingFileExitsTwoWithErrorAndHint() throws Exception {
        Run r = explain(tmp.resolve("nope.log").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("error: cannot read "), r.err());
        assertTrue(r.err().contains("no such file"), r.err());
        assertTrue(r.err().contains("\nhint: "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void directoryAndForeignFilesExitTwo() throws Exception {
        Run dir = explain(tmp.toString());
        assertEquals(2, dir.exit());
        assertTrue(dir.err().contains("is a directory"), dir.err());
        Run binary = explain(LOGS.resolve("stats-dump").toString());
        assertEquals(2, binary.exit());
        assertTrue(binary.err().contains("is not a CRIU log"), binary.err());
        assertTrue(binary.err().contains("hint: "), binary.err());
    }

    @Test
    void incompleteLogExitsOneAndShowsTheLastLines() throws Exception {
        Path cut = tmp.resolve("dump.log");
        Files.write(cut, Files.readAllLines(LOGS.resolve("dump-success-tcp.log")).subList(0, 300));
        Run r = explain(cut.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("did not finish"), r.out());
        assertTrue(r.out().contains("Last lines:"), r.out());
        assertTrue(r.out().contains("     300  "), r.out());
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        Run help = explain("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("explain"), help.out());
        assertTrue(help.out().contains("LOG"), help.out());
        Run none = explain();
        assertEquals(2, none.exit(), "picocli reports a missing LOG as a usage error");
    }

    @Test
    void readsTheGivenPathNotAnotherOne() throws IOException {
        Path copy = tmp.resolve("restore.log");
        Files.copy(LOGS.resolve("restore-tcp-without-flag.log"), copy);
        Run r = explain(copy.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().startsWith(copy + ": restore FAILED"), r.out());
        assertTrue(r.out().contains("[tcp-in-image]"), r.out());
    }
}
