package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint-time checksums across export and import: a damaged checkpoint is not exported;
 * an archive whose own manifest was made again over a damaged file is still refused at import,
 * because the checksums recorded when the checkpoint was made travel in it; an archive without
 * them (an older export, Podman's) gets them recorded at import, so that later restores are
 * checked.
 */
class ArchiveIntegrityTest {
    @TempDir
    Path tmp;

    private CheckpointStore.Stored checkpoint(Path base, boolean withChecksums) throws IOException {
        return checkpoint(base, withChecksums, null);
    }

    /** As {@link #checkpoint(Path, boolean)}, pages-1.img modified at {@code pagesModified} (null: when written). */
    private CheckpointStore.Stored checkpoint(Path base, boolean withChecksums, FileTime pagesModified)
            throws IOException {
        CheckpointStore store = new CheckpointStore(base);
        CheckpointStore.Pending p = store.create("myapp", "cp1");
        Random random = new Random(3);
        for (String f : List.of("inventory.img", "pstree.img", "core-1.img")) {
            byte[] b = new byte[200];
            random.nextBytes(b);
            Files.write(p.dir().resolve(f), b);
        }
        byte[] pages = new byte[2 << 20];
        random.nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        Files.writeString(p.dir().resolve("dump.log"), "(00.1) Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        if (pagesModified != null) {
            Files.setLastModifiedTime(p.dir().resolve("pages-1.img"), pagesModified);
        }
        if (withChecksums) {
            p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        }
        p.commit();
        return store.open("myapp", "cp1");
    }

    private static byte[] export(CheckpointStore.Stored stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.export(stored, out, Compression.NONE, "test", ArchiveProgress.NONE);
        return out.toByteArray();
    }

    private static ArchiveImporter.Result importInto(Path base, byte[] archive) {
        return ArchiveImporter.importArchive(new ByteArrayInputStream(archive), new CheckpointStore(base), null, null,
                ArchiveImporter.Limits.DEFAULT, ArchiveProgress.NONE);
    }

    /** Flips a byte of {@code file}; its modification time is then {@code modified}. */
    private static void flip(Path file, long at, FileTime modified) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
        Files.setLastModifiedTime(file, modified);
    }

    /** A time after the checksums of the checkpoint in {@code dir} were recorded. */
    private static FileTime afterRecording(Path dir) {
        return FileTime.from(IntegrityCheck.read(dir).recordedAt().plusSeconds(1));
    }

    private static ArchiveManifest manifest(byte[] archive) throws IOException {
        for (Object[] e : read(archive)) {
            if (e[0].equals(ArchiveLayout.MANIFEST)) {
                return Json.mapper().readValue((byte[]) e[1], ArchiveManifest.class);
            }
        }
        throw new AssertionError("no manifest");
    }

    private static ArchiveManifest.Entry entry(ArchiveManifest m, String path) {
        return m.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void aFileChangedSinceTheCheckpointIsHashedAndADamagedOneIsNotExported() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true);
        // changed after the checksums were recorded (a later time): read, hashed and compared
        flip(stored.dir().resolve("pages-1.img"), 12345, afterRecording(stored.dir()));
        DcpException e = assertThrows(DcpException.class, () -> export(stored));
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, e.code());
        assertEquals("checkpoint myapp/cp1 is damaged: pages-1.img differs from the SHA-256 recorded when the"
                + " checkpoint was made", e.getMessage());
        assertTrue(e.hint().startsWith("nothing was exported"), e.hint());
        Files.delete(stored.dir().resolve("core-1.img"));
        DcpException missing = assertThrows(DcpException.class, () -> export(stored));
        assertEquals("checkpoint myapp/cp1 is damaged: core-1.img is missing", missing.getMessage());
    }

    @Test
    void aFileKeepingTheTimeItWasHashedWithIsCarriedWhateverTheClockSaidAndAnyOtherTimeIsHashedAgain()
            throws IOException {
        // written by a clock an hour ahead of the one that recorded the checksums
        FileTime ahead = FileTime.from(java.time.Instant.now().plusSeconds(3600));
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true, ahead);
        String recordedSum = IntegrityCheck.read(stored.dir()).byPath().get("pages-1.img").sha256();
        ArchiveManifest.Entry carried = entry(manifest(export(stored)), "checkpoint/pages-1.img");
        assertEquals(Boolean.TRUE, carried.recorded(), "the time it was hashed with, to the nanosecond");
        assertEquals(recordedSum, carried.sha256());
        // any other time, even an earlier one: read and hashed again
        Files.setLastModifiedTime(stored.dir().resolve("pages-1.img"), FileTime.from(ahead.toInstant().minusNanos(1)));
        ArchiveManifest.Entry hashed = entry(manifest(export(stored)), "checkpoint/pages-1.img");
        assertFalse(Boolean.TRUE.equals(hashed.recorded()), "a file with another time is read again");
        assertEquals(recordedSum, hashed.sha256());
    }

    @Test
    void checksumsOfAnEarlierVersionWithoutFileTimesTrustFilesNoNewerThanTheirRecording() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true);
        Checksums recorded = IntegrityCheck.read(stored.dir());
        CheckpointStore.writeJson(stored.dir().resolve(Checksums.FILE_NAME), new Checksums(recorded.format(),
                recorded.version(), recorded.algorithm(), recorded.recordedAt(), recorded.entries().stream()
                        .map(e -> new Checksums.Entry(e.path(), e.size(), e.sha256(), e.link())).toList()));
        assertTrue(IntegrityCheck.read(stored.dir()).entries().stream().allMatch(e -> e.modified() == null));
        assertEquals(Boolean.TRUE, entry(manifest(export(stored)), "checkpoint/pages-1.img").recorded());
        Files.setLastModifiedTime(stored.dir().resolve("pages-1.img"), afterRecording(stored.dir()));
        assertFalse(Boolean.TRUE.equals(entry(manifest(export(stored)), "checkpoint/pages-1.img").recorded()));
    }

    @Test
    void aByteDamagedWithItsTimeKeptIsRefusedByTheImportAndByAVerifiedExport() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true);
        Path pages = stored.dir().resolve("pages-1.img");
        // damaged in place after checkpoint time, its size and time as they were
        flip(pages, 777_777, Files.getLastModifiedTime(pages));

        // the export takes the recorded checksum of the unchanged-looking file without reading it twice
        byte[] archive = export(stored);
        ArchiveManifest.Entry carried = entry(manifest(archive), "checkpoint/pages-1.img");
        assertEquals(IntegrityCheck.read(stored.dir()).byPath().get("pages-1.img").sha256(), carried.sha256());
        assertEquals(Boolean.TRUE, carried.recorded());
        // the import hashes every file as it writes it, and names the damaged one before anything is kept
        Path base = tmp.resolve("dst");
        DcpException refused = assertThrows(DcpException.class, () -> importInto(base, archive));
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, refused.code());
        assertEquals("the archive is damaged: checkpoint/pages-1.img differs from the SHA-256 recorded at export",
                refused.getMessage());
        assertTrue(refused.hint().startsWith("nothing was imported; copy the archive again"), refused.hint());
        assertTrue(refused.hint().contains("verify-checkpoint"), refused.hint());
        assertFalse(Files.exists(base), "nothing is left behind");

        // --verify reads every file: the export itself refuses, naming the file
        DcpException verified = assertThrows(DcpException.class, () -> ArchiveExporter.export(stored,
                new ByteArrayOutputStream(), Compression.NONE, null, "test", ArchiveProgress.NONE, null, true));
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, verified.code());
        assertEquals("checkpoint myapp/cp1 is damaged: pages-1.img differs from the SHA-256 recorded when the"
                + " checkpoint was made", verified.getMessage());
        assertTrue(verified.hint().startsWith("nothing was exported"), verified.hint());
    }

    @Test
    void onlyFilesWithoutAnUnchangedRecordAreHashedUnlessVerified() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true);
        Files.setLastModifiedTime(stored.dir().resolve("core-1.img"), afterRecording(stored.dir()));
        Checksums sums = IntegrityCheck.read(stored.dir());
        ArchiveManifest m = manifest(export(stored));
        for (String f : List.of("inventory.img", "pstree.img", "pages-1.img")) {
            ArchiveManifest.Entry e = entry(m, "checkpoint/" + f);
            assertEquals(Boolean.TRUE, e.recorded(), f + " is taken from the checksums");
            assertEquals(sums.byPath().get(f).sha256(), e.sha256());
        }
        // touched since (hashed, and found intact), and not covered by the checksums (hashed)
        ArchiveManifest.Entry touched = entry(m, "checkpoint/core-1.img");
        assertEquals(null, touched.recorded());
        assertEquals(sums.byPath().get("core-1.img").sha256(), touched.sha256());
        ArchiveManifest.Entry log = entry(m, "dump.log");
        assertEquals(null, log.recorded());
        assertEquals(Sha256.hex(Files.readAllBytes(stored.dir().resolve("dump.log"))), log.sha256());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.export(stored, out, Compression.NONE, null, "test", ArchiveProgress.NONE, null, true);
        ArchiveManifest verified = manifest(out.toByteArray());
        assertTrue(verified.entries().stream().noneMatch(e -> Boolean.TRUE.equals(e.recorded())),
                "--verify hashes every file: " + verified.entries());
        assertEquals(entry(m, "checkpoint/pages-1.img").sha256(), entry(verified, "checkpoint/pages-1.img").sha256());
        // either archive imports, the verified one too
        assertEquals("every file matches the checksums recorded when the checkpoint was made",
                importInto(tmp.resolve("dst"), out.toByteArray()).checksums());
    }

    @Test
    void theChecksumsTravelAndAnIntactImportMatchesThem() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"), true);
        byte[] archive = export(stored);
        assertTrue(names(archive).contains(Checksums.FILE_NAME), "at the archive's top, beside container.json");
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), archive);
        assertEquals("every file matches the checksums recorded when the checkpoint was made", r.checksums());
        assertArrayEquals(Files.readAllBytes(stored.dir().resolve(Checksums.FILE_NAME)),
                Files.readAllBytes(r.dir().resolve(Checksums.FILE_NAME)), "kept as recorded at checkpoint time");
        assertEquals(Integrity.State.VERIFIED, new CheckpointStore(tmp.resolve("dst")).verifyIntegrity("myapp",
                "cp1", ProgressListener.NONE).state());
    }

    @Test
    void anArchiveWhoseManifestWasMadeAgainOverADamagedFileIsRefused() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src"), true));
        // flip a byte of the memory image and make the archive's manifest agree with it
        List<Object[]> entries = read(archive);
        String sha = null;
        for (Object[] e : entries) {
            if (e[0].equals("checkpoint/pages-1.img")) {
                byte[] data = (byte[]) e[1];
                data[777] ^= 0x01;
                sha = Sha256.hex(data);
            }
        }
        for (Object[] e : entries) {
            if (e[0].equals(ArchiveLayout.MANIFEST)) {
                ArchiveManifest m = Json.mapper().readValue((byte[]) e[1], ArchiveManifest.class);
                List<ArchiveManifest.Entry> fixed = new ArrayList<>();
                for (ArchiveManifest.Entry x : m.entries()) {
                    fixed.add(x.path().equals("checkpoint/pages-1.img") ? ArchiveManifest.Entry.file(x.path(),
                            x.size(), sha) : x);
                }
                e[1] = Json.mapper().writeValueAsBytes(new ArchiveManifest(m.format(), m.formatVersion(), m.tool(),
                        m.exportedAt(), m.container(), m.checkpoint(), m.compression(), fixed));
            }
        }
        Path base = tmp.resolve("dst");
        DcpException e = assertThrows(DcpException.class, () -> importInto(base, write(entries)));
        assertEquals(ErrorCode.CHECKPOINT_DAMAGED, e.code());
        assertEquals("the archive's checkpoint is damaged: pages-1.img differs from the SHA-256 recorded when the"
                + " checkpoint was made", e.getMessage());
        assertTrue(e.hint().startsWith("nothing was imported"), e.hint());
        assertFalse(Files.exists(base), "nothing is left behind");
    }

    @Test
    void anArchiveWithoutChecksumsGetsThemRecordedAtImport() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src"), false));
        assertFalse(names(archive).contains(Checksums.FILE_NAME));
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), archive);
        assertTrue(r.checksums().contains("recorded them for the imported files"), r.checksums());
        Checksums recorded = IntegrityCheck.read(r.dir());
        assertEquals(List.of("container.json", "core-1.img", "inventory.img", "pages-1.img", "pstree.img"),
                recorded.entries().stream().map(Checksums.Entry::path).toList(), "the log is not covered");
        CheckpointStore dst = new CheckpointStore(tmp.resolve("dst"));
        assertEquals(Integrity.State.VERIFIED, dst.verifyIntegrity("myapp", "cp1", ProgressListener.NONE).state());
        Files.write(r.dir().resolve("inventory.img"), new byte[200]);
        assertEquals(List.of(new Integrity.Damage("inventory.img", "differs from the SHA-256 recorded when the"
                + " checkpoint was made")), dst.verifyIntegrity("myapp", "cp1", ProgressListener.NONE).damaged());
    }

    @Test
    void aRealPodmanExportGetsChecksumsForItsFilesAtImport() throws IOException {
        byte[] archive;
        try (var in = ArchiveIntegrityTest.class.getResourceAsStream("/archives/podman-4.3.1-busybox.tar.zst")) {
            archive = in.readAllBytes();
        }
        ArchiveImporter.Result r = ArchiveImporter.importArchive(new ByteArrayInputStream(archive),
                new CheckpointStore(tmp.resolve("dst")), null, null, ArchiveImporter.Limits.DEFAULT,
                ArchiveProgress.NONE);
        Checksums recorded = IntegrityCheck.read(r.dir());
        for (String f : List.of("inventory.img", "pages-1.img", "config.dump", "spec.dump", "devshm-checkpoint.tar",
                "container.json")) {
            assertTrue(recorded.byPath().containsKey(f), f + " in " + recorded.byPath().keySet());
        }
        assertEquals(Integrity.State.VERIFIED, new CheckpointStore(tmp.resolve("dst")).verifyIntegrity(r.container(),
                r.name(), ProgressListener.NONE).state());
    }

    private static List<String> names(byte[] archive) throws IOException {
        return read(archive).stream().map(e -> (String) e[0]).toList();
    }

    /** Name, content (null for directories and links) and link target of each entry of an uncompressed archive. */
    private static List<Object[]> read(byte[] archive) throws IOException {
        List<Object[]> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                list.add(new Object[] {e.getName(), e.isFile() ? in.readAllBytes() : null, e});
            }
        }
        return list;
    }

    private static byte[] write(List<Object[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Object[] x : entries) {
                TarArchiveEntry e = (TarArchiveEntry) x[2];
                if (x[1] != null) {
                    e.setSize(((byte[]) x[1]).length);
                }
                t.putArchiveEntry(e);
                if (x[1] != null) {
                    t.write((byte[]) x[1]);
                }
                t.closeArchiveEntry();
            }
            t.finish();
        }
        return out.toByteArray();
    }
}
