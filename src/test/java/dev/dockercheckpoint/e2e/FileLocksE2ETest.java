package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** -file-locks: a lock on a file created at run time fails without it, and is held again after a restore. */
@Tag("e2e")
class FileLocksE2ETest extends BaseDirE2E {


    @Test
    void lockIsRefusedWithoutFileLocksAndHeldAgainAfterRestore() throws Exception {
        String app = E2E.name("lock");
        E2E.runContainer(app, E2E.TOOLS, "locker", "/tmp/lockfile");
        E2E.waitForNumber(app, "lock-", 1, Duration.ofSeconds(20));
        assertEquals("held", E2E.exec(app, "locker", "-t", "/tmp/lockfile").output().strip());

        E2E.Cli without = E2E.cli("-container", app, "-name", "nolocks", "-file-locks=false", "-dir", base.toString());
        assertEquals(1, without.exit(), without.toString());
        assertTrue(without.err().contains("file locks"), without.toString());
        assertFalse(Files.exists(base.resolve(app).resolve("nolocks")));
        assertTrue(E2E.running(app));

        E2E.Cli with = E2E.cli("-container", app, "-name", "locks", "-dir", base.toString());
        assertEquals(0, with.exit(), with.toString());
        long checkpointed = E2E.numbers(app, "lock-").getLast();
        E2E.remove(app);

        String restored = E2E.name("lock-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "locks", "-new-name", restored,
                "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        E2E.ExecResult probe = E2E.exec(restored, "locker", "-t", "/tmp/lockfile");
        assertEquals("held", probe.output().strip(), "the restored process holds the lock again");
        assertEquals(1, probe.exitCode());
        E2E.waitForNumber(restored, "lock-", checkpointed + 1, Duration.ofSeconds(20));
        // the run-time file travelled with the checkpoint, with its mode
        assertEquals("640", E2E.exec(restored, "stat", "-c", "%a", "/tmp/lockfile").output().strip());
    }
}
