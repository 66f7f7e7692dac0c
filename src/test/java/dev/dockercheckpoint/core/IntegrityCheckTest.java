package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.Integrity.Damage;
import dev.dockercheckpoint.core.Integrity.State;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checksums of a checkpoint's files: what is recorded, and each way a stored checkpoint's
 * files can differ from them (a changed byte, a truncated, missing or added file, a planted
 * symbolic link, a pre-dump's file or link), with the cheap status a listing shows, a checkpoint
 * made without checksums, and a checksums file that names paths outside the checkpoint.
 */
class IntegrityCheckTest {
    @TempDir
    Path tmp;
    private CheckpointStore store;
    private Path dir;

    /** A stored checkpoint like a real one (images, a pre-dump with CRIU's parent link, logs), with its checksums. */
    @BeforeEach
    void checkpoint() throws IOException {
        store = new CheckpointStore(tmp.resolve("base"));
        CheckpointStore.Pending p = store.create("app", "cp1");
        Path d = p.dir();
        Random random = new Random(5);
        Files.write(d.resolve("inventory.img"), bytes(random, 300));
        Files.write(d.resolve("pstree.img"), bytes(random, 120));
        Files.write(d.resolve("pages-1.img"), bytes(random, (3 << 20) + 77));
        Files.write(d.resolve("empty.img"), new byte[0]);
        Files.writeString(d.resolve("descriptors.json"), "[\"/dev/null\"]");
        Files.writeString(d.resolve("dump.log"), "(00.000001) Dumping finished successfully\n");
        Files.write(d.resolve("stats-dump"), bytes(random, 40));
        Files.write(d.resolve("rootfs-diff.tar"), bytes(random, 10240));
        Files.createDirectory(d.resolve("predump"));
        Files.write(d.resolve("predump/pages-1.img"), bytes(random, 5000));
        Files.writeString(d.resolve("predump/dump.log"), "pre-dump\n");
        Files.createSymbolicLink(d.resolve("parent"), Path.of("predump"));
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(d, ProgressListener.NONE, 0, 1));
        p.commit();
        dir = store.open("app", "cp1").dir();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private IntegrityReport verify() {
        return store.verifyIntegrity("app", "cp1", ProgressListener.NONE);
    }

    private Integrity listed() {
        return store.list().stream().map(store::summary).findFirst().orElseThrow().integrity();
    }

    /** Flips one bit of {@code file} in place, keeping its size and modification time. */
    private static void flip(Path file, long at) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        Files.setLastModifiedTime(file, mtime);
    }

    @Test
    void everyFileAndLinkIsRecordedButTheLogsAndTheChecksumsThemselves() throws IOException {
        Checksums c = IntegrityCheck.read(dir);
        assertEquals(Checksums.FORMAT, c.format());
        assertEquals("SHA-256", c.algorithm());
        assertEquals(List.of("container.json", "descriptors.json", "empty.img", "inventory.img", "pages-1.img",
                "parent", "predump/pages-1.img", "pstree.img", "rootfs-diff.tar", "stats-dump"),
                c.entries().stream().map(Checksums.Entry::path).toList());
        Checksums.Entry pages = c.byPath().get("pages-1.img");
        assertEquals((3 << 20) + 77, pages.size());
        assertEquals(Sha256.hex(Files.readAllBytes(dir.resolve("pages-1.img"))), pages.sha256());
        assertEquals("predump", c.byPath().get("parent").link());
        assertEquals(Sha256.hex(Files.readAllBytes(dir.resolve("container.json"))),
                c.byPath().get("container.json").sha256(), "container.json's final content is recorded");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(Checksums.FILE_NAME))));
    }

    @Test
    void anIntactCheckpointIsVerifiedAndTheListingSaysSoUntilAFileChanges() throws IOException {
        assertEquals(State.RECORDED, listed().state(), "recorded, not checked yet");
        List<String> phases = new CopyOnWriteArrayList<>();
        IntegrityReport r = store.verifyIntegrity("app", "cp1", new ProgressListener() {
            @Override
            public void phase(String phase, double fraction) {
                phases.add(phase);
            }
        });
        assertEquals(State.VERIFIED, r.state(), r.damaged().toString());
        assertEquals(10, r.checkedFiles());
        assertEquals(IntegrityCheck.read(dir).entries().stream().filter(e -> !e.isLink())
                .mapToLong(Checksums.Entry::size).sum(), r.bytes(), "every file's bytes were hashed");
        assertTrue(phases.getFirst().startsWith("checking integrity (9 files, "), phases.toString());
        assertTrue(phases.getLast().endsWith("hashed"), phases.toString());
        Integrity listed = listed();
        assertEquals(State.VERIFIED, listed.state());
        assertEquals(r.checkedAt(), listed.checkedAt());
        // a restore writes its log and statistics: not covered, still verified
        Files.writeString(dir.resolve("restore.log"), "restored\n");
        Files.writeString(dir.resolve("stats-restore"), "x");
        assertEquals(State.VERIFIED, listed().state());
        // a file written after the check (same size) makes the listing forget the check
        Files.write(dir.resolve("stats-dump"), Files.readAllBytes(dir.resolve("stats-dump")));
        Files.setLastModifiedTime(dir.resolve("stats-dump"), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(State.RECORDED, listed().state());
    }

    @Test
    void aChangedByteIsNamedAndTheListingKnowsAfterTheCheck() throws IOException {
        flip(dir.resolve("pages-1.img"), 1_000_000);
        assertEquals(State.RECORDED, listed().state(), "same size and time: only hashing can tell");
        IntegrityReport r = verify();
        assertEquals(State.DAMAGED, r.state());
        assertEquals(List.of(new Damage("pages-1.img", "differs from the SHA-256 recorded when the checkpoint was"
                + " made")), r.damaged());
        Integrity listed = listed();
        assertEquals(State.DAMAGED, listed.state());
        assertEquals(r.damaged(), listed.damaged());
    }

    @Test
    void aTruncatedFileIsSeenByTheListingWithoutReadingIt() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("pages-1.img").toFile(), "rw")) {
            f.setLength(4096);
        }
        Integrity listed = listed();
        assertEquals(State.DAMAGED, listed.state());
        assertEquals(List.of(new Damage("pages-1.img", "is 4096 bytes, " + ((3 << 20) + 77) + " were recorded")),
                listed.damaged());
        assertEquals(listed.damaged(), verify().damaged());
    }

    @Test
    void aMissingAndAnAddedFileAreBothNamed() throws IOException {
        Files.delete(dir.resolve("pstree.img"));
        Files.writeString(dir.resolve("core-99.img"), "planted");
        IntegrityReport r = verify();
        assertEquals(State.DAMAGED, r.state());
        assertEquals(List.of(new Damage("core-99.img", "was added (the checksums do not list it)"),
                new Damage("pstree.img", "is missing")), r.damaged());
        DcpException e = IntegrityCheck.damagedError("checkpoint app/cp1", r.damaged(), "make a new one");
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, e.code());
        assertEquals("checkpoint app/cp1 is damaged: core-99.img was added (the checksums do not list it);"
                + " pstree.img is missing", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aSymbolicLinkPlantedInPlaceOfAFileOrBesideThemIsDamage() throws IOException {
        Path pages = dir.resolve("pages-1.img");
        Path copy = tmp.resolve("elsewhere.img");
        Files.move(pages, copy);
        Files.createSymbolicLink(pages, copy); // same content, but not the checkpoint's file
        Files.createSymbolicLink(dir.resolve("ghost.img"), Path.of("/etc/shadow"));
        IntegrityReport r = verify();
        assertEquals(List.of(new Damage("ghost.img", "was added (a symbolic link to /etc/shadow that the checksums"
                + " do not list)"), new Damage("pages-1.img", "is a symbolic link (to " + copy
                        + "), where a file was recorded")), r.damaged());
        assertEquals(State.DAMAGED, listed().state());
    }

    @Test
    void aPreDumpsFilesAndItsParentLinkAreCheckedWithTheCheckpoint() throws IOException {
        flip(dir.resolve("predump/pages-1.img"), 10);
        Files.delete(dir.resolve("parent"));
        Files.createSymbolicLink(dir.resolve("parent"), Path.of("/tmp"));
        assertEquals(List.of(new Damage("parent", "points to /tmp, not to predump as recorded"),
                new Damage("predump/pages-1.img", "differs from the SHA-256 recorded when the checkpoint was made")),
                verify().damaged());
    }

    @Test
    void aCheckpointWithoutChecksumsIsReportedAsNotChecked() throws IOException {
        Files.delete(dir.resolve(Checksums.FILE_NAME));
        IntegrityReport r = verify();
        assertEquals(State.NONE, r.state());
        assertEquals(0, r.checkedFiles());
        assertEquals(State.NONE, listed().state());
        assertNull(IntegrityCheck.read(dir));
    }

    @Test
    void aChecksumsFileNamingAPathOutsideTheCheckpointIsRefusedBeforeAnythingIsRead() throws IOException {
        String planted = Files.readString(dir.resolve(Checksums.FILE_NAME)).replace("\"pstree.img\"",
                "\"../../../etc/shadow\"");
        Files.writeString(dir.resolve(Checksums.FILE_NAME), planted);
        DcpException e = assertThrows(DcpException.class, () -> IntegrityCheck.read(dir));
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, e.code());
        assertTrue(e.getMessage().contains("outside the checkpoint"), e.getMessage());
        IntegrityReport r = verify();
        assertEquals(State.DAMAGED, r.state());
        assertEquals("checksums.json", r.damaged().getFirst().path());
        assertEquals(State.DAMAGED, listed().state());
    }

    @Test
    void rewritingContainerJsonToMarkItIncompleteKeepsItsChecksumTrue() throws IOException {
        CheckpointStore.Pending p = store.create("app", "cp2");
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.writeString(p.dir().resolve("dump.log"), "Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest().withIncomplete("interrupted"));
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        p.writeManifest(ManifestFixtures.fullManifest()); // the final container.json
        String partial = p.partialName();
        p.keep(); // as a helper killed before the rename leaves it
        CheckpointStore.Repaired repaired = store.repairPartial("app", partial, d -> true, "repaired");
        assertEquals(CheckpointStore.Outcome.KEPT, repaired.outcome());
        assertEquals(State.VERIFIED, store.verifyIntegrity("app", "cp2", ProgressListener.NONE).state());
    }

    @Test
    void aCancelledCheckStopsWithCancelled() {
        DcpException e = assertThrows(DcpException.class, () -> store.verifyIntegrity("app", "cp1",
                new ProgressListener() {
                    @Override
                    public boolean isCancelled() {
                        return true;
                    }
                }));
        assertEquals(ErrorCode.CANCELLED, e.code());
    }

    @Test
    void aReaderThatHashesItselfIsStoppedAtTheFirstFileThatDiffers() throws IOException {
        IntegrityCheck.Recorded recorded = IntegrityCheck.beforeReading(dir, "checkpoint app/cp1", "hint");
        assertNotNull(recorded);
        Checksums.Entry pages = IntegrityCheck.read(dir).byPath().get("pages-1.img");
        recorded.check("pages-1.img", pages.size(), pages.sha256());
        recorded.check("dump.log", 3, "00"); // not covered
        DcpException e = assertThrows(DcpException.class, () -> recorded.check("pages-1.img", pages.size(),
                "0".repeat(64)));
        assertEquals("checkpoint app/cp1 is damaged: pages-1.img differs from the SHA-256 recorded when the"
                + " checkpoint was made", e.getMessage());
        Files.delete(dir.resolve("empty.img"));
        DcpException missing = assertThrows(DcpException.class, () -> IntegrityCheck.beforeReading(dir,
                "checkpoint app/cp1", "hint"));
        assertTrue(missing.getMessage().endsWith("empty.img is missing"), missing.getMessage());
    }

    @Test
    void manyFilesAreHashedOnSeveralThreadsAndAllCounted() throws IOException {
        CheckpointStore.Pending p = store.create("app", "many");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String n = "fdinfo-" + i + ".img";
            Files.writeString(p.dir().resolve(n), "fd " + i, StandardCharsets.UTF_8);
            names.add(n);
        }
        Checksums c = IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1);
        assertEquals(200, c.entries().size());
        for (String n : names) {
            assertEquals(Sha256.hex(Files.readAllBytes(p.dir().resolve(n))), c.byPath().get(n).sha256());
        }
        p.abort();
    }
}
