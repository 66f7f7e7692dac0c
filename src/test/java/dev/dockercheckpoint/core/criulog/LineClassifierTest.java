package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one decision of what a log line is, on CRIU's and runc's line formats. */
class LineClassifierTest {
    private static final String RLIMIT_NOFILE = "(00.066803) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE"
            + " for self: Operation not permitted";

    @Test
    void levelsOfCriuLines() {
        // captured: dump-tcp-without-flag.log:1167, dump-success-tcp.log:855, restore-missing-file.log:656
        assertEquals(LogLevel.ERROR, LineClassifier.level("(00.076359) Error (criu/sk-inet.c:200): inet: Connected TCP"
                + " socket, consider using --tcp-established option."));
        assertEquals(LogLevel.WARN, LineClassifier.level("(00.189148) Warn  (compel/arch/x86/src/lib/infect.c:419):"
                + " Will restore 29901 with interrupted system call"));
        assertEquals(LogLevel.ERROR, LineClassifier.level("(00.160126)      1: Error (criu/files-reg.c:2353): Can't open"
                + " file tmp/lockfile on restore: No such file or directory"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.000060) Version: 4.2.1 (gitid 0)"));
        assertEquals(LogLevel.INFO, LineClassifier.level(""));
        // one space after Warn, as some reports quote it
        assertEquals(LogLevel.WARN, LineClassifier.level("(00.010000) Warn (criu/seize.c:404): Unexpected process 1234"
                + " in the freezer cgroup (status 0x137f)"));
    }

    @Test
    void restorerAndParasiteLinesHaveALevelToo() {
        // compel/plugins/std/log.c: "(time) pie: tid: " in a restore, "pie: tid: " without time in a dump
        assertEquals(LogLevel.ERROR, LineClassifier.level("(00.321000) pie: 81: Error (criu/pie/restorer.c:1900):"
                + " Can't restore"));
        assertEquals(LogLevel.ERROR, LineClassifier.level("pie: 1: Error (criu/pie/parasite.c:430): Can't dump"));
        assertEquals(LogLevel.INFO, LineClassifier.level("pie: 1: __fetched msg: 72 0 0"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.209086) pie: 1: Switched to the restorer 1"));
    }

    @Test
    void linesWithoutTimestampsKeepTheirLevel() {
        // below log level 5 CRIU writes no timestamp (criu/log.c vprint_on_level)
        assertEquals(LogLevel.ERROR, LineClassifier.level("Error (criu/cr-dump.c:2093): Dumping FAILED."));
        assertEquals(LogLevel.ERROR, LineClassifier.level("     1: Error (criu/files.c:1221): Unable to open fd=3 id=0x5"));
        assertEquals(LogLevel.WARN, LineClassifier.level("Warn  (criu/cr-restore.c:1050): Set CLONE_PARENT"));
    }

    @Test
    void wordsThatOnlyLookLikeALevelAreInformation() {
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.000100) Errors are counted below"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.000100) Warning: not a CRIU level word"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.000100) mnt: Error in path is just text"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.000100) Error: no source in parentheses"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(abc) Error (x): not a timestamp"));
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.076337) 29902 fdinfo 1: Error (x): not a pid field"));
        // a short number is not CRIU's %6d pid field
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.1) 12: Error (x): y"));
        assertEquals(LogLevel.INFO, LineClassifier.level("  Error (x): indented"));
    }

    @Test
    void runcLogrusLinesTakeTheirLevelWord() {
        // captured: predump-runc-output.txt
        assertEquals(LogLevel.ERROR, LineClassifier.level("time=\"2026-11-28T13:03:40Z\" level=error msg=\"CRIU is"
                + " missing features\""));
        assertEquals(LogLevel.ERROR, LineClassifier.level("time=\"x\" level=fatal msg=y"));
        assertEquals(LogLevel.WARN, LineClassifier.level("time=\"x\" level=warning msg=y"));
        assertEquals(LogLevel.INFO, LineClassifier.level("time=\"x\" level=info msg=\"Error (x): y\""));
        assertEquals(LogLevel.INFO, LineClassifier.level("time=\"x\" no level at all"));
    }

    @Test
    void onlyThePrefixDecides() {
        String pad = " ".repeat(LineClassifier.PREFIX_LIMIT);
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.1)" + pad + "Error (x): too far right"));
        assertEquals(LogLevel.ERROR, LineClassifier.level("(00.1) Error (x): " + "y".repeat(100_000)));
        // non-ASCII text never makes a prefix
        assertEquals(LogLevel.INFO, LineClassifier.level("(00.1) \u00c9rror (x): y"));
        assertEquals(LogLevel.ERROR, LineClassifier.level("(00.1) Error (x): caf\u00e9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-tcp-without-flag.log", "dump-file-locks-without-flag.log",
        "restore-missing-file.log", "restore-tcp-without-flag.log", "predump-runc-output.txt"})
    void bytesAndStringsAreScannedAlike(String name) throws IOException {
        byte[] all = Files.readAllBytes(CriuLogParserTest.LOGS.resolve(name));
        String text = new String(all, StandardCharsets.UTF_8);
        int from = 0;
        for (String line : text.split("\n", -1)) {
            int to = from + line.getBytes(StandardCharsets.UTF_8).length;
            LineClassifier.Prefix fromBytes = new LineClassifier.Prefix();
            LineClassifier.scan(all, from, to, fromBytes);
            LineClassifier.Prefix fromString = new LineClassifier.Prefix();
            LineClassifier.scan(line, fromString);
            assertEquals(fromString.level, fromBytes.level, line);
            assertEquals(fromString.timeEnd, fromBytes.timeEnd < 0 ? -1 : fromBytes.timeEnd - from, line);
            assertEquals(fromString.body, fromBytes.body - from, line);
            assertEquals(fromString.sourceOpen, fromBytes.sourceOpen < 0 ? -1 : fromBytes.sourceOpen - from, line);
            from = to + 1;
        }
    }

    @Test
    void harmlessLinesAreKnownAndOthersAreNot() {
        LineClassifier c = new LineClassifier();
        LineClassifier.Classification nofile = c.classify(RLIMIT_NOFILE);
        assertEquals(LogLevel.ERROR, nofile.level());
        assertTrue(nofile.isHarmless());
        assertFalse(nofile.needsAttention());
        assertEquals("rlimit-nofile", nofile.harmless().id());

        // criu/cr-dump.c dump_task_rlimits(): pr_perror("Can't get rlimit %d", res); not the line above
        LineClassifier.Classification getRlimit = c.classify("(00.083210) Error (criu/cr-dump.c:388): Can't get rlimit 0:"
                + " Operation not permitted");
        assertEquals(LogLevel.ERROR, getRlimit.level());
        assertFalse(getRlimit.isHarmless());
        assertTrue(getRlimit.needsAttention());
        // criu/servicefd.c: the same words without a number
        assertFalse(c.classify("(00.000900) Error (criu/servicefd.c:91): Can't get rlimit: Operation not permitted")
                .isHarmless());

        assertTrue(c.classify("(00.189148) Warn  (compel/arch/x86/src/lib/infect.c:419): Will restore 29901 with"
                + " interrupted system call").isHarmless());
        assertFalse(c.classify("(00.010000) Warn  (criu/seize.c:404): Unexpected process 1234 in the freezer cgroup"
                + " (status 0x137f)").isHarmless());
        assertSame(LineClassifier.Classification.INFO, c.classify("(00.000060) Version: 4.2.1"));
        // an information line that happens to hold a harmless text is still just information
        assertSame(LineClassifier.Classification.INFO, c.classify("(00.1) rlimit: Can't setup RLIMIT_NOFILE for self"));
    }

    @Test
    void theCgroupdLineIsHarmlessOnlyAfterARestoreFailed() {
        // captured: restore-missing-file.log:660-661
        String cgroupd = "(00.162205) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory";
        LineClassifier c = new LineClassifier();
        assertFalse(c.classify(cgroupd).isHarmless(), "before the failure it may be the cause");
        assertFalse(c.afterRestoreFailure());
        LineClassifier.Classification failed = c.classify("(00.161369) Error (criu/cr-restore.c:2331): Restoring FAILED.");
        assertTrue(failed.needsAttention());
        assertTrue(c.afterRestoreFailure());
        assertEquals("cgroupd-recv", c.classify(cgroupd).harmless().id());
        assertNull(LineClassifier.harmless(CriuLogParser.parseLine(1, cgroupd), false));
    }

    @Test
    void onlyErrorAndWarnLinesCanBeHarmless() {
        KnownNoise.Rule rule = KnownNoise.rule("rlimit-nofile");
        assertThrows(IllegalArgumentException.class, () -> new LineClassifier.Classification(LogLevel.INFO, rule));
        assertTrue(new LineClassifier.Classification(LogLevel.WARN, rule).isHarmless());
    }

    @Test
    void everyCapturedLineGetsTheParsersLevel() throws IOException {
        for (String name : List.of("dump-success-locks.log", "restore-success-tcp.log", "restore-tcp-without-flag.log")) {
            List<String> lines = Files.readAllLines(CriuLogParserTest.LOGS.resolve(name));
            LineClassifier c = new LineClassifier();
            for (int i = 0; i < lines.size(); i++) {
                LogLine parsed = CriuLogParser.parseLine(i + 1, lines.get(i));
                assertEquals(parsed.level(), LineClassifier.level(lines.get(i)), name + ":" + (i + 1));
                assertEquals(parsed.level(), c.classify(lines.get(i)).level(), name + ":" + (i + 1));
            }
        }
    }
}
