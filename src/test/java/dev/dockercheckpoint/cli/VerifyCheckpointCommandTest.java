package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify-checkpoint} and the listing's INTEGRITY column, in process as root (no Docker needed). */
class VerifyCheckpointCommandTest {
    @TempDir
    Path tmp;
    private Path base;
    private Path cp;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void checkpoint() throws Exception {
        assumeTrue(Posix.isRoot(), "in process as root; other users check through the helper");
        base = tmp.resolve("cps");
        CheckpointStore.Pending p = new CheckpointStore(base).create("web", "cp1");
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pages-1.img"), new byte[70_000]);
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        cp = p.commit();
    }

    @Test
    void anIntactCheckpointPassesAndTheListSaysVerified() {
        Run r = run("verify-checkpoint", "-container", "web", "-name", "cp1", "-dir", base.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("OK: checkpoint web/cp1 matches its checksums (3 files, "), r.out());
        assertTrue(r.err().contains("checking integrity (3 files"), "progress on stderr: " + r.err());
        Run list = run("list", "-dir", base.toString());
        assertTrue(list.out().lines().skip(1).findFirst().orElseThrow().matches(".*\\s+verified\\s+.*"), list.out());
    }

    @Test
    void aDamagedCheckpointFailsWithOneErrorLineNamingTheFile() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(cp.resolve("pages-1.img").toFile(), "rw")) {
            f.seek(100);
            f.write(1);
        }
        Run r = run("verify-checkpoint", "-container", "web", "-name", "cp1", "-dir", base.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("error: checkpoint web/cp1 is damaged: pages-1.img differs from the SHA-256"
                + " recorded when the checkpoint was made\n"), r.err());
        assertTrue(r.err().contains("hint: do not restore it"), r.err());
        Run json = run("verify-checkpoint", "-container", "web", "-dir", base.toString(), "-name", "cp1", "--json");
        assertEquals(1, json.exit());
        assertEquals("damaged", Json.mapper().readTree(json.out()).path("state").asText(), json.out());
        Run list = run("list", "-dir", base.toString());
        assertTrue(list.out().contains(" damaged ") && list.out().contains("DAMAGED: pages-1.img differs"), list.out());
    }

    @Test
    void aCheckpointWithoutChecksumsSaysItWasNotChecked() throws Exception {
        Files.delete(cp.resolve(Checksums.FILE_NAME));
        Run r = run("verify-checkpoint", "-container", "web", "-name", "cp1", "-dir", base.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("The checkpoint web/cp1 was made without checksums (by an older version): not checked.\n",
                r.out());
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsRead() {
        Run r = run("verify-checkpoint", "-container", "../web", "-dir", base.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: "), r.err());
        Run missing = run("verify-checkpoint", "-dir", base.toString());
        assertEquals(2, missing.exit(), "-container is required");
    }
}
