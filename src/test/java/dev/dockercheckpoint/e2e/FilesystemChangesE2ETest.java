package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Files added, changed and deleted before the checkpoint look the same after a restore into a new container. */
@Tag("e2e")
class FilesystemChangesE2ETest extends BaseDirE2E {
    private static final String SCRIPT = String.join("; ",
            "echo hello-added > /data/added.txt",
            "chmod 0604 /data/added.txt",
            "mkdir -m 0710 /data/newdir",
            "echo nested > /data/newdir/inner",
            "chmod 0400 /data/newdir/inner",
            "ln -s /data/added.txt /data/link",
            "echo 'extra:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd",
            "chmod 0600 /etc/passwd",
            "rm /etc/group",
            "exec 3</data/added.txt",
            "i=0; while true; do echo fs-$i; i=$((i+1)); sleep 1; done");


    @Test
    void addedChangedAndDeletedFilesTravelWithTheCheckpoint() throws Exception {
        String app = E2E.name("fs");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", SCRIPT);
        E2E.waitForNumber(app, "fs-", 1, Duration.ofSeconds(20));
        String passwdBefore = E2E.exec(app, "cat", "/etc/passwd").output();

        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        Manifest m = new CheckpointStore(base).open(app, "checkpoint1").manifest();
        assertEquals(1, m.filesystem().deleted(), m.filesystem().toString());
        assertTrue(m.filesystem().added() >= 4, m.filesystem().toString());
        E2E.remove(app);

        String restored = E2E.name("fs-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", restored, "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());

        assertEquals("hello-added\n", E2E.exec(restored, "cat", "/data/added.txt").output());
        assertEquals("604", stat(restored, "%a", "/data/added.txt"));
        assertEquals("710", stat(restored, "%a", "/data/newdir"));
        assertEquals("nested\n", E2E.exec(restored, "cat", "/data/newdir/inner").output());
        assertEquals("400", stat(restored, "%a", "/data/newdir/inner"));
        assertEquals("/data/added.txt", E2E.exec(restored, "readlink", "/data/link").output().strip());
        assertEquals(passwdBefore, E2E.exec(restored, "cat", "/etc/passwd").output());
        assertEquals("600", stat(restored, "%a", "/etc/passwd"));
        E2E.ExecResult group = E2E.exec(restored, "ls", "/etc/group");
        assertTrue(group.exitCode() != 0, "the deleted file stays deleted: " + group);
        E2E.waitForNumber(restored, "fs-", 2, Duration.ofSeconds(20));
    }

    private static String stat(String container, String format, String path) throws InterruptedException {
        return E2E.exec(container, "stat", "-c", format, path).output().strip();
    }
}
