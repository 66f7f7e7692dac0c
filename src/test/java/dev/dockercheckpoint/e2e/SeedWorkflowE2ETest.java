package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Posix;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The seed's Example Workflow, through the command line, on the real engine. */
@Tag("e2e")
class SeedWorkflowE2ETest extends BaseDirE2E {


    @Test
    void counterContinuesFromTheCheckpointedValueInANewContainer() throws Exception {
        String app = E2E.name("counter");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo count-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "count-", 3, Duration.ofSeconds(20));

        E2E.Cli dump = E2E.cli("-container", app, "-name", "checkpoint1", "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        long lastBefore = E2E.numbers(app, "count-").getLast();
        assertTrue(dump.out().contains("Checkpoint created"), dump.toString());
        assertTrue(E2E.running(app), "leave-running is the default");

        Path dir = base.resolve(app).resolve("checkpoint1");
        for (String f : List.of("container.json", "dump.log", "stats-dump", "inventory.img", "pstree.img",
                "rootfs-diff.tar", "deleted.files")) {
            assertTrue(Files.isRegularFile(dir.resolve(f), LinkOption.NOFOLLOW_LINKS), f + " in " + dir);
        }
        assertTrue(Files.readString(dir.resolve("dump.log")).contains("Dumping finished successfully"));
        assertEquals(0700, Posix.mode(dir) & 07777);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertEquals(Files.isDirectory(f) ? 0700 : 0600, Posix.mode(f) & 07777, f.toString());
            }
        }
        try (Stream<Path> siblings = Files.list(dir.getParent())) {
            assertEquals(List.of(dir), siblings.toList(), "no temporary directory is left behind");
        }
        Manifest m = new CheckpointStore(base).open(app, "checkpoint1").manifest();
        assertEquals(app, m.containerName());
        assertEquals(List.of("sh", "-c", "i=0; while true; do echo count-$i; i=$((i+1)); sleep 1; done"), m.spec().cmd());
        assertEquals("none", m.spec().networkMode());
        assertTrue(m.options().leaveRunning() && m.options().tcpEstablished() && m.options().fileLocks());
        assertTrue(m.versions().criu().startsWith("4."), m.versions().toString());
        assertTrue(m.timingsMillis().get("dump") > 0);

        E2E.docker().stopContainerCmd(app).withTimeout(1).exec();
        E2E.remove(app);

        String restored = app + "-restored";
        E2E.track(restored);
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "checkpoint1", "-new-name", restored,
                "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("All 5 checks passed."), restore.toString());
        assertTrue(restore.out().contains("CRIU restore time: "), "restore statistics shown: " + restore);
        for (String check : List.of("Container status", "Process running", "Docker API responds", "Logs available",
                "Stats produced")) {
            assertTrue(restore.out().contains("[PASS] " + check), check + "\n" + restore);
        }
        assertTrue(E2E.running(restored));
        E2E.waitForNumber(restored, "count-", lastBefore + 1, Duration.ofSeconds(20));
        long first = E2E.numbers(restored, "count-").getFirst();
        assertTrue(first >= lastBefore && first > 0,
                "restored counter starts at " + first + ", checkpointed at " + lastBefore + " (not from 0)");
        assertTrue(Files.readString(dir.resolve("restore.log")).contains("Restore finished successfully"),
                "restore.log copied back into the checkpoint");
    }
}
