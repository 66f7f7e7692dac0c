package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CriuLogParserTest {
    static final Path LOGS = Path.of("src/test/resources/criulogs");

    @Test
    void infoLineHasTimeAndMessage() {
        LogLine l = CriuLogParser.parseLine(4, "(00.000060) Version: 4.2.1 (gitid 0)");
        assertEquals(4, l.number());
        assertEquals(0.000060, l.time(), 1e-9);
        assertEquals(LogLevel.INFO, l.level());
        assertEquals(-1, l.pid());
        assertNull(l.source());
        assertEquals("Version: 4.2.1 (gitid 0)", l.message());
        assertEquals("(00.000060) Version: 4.2.1 (gitid 0)", l.text());
    }

    @Test
    void errorLineHasSourceAndMessage() {
        // dump-tcp-without-flag.log line 1167
        LogLine l = CriuLogParser.parseLine(1167, "(00.076359) Error (criu/sk-inet.c:200): inet: Connected TCP socket,"
                + " consider using --tcp-established option.");
        assertEquals(LogLevel.ERROR, l.level());
        assertEquals("criu/sk-inet.c:200", l.source());
        assertEquals("inet: Connected TCP socket, consider using --tcp-established option.", l.message());
        assertEquals(0.076359, l.time(), 1e-9);
        assertFalse(l.hasPid());
    }

    @Test
    void warnLineHasTwoSpacesInCriuFormat() {
        // dump-success-tcp.log line 855
        LogLine l = CriuLogParser.parseLine(855, "(00.189148) Warn  (compel/arch/x86/src/lib/infect.c:419): Will restore"
                + " 29901 with interrupted system call");
        assertEquals(LogLevel.WARN, l.level());
        assertEquals("compel/arch/x86/src/lib/infect.c:419", l.source());
        assertEquals("Will restore 29901 with interrupted system call", l.message());
    }

    @Test
    void restoreLinesCarryThePid() {
        // restore-missing-file.log line 656
        LogLine l = CriuLogParser.parseLine(656, "(00.160126)      1: Error (criu/files-reg.c:2353): Can't open file"
                + " tmp/lockfile on restore: No such file or directory");
        assertEquals(1, l.pid());
        assertEquals(LogLevel.ERROR, l.level());
        assertEquals("criu/files-reg.c:2353", l.source());
        assertEquals("Can't open file tmp/lockfile on restore: No such file or directory", l.message());

        LogLine info = CriuLogParser.parseLine(840, "(00.200161)      1: Forking task with 11 pid (flags 0x0)");
        assertEquals(1, info.pid());
        assertEquals("Forking task with 11 pid (flags 0x0)", info.message());

        LogLine wide = CriuLogParser.parseLine(1, "(01.000000) 123456: Restoring resources");
        assertEquals(123456, wide.pid());
    }

    @Test
    void numbersAtTheStartOfAMessageAreNotAPid() {
        // dump-tcp-without-flag.log: "29902 fdinfo 1: pos: ..."; restore: "pie: 1: ..." and "mnt: \t56: ..."
        assertEquals(-1, CriuLogParser.parseLine(1, "(00.076337) 29902 fdinfo 1: pos:                0").pid());
        LogLine pie = CriuLogParser.parseLine(1, "(00.209086) pie: 1: Switched to the restorer 1");
        assertEquals(-1, pie.pid());
        assertEquals("pie: 1: Switched to the restorer 1", pie.message());
        // a short number with ": " is not CRIU's %6d pid field
        assertEquals(-1, CriuLogParser.parseLine(1, "(00.1) 12: x").pid());
    }

    @Test
    void plainAndOddLinesAreKeptAsInfo() {
        LogLine plain = CriuLogParser.parseLine(7, "pie: 8: __fetched msg: 71 0 0");
        assertEquals(LogLevel.INFO, plain.level());
        assertFalse(plain.hasTime());
        assertEquals("pie: 8: __fetched msg: 71 0 0", plain.message());
        assertEquals(LogLevel.INFO, CriuLogParser.parseLine(1, "").level());
        assertFalse(CriuLogParser.parseLine(1, "(not a timestamp) Error (x): y").hasTime());
        assertEquals(LogLevel.INFO, CriuLogParser.parseLine(1, "(not a timestamp) Error (x): y").level());
        assertFalse(CriuLogParser.parseLine(1, "(1.2.3) x").hasTime());
        // an Error line without a source keeps its level
        LogLine bare = CriuLogParser.parseLine(1, "(00.5) Error (no source");
        assertEquals(LogLevel.ERROR, bare.level());
        assertNull(bare.source());
    }

    @Test
    void restorerErrorsAndLinesWithoutTimestampsAreSplitToo() {
        // compel/plugins/std/log.c prefixes "pie: tid: "; LineClassifier decides the level
        LogLine pie = CriuLogParser.parseLine(3, "(00.321000) pie: 81: Error (criu/pie/restorer.c:1900): Can't restore");
        assertEquals(LogLevel.ERROR, pie.level());
        assertEquals("criu/pie/restorer.c:1900", pie.source());
        assertEquals("Can't restore", pie.message());
        assertEquals(-1, pie.pid());
        // below log level 5 CRIU writes no timestamp, but the pid and the level stay
        LogLine bare = CriuLogParser.parseLine(4, "     1: Error (criu/files.c:1221): Unable to open fd=3 id=0x5");
        assertFalse(bare.hasTime());
        assertEquals(1, bare.pid());
        assertEquals(LogLevel.ERROR, bare.level());
        assertEquals("Unable to open fd=3 id=0x5", bare.message());
        LogLine warn = CriuLogParser.parseLine(5, "Warn (criu/seize.c:404): Unexpected process 1234 in the freezer"
                + " cgroup (status 0x137f)");
        assertEquals(LogLevel.WARN, warn.level());
        assertEquals("criu/seize.c:404", warn.source());
        assertEquals("Unexpected process 1234 in the freezer cgroup (status 0x137f)", warn.message());
    }

    @Test
    void longRunsHaveLongerSeconds() {
        assertEquals(121.37535, CriuLogParser.parseLine(1, "(121.37535) x").time(), 1e-9);
        assertEquals(5.5, CriuLogParser.parseLine(1, "(5.5) x").time(), 1e-9);
    }

    @Test
    void carriageReturnIsDropped() {
        LogLine l = CriuLogParser.parseLine(1, "(00.100000) Dumping finished successfully\r");
        assertEquals("Dumping finished successfully", l.message());
        assertFalse(l.text().endsWith("\r"));
    }

    @Test
    void runcLogrusLinesTakeTheirLevel() {
        // predump-runc-output.txt
        LogLine l = CriuLogParser.parseLine(1, "time=\"2026-11-28T13:03:40Z\" level=error msg=\"CRIU is missing features\"");
        assertEquals(LogLevel.ERROR, l.level());
        assertEquals("CRIU is missing features", l.message());
        LogLine w = CriuLogParser.parseLine(1, "time=\"x\" level=warning msg=\"a \\\"quoted\\\" word\" other=1");
        assertEquals(LogLevel.WARN, w.level());
        assertEquals("a \"quoted\" word", w.message());
        assertEquals(LogLevel.INFO, CriuLogParser.parseLine(1, "time=\"x\" level=info msg=ok").level());
        assertEquals("ok", CriuLogParser.parseLine(1, "time=\"x\" level=info msg=ok").message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-tcp-without-flag.log", "restore-success-tcp.log",
            "restore-missing-file.log", "predump-runc-output.txt"})
    void streamsEveryLineOfARealLogInOrder(String name) throws IOException {
        List<String> expected = Files.readAllLines(LOGS.resolve(name), StandardCharsets.UTF_8);
        List<LogLine> seen = new ArrayList<>();
        long n;
        try (Reader r = Files.newBufferedReader(LOGS.resolve(name))) {
            n = CriuLogParser.parse(r, seen::add);
        }
        assertEquals(expected.size(), n);
        assertEquals(expected.size(), seen.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(i + 1, seen.get(i).number());
            assertEquals(expected.get(i), seen.get(i).text());
        }
    }

    @Test
    void visitorCanStopEarly() throws IOException {
        List<LogLine> seen = new ArrayList<>();
        long n = CriuLogParser.parse(Files.newInputStream(LOGS.resolve("dump-success-tcp.log")), l -> {
            seen.add(l);
            return !l.isError();
        });
        assertEquals(70, n, "stops at the rlimit error on line 70");
        assertTrue(seen.get(69).message().contains("RLIMIT_NOFILE"));
    }

    @Test
    void iteratorIsLazyAndFinite() throws IOException {
        try (CriuLogParser.LineIterator it = CriuLogParser.iterate(new StringReader("(00.1) a\n(00.2) Error (f.c:1): b\nc"))) {
            assertTrue(it.hasNext());
            assertEquals("a", it.next().message());
            assertEquals(LogLevel.ERROR, it.next().level());
            LogLine c = it.next();
            assertEquals(3, c.number());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() throws IOException {
        byte[] bytes = "(00.1) Error (f.c:1): Can't open file a\u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        List<LogLine> seen = new ArrayList<>();
        CriuLogParser.parse(new ByteArrayInputStream(bytes), seen::add);
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).message().startsWith("Can't open file a"));
        assertEquals(LogLevel.ERROR, seen.get(0).level());
    }
}
