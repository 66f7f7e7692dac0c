package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuLogsTest {
    private static final String RLIMIT =
            "(00.003207) Error (criu/util.c:641): rlimit: Can't setup RLIMIT_NOFILE for self";
    private static final String TCP =
            "(00.161215) Error (criu/sk-inet.c:200): inet: Connected TCP socket, consider using --tcp-established option.";
    private static final String DUMP_FILES = "(00.161223) Error (criu/cr-dump.c:1545): Dump files (pid: 7603) failed with -1";
    private static final String FAILED = "(00.217864) Error (criu/cr-dump.c:1975): Dumping FAILED.";

    private static final List<String> DUMP_LOG = List.of(
            "(00.000000) Unable to get $HOME directory, local configuration file will not be used.",
            "(00.000012) Version: 4.2.1 (gitid 0)",
            "(00.000031) Running on myhost Linux 6.8.0-45-generic #45-Ubuntu SMP x86_64",
            RLIMIT,
            "(00.003300) File descriptors limit: 1048576",
            "(00.100000) Warn  (criu/x.c:1): something",
            "(00.120000) Seized task 7603, state 1",
            TCP,
            "(00.161220) ----------------------------------------",
            DUMP_FILES,
            "(00.200000) Warn  (criu/cr-dump.c:1000): Error while something? (not an error line)",
            "(00.217000) Unfreezing tasks into 1",
            FAILED);

    @TempDir
    Path tmp;

    private Path log(List<String> lines) throws IOException {
        Path file = tmp.resolve("dump.log");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void decisiveErrorsReturnsNonNoiseErrorLinesInOrder() throws IOException {
        assertEquals(List.of(TCP, DUMP_FILES, FAILED), CriuLogs.decisiveErrors(log(DUMP_LOG), 10));
    }

    @Test
    void decisiveErrorsRespectsMax() throws IOException {
        Path file = log(DUMP_LOG);
        assertEquals(List.of(TCP), CriuLogs.decisiveErrors(file, 1));
        assertEquals(List.of(TCP, DUMP_FILES), CriuLogs.decisiveErrors(file, 2));
        assertEquals(List.of(TCP, DUMP_FILES, FAILED), CriuLogs.decisiveErrors(file, 3));
        assertEquals(List.of(), CriuLogs.decisiveErrors(file, 0));
    }

    @Test
    void decisiveErrorsIsEmptyForMissingOrNullOrDirectory() {
        assertEquals(List.of(), CriuLogs.decisiveErrors(tmp.resolve("missing.log"), 5));
        assertEquals(List.of(), CriuLogs.decisiveErrors(null, 5));
        assertEquals(List.of(), CriuLogs.decisiveErrors(tmp, 5));
    }

    @Test
    void decisiveErrorsIsEmptyWhenOnlyNoiseAndWarnings() throws IOException {
        Path file = log(List.of("(00.000012) Version: 4.2.1 (gitid 0)", RLIMIT,
                "(00.100000) Warn  (criu/x.c:1): something", "(00.300000) Dumping finished successfully"));
        assertEquals(List.of(), CriuLogs.decisiveErrors(file, 10));
    }

    @Test
    void decisiveErrorsStripsSurroundingWhitespace() throws IOException {
        Path file = log(List.of(FAILED + "   "));
        assertEquals(List.of(FAILED), CriuLogs.decisiveErrors(file, 10));
    }

    @Test
    void decisiveErrorsReadsPastBytesThatAreNotUtf8() throws IOException {
        // CRIU logs paths of open files byte for byte; a Latin-1 file name is not valid UTF-8
        Path file = tmp.resolve("dump.log");
        try (var out = Files.newOutputStream(file)) {
            out.write("(00.000012) Version: 4.2.1 (gitid 0)\n".getBytes(StandardCharsets.US_ASCII));
            out.write("(00.050000) Dumping path for 3 fd via self 13 [/data/caf".getBytes(StandardCharsets.US_ASCII));
            out.write(0xe9); // 'e' with acute accent in ISO-8859-1
            out.write(".txt]\n".getBytes(StandardCharsets.US_ASCII));
            out.write((TCP + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write((FAILED + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(List.of(TCP, FAILED), CriuLogs.decisiveErrors(file, 10));
    }

    @Test
    void isErrorRecognisesCriuErrorLinesOnly() {
        assertTrue(CriuLogs.isError(TCP));
        assertTrue(CriuLogs.isError(FAILED));
        assertTrue(CriuLogs.isError("(  0.161215) Error (criu/sk-inet.c:200): padded timestamp"));
        assertTrue(CriuLogs.isError("(00.161215) 7603: Error (criu/files-reg.c:1): with pid prefix"));
        assertFalse(CriuLogs.isError("(00.100000) Warn  (criu/x.c:1): something"));
        assertFalse(CriuLogs.isError("(00.000012) Version: 4.2.1 (gitid 0)"));
        assertFalse(CriuLogs.isError("Error (criu/sk-inet.c:200): no timestamp"));
        assertFalse(CriuLogs.isError("(00.100000) Errors are not this"));
        assertFalse(CriuLogs.isError(""));
    }

    @Test
    void isHarmlessMatchesOnlyKnownNoise() {
        assertTrue(CriuLogs.isHarmless(RLIMIT));
        assertFalse(CriuLogs.isHarmless(TCP));
        assertFalse(CriuLogs.isHarmless(FAILED));
    }

    @Test
    void containsFindsTheSuccessMarker() throws IOException {
        Path ok = log(List.of("(00.000012) Version: 4.2.1 (gitid 0)", RLIMIT,
                "(00.250000) Writing stats", "(00.300000) Dumping finished successfully"));
        assertTrue(CriuLogs.contains(ok, "Dumping finished successfully"));
        assertFalse(CriuLogs.contains(ok, "Restore finished successfully"));
    }

    @Test
    void containsIsFalseForFailedLogAndMissingFile() throws IOException {
        assertFalse(CriuLogs.contains(log(DUMP_LOG), "Dumping finished successfully"));
        assertFalse(CriuLogs.contains(tmp.resolve("missing.log"), "Dumping finished successfully"));
        assertFalse(CriuLogs.contains(null, "Dumping finished successfully"));
    }
}
