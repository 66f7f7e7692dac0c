package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRIU settings of one restore, as runc reads them through the org.criu.config annotation. */
class CriuRestoreConfigTest {
    @TempDir
    Path tmp;

    @Test
    void theFileHoldsTheSettingsAndAPlainLogPathAndIsEmptiedAfterTheRestore() throws Exception {
        Path dir = tmp.resolve("criu");
        CriuRestoreConfig c = CriuRestoreConfig.create(dir, List.of("tcp-established", "mntns-compat-mode"));
        assertEquals(List.of("tcp-established", "mntns-compat-mode", "log-file " + c.log()),
                Files.readAllLines(c.file()));
        assertEquals(0600, Posix.mode(c.file()) & 0777);
        assertTrue(CriuRestoreConfig.plain(c.log().toString()), "CRIU cannot parse a log path with a space");

        // CRIU wrote its log; the checkpoint lives under a path with a space
        Files.writeString(c.log(), "(00.000001) Restore finished successfully\n");
        Path checkpoint = Files.createDirectories(tmp.resolve("my checkpoints/app/cp1"));
        c.finish(checkpoint.resolve("restore.log"));

        assertEquals("(00.000001) Restore finished successfully\n",
                Files.readString(checkpoint.resolve("restore.log")));
        assertFalse(Files.exists(c.log()));
        assertTrue(Files.exists(c.file()), "kept: the annotation still names it for later dumps");
        assertEquals("", Files.readString(c.file()), "later dumps of the container get no restore settings");
    }

    @Test
    void aRestoreThatNeverStartedLeavesNothing() throws Exception {
        CriuRestoreConfig c = CriuRestoreConfig.create(tmp, List.of());
        c.discard();
        assertFalse(Files.exists(c.file()));
    }

    @Test
    void valuesWithSpacesQuotesOrCommentsAreNotPlain() {
        assertTrue(CriuRestoreConfig.plain("/var/lib/docker-checkpoint/criu/x.restore.log"));
        assertFalse(CriuRestoreConfig.plain("/tmp/my checkpoints/restore.log"));
        assertFalse(CriuRestoreConfig.plain("/tmp/a\"b"));
        assertFalse(CriuRestoreConfig.plain("/tmp/a#b"));
    }
}
