package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CriuHintsTest {
    private static final String GENERIC = "read the log for the lines before the first Error";

    @Test
    void tcpHintForDump() {
        String hint = CriuHints.hintFor(List.of(
                "(00.161215) Error (criu/sk-inet.c:200): inet: Connected TCP socket, consider using --tcp-established option.",
                "(00.217864) Error (criu/cr-dump.c:1975): Dumping FAILED."), false);
        assertTrue(hint.contains("-tcp"), hint);
        assertTrue(hint.contains("established TCP connections"), hint);
    }

    @Test
    void tcpHintForRestore() {
        String hint = CriuHints.hintFor(List.of(
                "(00.050000) Error (criu/sk-tcp.c:300): Can't restore tcp-established socket without option"), true);
        assertTrue(hint.contains("TCP connections"), hint);
        assertTrue(hint.contains("restored"), hint);
        assertNotEquals(CriuHints.hintFor(List.of("connected TCP socket"), false), hint,
                "dump and restore hints differ");
    }

    @Test
    void fileLockHintForDumpAndRestore() {
        List<String> errors = List.of(
                "(00.120000) Error (criu/file-lock.c:92): Some file locks are hold by dumping tasks! You can try --file-locks to dump them.");
        String dump = CriuHints.hintFor(errors, false);
        String restore = CriuHints.hintFor(errors, true);
        assertTrue(dump.contains("-file-locks"), dump);
        assertTrue(dump.contains("checkpoint"), dump);
        assertTrue(restore.contains("-file-locks"), restore);
        assertTrue(restore.contains("restore"), restore);
        assertNotEquals(dump, restore);
    }

    @Test
    void fileLockHintFromPlainWording() {
        String hint = CriuHints.hintFor(List.of("(00.1) Error (criu/file-lock.c:1): Can't dump file lock"), false);
        assertTrue(hint.contains("file locks"), hint);
    }

    @Test
    void tcpWinsOverFileLocksWhenBothAppear() {
        String hint = CriuHints.hintFor(List.of("Error: file lock problem", "Error: Connected TCP socket"), false);
        assertTrue(hint.contains("TCP"), hint);
    }

    @Test
    void genericHintForOtherErrorsAndEmptyList() {
        assertEquals(GENERIC, CriuHints.hintFor(List.of(
                "(00.161223) Error (criu/cr-dump.c:1545): Dump files (pid: 7603) failed with -1",
                "(00.217864) Error (criu/cr-dump.c:1975): Dumping FAILED."), false));
        assertEquals(GENERIC, CriuHints.hintFor(List.of(), true));
    }

    @Test
    void matchingIsCaseInsensitive() {
        String hint = CriuHints.hintFor(List.of("ERROR: CONNECTED TCP SOCKET"), false);
        assertTrue(hint.contains("-tcp"), hint);
    }

    @Test
    void dirtyTrackingAndMissingFileHints() {
        assertTrue(CriuHints.hintFor(List.of("Error: mem_dirty_track not supported"), false).contains("-pre-dump"));
        assertTrue(CriuHints.hintFor(List.of("Error (criu/files-reg.c:1): File /x has bad size 10 (expect 20)"), true)
                .contains("differs or is missing"));
    }
}
