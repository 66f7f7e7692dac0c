package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.NewFile;
import dev.dockercheckpoint.core.ProgressListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The export's two threads (this one reads, hashes and frames the files; "archive-compress"
 * compresses and writes): a failure on either side stops both, with its reason, and a cancel
 * leaves no file; nothing reaches the caller's stream once the export has returned.
 */
class ArchiveExportPipelineTest {
    private static final int PAGES = 24 << 20;

    @TempDir
    Path tmp;

    private CheckpointStore.Stored checkpoint() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve("src"));
        CheckpointStore.Pending p = store.create("myapp", "cp1");
        Random random = new Random(11);
        for (String f : List.of("inventory.img", "pstree.img", "core-1.img")) {
            byte[] b = new byte[300];
            random.nextBytes(b);
            Files.write(p.dir().resolve(f), b);
        }
        byte[] pages = new byte[PAGES];
        random.nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        p.commit();
        return store.open("myapp", "cp1");
    }

    /** The export's compressing threads that are still running. */
    private static List<Thread> compressing() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("archive-compress"))
                .filter(Thread::isAlive).toList();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFailingStreamStopsTheExportWithItsReason(boolean verify) throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        AtomicLong written = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (failed.get() || written.get() > 3 << 20) {
                    failed.set(true);
                    throw new IOException("No space left on device");
                }
                written.addAndGet(len);
            }
        };
        DcpException e = assertThrows(DcpException.class, () -> ArchiveExporter.export(stored, full,
                Compression.ZSTD, null, "test", ArchiveProgress.NONE, null, verify));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertEquals("cannot export myapp/cp1 (at checkpoint/pages-1.img): No space left on device", e.getMessage());
        assertEquals(List.of(), compressing(), "the compressing thread has ended");
        long after = written.get();
        Thread.sleep(100);
        assertEquals(after, written.get(), "nothing more is written");
    }

    @Test
    void aFileThatShrinksWhileItIsReadStopsBothThreadsAndLeavesNoFile() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        Path pages = stored.dir().resolve("pages-1.img");
        ArchiveProgress truncating = new ArchiveProgress() {
            private boolean done;

            @Override
            public void bytes(long bytes, long total, String entry) {
                if (!done && "checkpoint/pages-1.img".equals(entry)) {
                    done = true;
                    try (FileChannel ch = FileChannel.open(pages, StandardOpenOption.WRITE)) {
                        ch.truncate(PAGES / 2);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        };
        Path file = tmp.resolve("out").resolve("a.tar.zst");
        Files.createDirectories(file.getParent());
        DcpException e = assertThrows(DcpException.class, () -> NewFile.write(file, "-o",
                out -> ArchiveExporter.export(stored, out, Compression.ZSTD, "test", truncating)));
        assertEquals(ErrorCode.IO_ERROR, e.code());
        assertEquals(pages + " changed while it was exported", e.getMessage());
        assertEquals(List.of(), compressing());
        assertEquals(List.of(), list(file.getParent()), "no archive, no temporary file");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCancelStopsBothThreadsAndLeavesNoFile(boolean verify) throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        AtomicLong seen = new AtomicLong();
        ArchiveProgress cancelling = new ArchiveProgress() {
            @Override
            public void bytes(long bytes, long total, String entry) {
                seen.set(bytes);
            }

            @Override
            public boolean isCancelled() {
                return seen.get() > 5 << 20;
            }
        };
        Path file = tmp.resolve("out").resolve("a.tar.zst");
        Files.createDirectories(file.getParent());
        DcpException e = assertThrows(DcpException.class, () -> NewFile.write(file, "-o",
                out -> ArchiveExporter.export(stored, out, Compression.ZSTD, null, "test", cancelling, null, verify)));
        assertEquals(ErrorCode.CANCELLED, e.code());
        assertTrue(seen.get() < PAGES, "stopped in the middle: " + seen.get());
        assertEquals(List.of(), compressing());
        assertEquals(List.of(), list(file.getParent()), "no archive, no temporary file");
    }

    @Test
    void theArchiveIsCompleteWhenTheExportReturns() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.Result r = ArchiveExporter.export(stored, out, Compression.ZSTD, "test",
                ArchiveProgress.NONE);
        assertEquals(List.of(), compressing());
        assertEquals(out.size(), r.archiveBytes());
        ArchiveImporter.Result imported = ArchiveImporter.importArchive(new ByteArrayInputStream(out.toByteArray()),
                new CheckpointStore(tmp.resolve("dst")), null, null, ArchiveImporter.Limits.DEFAULT,
                ArchiveProgress.NONE);
        assertEquals(Files.mismatch(stored.dir().resolve("pages-1.img"), imported.dir().resolve("pages-1.img")), -1L);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
