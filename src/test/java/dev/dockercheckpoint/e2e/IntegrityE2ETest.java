package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Container;
import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.ProgressListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The checksums of real checkpoints (real Docker, runc and CRIU): recorded when the checkpoint is
 * made; a byte flipped in a memory image makes the restore refuse, naming the file, with no
 * container (nor network holder) created, and the same checkpoint restores once the byte is put
 * back; verify-checkpoint through the command line as root and through the helper (as a member
 * of group docker, and with the helper's client); a checkpoint made without checksums restores
 * with a warning.
 */
@Tag("e2e")
class IntegrityE2ETest extends BaseDirE2E {

    /** A busybox counter checkpointed as cp1 (left running); returns the checkpoint directory. */
    private Path checkpointedCounter(String app) throws Exception {
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo count-$i; i=$((i+1)); sleep 1;"
                + " done");
        E2E.waitForNumber(app, "count-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-name", "cp1", "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        return base.resolve(app).resolve("cp1");
    }

    /** The largest memory image of a checkpoint. */
    private static Path largestPages(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pages-")).max((a, b) -> {
                try {
                    return Long.compare(Files.size(a), Files.size(b));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).orElseThrow();
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    /** The one error line of a failed command (progress lines come before it on stderr). */
    private static String errorLine(E2E.Cli r) {
        return r.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line)");
    }

    /** Names of every container of the engine, running or not (docker ps -a). */
    private static List<String> allContainerNames() {
        List<String> names = new ArrayList<>();
        for (Container c : E2E.docker().listContainersCmd().withShowAll(true).exec()) {
            Arrays.stream(c.getNames()).map(n -> n.startsWith("/") ? n.substring(1) : n).forEach(names::add);
        }
        return names;
    }

    @Test
    void aFlippedByteInAMemoryImageIsRefusedAtRestoreWithNothingCreatedAndTheIntactOneRestores() throws Exception {
        String app = E2E.name("flip");
        Path dir = checkpointedCounter(app);
        Checksums recorded = IntegrityCheck.read(dir);
        Path pages = largestPages(dir);
        String pagesName = pages.getFileName().toString();
        assertTrue(recorded.byPath().containsKey(pagesName), recorded.byPath().keySet().toString());
        for (String f : List.of("inventory.img", "pstree.img", "descriptors.json", "container.json", "stats-dump",
                "rootfs-diff.tar")) {
            assertTrue(recorded.byPath().containsKey(f), f + " in " + recorded.byPath().keySet());
        }
        assertFalse(recorded.byPath().containsKey("dump.log"), "the log is not covered");
        assertTrue(new CheckpointStore(base).open(app, "cp1").manifest().timingsMillis().containsKey("checksums"));

        long at = Files.size(pages) / 2;
        flip(pages, at);
        String restored = app + "-restored";
        E2E.track(restored);
        E2E.Cli refused = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored, "-dir",
                base.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertEquals("error: checkpoint " + app + "/cp1 is damaged: " + pagesName + " differs from the SHA-256"
                + " recorded when the checkpoint was made", errorLine(refused), refused.toString());
        assertTrue(refused.err().contains("hint: nothing was restored"), refused.toString());
        List<String> names = allContainerNames();
        assertFalse(names.contains(restored), "no container was created: " + names);
        assertFalse(names.contains(restored + "-netns"), "no network holder was created: " + names);
        CheckpointSummary listed = new CheckpointStore(base).list().stream()
                .map(new CheckpointStore(base)::summary).findFirst().orElseThrow();
        assertEquals(Integrity.State.DAMAGED, listed.integrity().state(), "the refused restore's check is kept");

        flip(pages, at); // put the byte back
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored, "-dir",
                base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("All 5 checks passed."), restore.toString());
        assertTrue(restore.err().contains("checking integrity"), "the check shows progress: " + restore.err());
        assertFalse(restore.err().contains("warning:"), restore.toString());
        long last = E2E.numbers(app, "count-").getLast();
        E2E.waitForNumber(restored, "count-", last, Duration.ofSeconds(20));
        assertEquals(Integrity.State.VERIFIED, new CheckpointStore(base).summary(new CheckpointStore(base).open(app,
                "cp1")).integrity().state(), "a restore's log and statistics do not count as changes");
    }

    @Test
    void aCheckpointWithoutChecksumsRestoresWithAWarning() throws Exception {
        String app = E2E.name("old");
        Path dir = checkpointedCounter(app);
        Files.delete(dir.resolve(Checksums.FILE_NAME)); // as an older version made it
        String restored = app + "-restored";
        E2E.track(restored);
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored, "-dir",
                base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.err().contains("warning: checkpoint " + app + "/cp1 was made without checksums, not"
                + " checked"), restore.toString());
        assertTrue(E2E.running(restored));
    }

    @Test
    void verifyCheckpointThroughTheCommandLineAndTheHelper() throws Exception {
        String app = E2E.name("verify");
        Path dir = checkpointedCounter(app);
        E2E.Cli ok = E2E.cli("verify-checkpoint", "-container", app, "-name", "cp1", "-dir", base.toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().startsWith("OK: checkpoint " + app + "/cp1 matches its checksums ("), ok.toString());

        HelperProcess.ensureUsers();
        try (HelperProcess helper = new HelperProcess().serving(base).start()) {
            List<String> phases = Collections.synchronizedList(new ArrayList<>());
            ProgressListener listener = new ProgressListener() {
                @Override
                public void phase(String phase, double fraction) {
                    phases.add(phase);
                }
            };
            try (HelperClient client = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(30))) {
                IntegrityReport report = client.verifyCheckpoint(base, app, "cp1", listener);
                assertEquals(Integrity.State.VERIFIED, report.state(), report.toString());
                assertEquals(IntegrityCheck.read(dir).entries().size(), report.checkedFiles());
                assertTrue(phases.stream().anyMatch(p -> p.startsWith("checking integrity (")), phases.toString());
                assertEquals(Integrity.State.VERIFIED, client.listCheckpoints(base).getFirst().integrity().state());

                Path pages = largestPages(dir);
                flip(pages, 100);
                E2E.Cli member = helper.runAs(HelperProcess.MEMBER, "verify-checkpoint", "-container", app, "-name",
                        "cp1", "-dir", base.toString());
                assertEquals(1, member.exit(), member.toString());
                assertEquals("error: checkpoint " + app + "/cp1 is damaged: " + pages.getFileName() + " differs from"
                        + " the SHA-256 recorded when the checkpoint was made", errorLine(member), member.toString());

                IntegrityReport damaged = client.verifyCheckpoint(base, app, "cp1", ProgressListener.NONE);
                assertEquals(Integrity.State.DAMAGED, damaged.state());
                assertEquals(List.of(new Integrity.Damage(pages.getFileName().toString(), "differs from the SHA-256"
                        + " recorded when the checkpoint was made")), damaged.damaged());
                CheckpointSummary listed = client.listCheckpoints(base).getFirst();
                assertEquals(Integrity.State.DAMAGED, listed.integrity().state());
            }
            helper.awaitLog("verify-checkpoint container=" + app, Duration.ofSeconds(10));
        }
    }
}
