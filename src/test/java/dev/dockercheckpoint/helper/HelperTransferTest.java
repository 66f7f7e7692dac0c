package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.Frames;
import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export and import through the helper over a real Unix socket: the archive in frames, progress,
 * cancel and disconnect in the middle (an import then leaves nothing), hostile frames, the size
 * bound, strict fields, and the operation limit.
 */
class HelperTransferTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    HelperHarness helper;
    Path base;
    Path other;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir, new HelperConfig.Limits(256, 128, 2, 4096, 16L << 20));
        base = helper.config.baseDirs().get(0);
        other = helper.config.baseDirs().get(1);
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    /** A stored checkpoint web/{@code name} in {@code base} with {@code pages} random bytes of memory. */
    private void checkpoint(String name, int pages) throws IOException {
        CheckpointStore.Pending p = new CheckpointStore(base).create("web", name);
        Random random = new Random(7);
        byte[] memory = new byte[pages];
        random.nextBytes(memory);
        Files.write(p.dir().resolve("pages-1.img"), memory);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "(00.000001) Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
    }

    private HelperClient client() {
        return HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5));
    }

    /** Relative path → SHA-less content summary (size and first bytes) of every file under {@code d}. */
    private static Map<String, String> files(Path d) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(d)) {
            return m;
        }
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                m.put(d.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /** Every path under {@code d}, hidden temporary directories included. */
    private static List<String> everything(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(d)) {
            return walk.map(p -> d.relativize(p).toString()).filter(s -> !s.isEmpty()).sorted().toList();
        }
    }

    private byte[] exported(String name, String compression) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (HelperClient c = client()) {
            c.export(base, "web", name, compression, out, TransferListener.NONE);
        }
        return out.toByteArray();
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> entryNames(byte[] tar) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new ByteArrayInputStream(tar))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void exportWithVolumesCarriesTheVolumeTheEngineNames() throws Exception {
        checkpoint("vols", 1000);
        Path volume = Files.createDirectory(dir.resolve("appcache-data"));
        Files.writeString(volume.resolve("kept.txt"), "in the volume");
        helper.engine.volumes.put("appcache", volume); // the fixture's container mounted volume appcache
        ByteArrayOutputStream with = new ByteArrayOutputStream();
        List<String> notes = new CopyOnWriteArrayList<>();
        try (HelperClient c = client()) {
            c.export(base, "web", "vols", "none", true, with, new TransferListener() {
                @Override
                public void note(String message) {
                    notes.add(message);
                }
            });
        }
        assertTrue(notes.contains(dev.dockercheckpoint.core.archive.ArchiveExporter.VOLUMES_NOTE), notes.toString());
        assertTrue(entryNames(with.toByteArray()).contains("volumes/appcache.tar"),
                entryNames(with.toByteArray()).toString());
        assertTrue(entryNames(exported("vols", "none")).stream().noneMatch(n -> n.startsWith("volumes")),
                "without withVolumes no volume travels");
        helper.engine.volumes.clear();
        try (HelperClient c = client()) {
            DcpException e = assertThrows(DcpException.class, () -> c.export(base, "web", "vols", "none", true,
                    OutputStream.nullOutputStream(), TransferListener.NONE));
            assertTrue(e.getMessage().contains("volume appcache"), e.getMessage());
        }
    }

    @Test
    void verifyHasTheHelperReadEveryFileAndRefuseADamagedCheckpoint() throws Exception {
        CheckpointStore.Pending p = new CheckpointStore(base).create("web", "checked");
        byte[] memory = new byte[2 << 20];
        new Random(9).nextBytes(memory);
        Path pages = p.dir().resolve("pages-1.img");
        Files.write(pages, memory);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(dev.dockercheckpoint.core.IntegrityCheck.record(p.dir(),
                dev.dockercheckpoint.core.ProgressListener.NONE, 0, 1));
        p.commit();
        pages = base.resolve("web/checked/pages-1.img");
        // a byte damaged after checkpoint time, the file's size and time kept
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(pages);
        memory[4321] ^= 0x10;
        Files.write(pages, memory);
        Files.setLastModifiedTime(pages, time);

        try (HelperClient c = client()) {
            DcpException e = assertThrows(DcpException.class, () -> c.export(base, "web", "checked", "none", false,
                    true, OutputStream.nullOutputStream(), TransferListener.NONE));
            assertEquals(ErrorCode.CHECKPOINT_DAMAGED, e.code(), e.getMessage());
            assertEquals("checkpoint web/checked is damaged: pages-1.img differs from the SHA-256 recorded when the"
                    + " checkpoint was made", e.getMessage());
            // without verify the export takes the recorded checksum; the import reads the file and refuses
            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            c.export(base, "web", "checked", "none", false, false, archive, TransferListener.NONE);
            DcpException refused = assertThrows(DcpException.class, () -> c.importArchive(other, null, null, 0,
                    new ByteArrayInputStream(archive.toByteArray()), archive.size(), TransferListener.NONE));
            assertEquals(ErrorCode.CHECKPOINT_DAMAGED, refused.code(), refused.getMessage());
            assertEquals("the archive is damaged: checkpoint/pages-1.img differs from the SHA-256 recorded at export",
                    refused.getMessage());
        }
        assertEquals(List.of(), everything(other));
    }

    @Test
    void anArchiveExportedThroughTheHelperImportsUnderAnotherNameWithEveryFileIntact() throws Exception {
        checkpoint("cp1", 3 << 20);
        List<Double> fractions = new CopyOnWriteArrayList<>();
        long[] lastBytes = {0};
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        ExportInfo exported;
        try (HelperClient c = client()) {
            exported = c.export(base, "web", "cp1", "gzip", archive, new TransferListener() {
                @Override
                public void progress(long bytes, double fraction) {
                    fractions.add(fraction);
                    lastBytes[0] = bytes;
                }
            });
        }
        assertEquals("web", exported.container());
        assertEquals("gzip", exported.compression());
        assertEquals(archive.size(), exported.archiveBytes(), "every byte the helper sent reached the sink");
        assertEquals(archive.size(), lastBytes[0]);
        assertEquals(1.0, fractions.getLast(), 1e-9, fractions.toString());
        assertEquals(0x1f, archive.toByteArray()[0] & 0xff, "gzip, as asked");

        List<String> notes = new CopyOnWriteArrayList<>();
        List<Double> importFractions = new CopyOnWriteArrayList<>();
        ImportInfo imported;
        try (HelperClient c = client()) {
            imported = c.importArchive(other, "web-copy", "cp2", 0, new ByteArrayInputStream(archive.toByteArray()),
                    archive.size(), new TransferListener() {
                        @Override
                        public void progress(long bytes, double fraction) {
                            importFractions.add(fraction);
                        }

                        @Override
                        public void note(String message) {
                            notes.add(message);
                        }
                    });
        }
        assertEquals("web-copy", imported.container());
        assertEquals("cp2", imported.name());
        assertEquals(other.resolve("web-copy").resolve("cp2").toString(), imported.dir());
        assertTrue(imported.verified(), "checked against the manifest");
        assertEquals(1.0, importFractions.getLast(), 1e-9);
        Map<String, String> original = files(base.resolve("web").resolve("cp1"));
        Map<String, String> copy = files(other.resolve("web-copy").resolve("cp2"));
        for (String f : List.of("pages-1.img", "inventory.img", "dump.log")) {
            assertEquals(original.get(f), copy.get(f), f);
        }
        // the same archive once more under the same names: refused, and the first copy stays
        try (HelperClient c = client()) {
            DcpException again = assertThrows(DcpException.class, () -> c.importArchive(other, "web-copy", "cp2", 0,
                    new ByteArrayInputStream(archive.toByteArray()), archive.size(), TransferListener.NONE));
            assertEquals(ErrorCode.CHECKPOINT_EXISTS, again.code(), again.getMessage());
        }
        assertEquals(copy, files(other.resolve("web-copy").resolve("cp2")));
    }

    @Test
    void aCancelledExportStopsAndFreesItsOperation() throws Exception {
        checkpoint("big", 48 << 20);
        AtomicBoolean cancel = new AtomicBoolean();
        OutputStream slow = new OutputStream() {
            long written;

            @Override
            public void write(int b) {
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written += len;
                if (written > (1 << 20)) {
                    cancel.set(true);
                }
                sleep(20);
            }
        };
        try (HelperClient c = client()) {
            DcpException stopped = assertThrows(DcpException.class, () -> c.export(base, "web", "big", "none", slow,
                    new TransferListener() {
                        @Override
                        public boolean isCancelled() {
                            return cancel.get();
                        }
                    }));
            assertEquals(ErrorCode.CANCELLED, stopped.code(), stopped.getMessage());
            // the limit is two operations: both free again
            assertTrue(exported("big", "zstd").length > 0);
            assertTrue(exported("big", "zstd").length > 0);
        }
    }

    @Test
    void aCancelledImportLeavesNothing() throws Exception {
        checkpoint("cp1", 8 << 20);
        byte[] archive = exported("cp1", "none");
        AtomicBoolean cancel = new AtomicBoolean();
        InputStream slow = new FilterInputStream(new ByteArrayInputStream(archive)) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 64 * 1024));
                read += Math.max(n, 0);
                if (read > archive.length / 2) {
                    cancel.set(true);
                }
                sleep(5);
                return n;
            }
        };
        try (HelperClient c = client()) {
            DcpException stopped = assertThrows(DcpException.class, () -> c.importArchive(other, null, null, 0, slow,
                    archive.length, new TransferListener() {
                        @Override
                        public boolean isCancelled() {
                            return cancel.get();
                        }
                    }));
            assertEquals(ErrorCode.CANCELLED, stopped.code(), stopped.getMessage());
        }
        assertEquals(List.of(), everything(other), "nothing of the import is left");
    }

    @Test
    void aSourceThatFailsStopsTheImportWithItsReason() throws Exception {
        checkpoint("cp1", 2 << 20);
        byte[] archive = exported("cp1", "zstd");
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(archive, 0, archive.length / 2)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new IOException("Input/output error");
                }
                return n;
            }
        };
        try (HelperClient c = client()) {
            DcpException e = assertThrows(DcpException.class, () -> c.importArchive(other, null, null, 0, failing,
                    -1, TransferListener.NONE));
            assertEquals(ErrorCode.IO_ERROR, e.code());
            assertEquals("cannot read the archive: Input/output error", e.getMessage());
        }
        assertEquals(List.of(), everything(other));
    }

    @Test
    void aClientThatGoesAwayInTheMiddleOfAnImportLeavesNothing() throws Exception {
        checkpoint("cp1", 6 << 20);
        byte[] archive = exported("cp1", "none");
        try (RawTransfer raw = new RawTransfer(helper.socket)) {
            raw.line("{\"type\":\"import\",\"id\":\"i1\",\"dir\":" + json(other.toString()) + "}");
            JsonNode stream = raw.message();
            assertEquals("stream", stream.path("type").asText(), stream.toString());
            assertEquals("client", stream.path("sender").asText());
            for (int off = 0; off < archive.length / 2; off += Frames.MAX_DATA) {
                raw.write(Frames.data(archive, off, Math.min(Frames.MAX_DATA, archive.length / 2 - off)));
            }
            waitUntil("the import writes into its temporary directory",
                    () -> uncheckedEverything(other).stream().anyMatch(p -> p.contains(".partial-")));
        }
        waitUntil("the import's files are removed", () -> uncheckedEverything(other).isEmpty());
        // and the helper is none the worse for it
        try (HelperClient c = client()) {
            c.importArchive(other, null, null, 0, new ByteArrayInputStream(archive), archive.length,
                    TransferListener.NONE);
        }
        assertEquals(files(base.resolve("web/cp1")).get("pages-1.img"), files(other.resolve("web/cp1"))
                .get("pages-1.img"));
    }

    @Test
    void aClientThatGoesAwayInTheMiddleOfAnExportStopsIt() throws Exception {
        checkpoint("big", 48 << 20);
        try (RawTransfer raw = new RawTransfer(helper.socket)) {
            raw.line("{\"type\":\"export\",\"id\":\"e1\",\"container\":\"web\",\"name\":\"big\",\"dir\":"
                    + json(base.toString()) + ",\"compression\":\"none\"}");
            JsonNode stream = raw.message();
            assertEquals("helper", stream.path("sender").asText(), stream.toString());
            assertTrue(stream.path("total").asLong() > 48 << 20, stream.toString());
            raw.readSomeData(2 << 20);
        }
        // both operations of the limit are free again once the export noticed
        waitUntil("the export stops", () -> {
            try (HelperClient c = client(); HelperClient d = client()) {
                Thread[] t = new Thread[2];
                DcpException[] failed = new DcpException[2];
                HelperClient[] cs = {c, d};
                for (int k = 0; k < 2; k++) {
                    int n = k;
                    t[k] = Thread.ofVirtual().start(() -> {
                        try {
                            cs[n].export(base, "web", "big", "zstd", OutputStream.nullOutputStream(),
                                    TransferListener.NONE);
                        } catch (DcpException e) {
                            failed[n] = e;
                        }
                    });
                }
                for (Thread th : t) {
                    th.join();
                }
                return failed[0] == null && failed[1] == null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void hostileFrameLengthsAreRefusedAndTheConnectionClosed() throws Exception {
        for (int length : new int[] {Integer.MAX_VALUE, Frames.MAX_DATA + 1, -2, Integer.MIN_VALUE}) {
            try (RawTransfer raw = new RawTransfer(helper.socket)) {
                raw.line("{\"type\":\"import\",\"id\":\"h\",\"dir\":" + json(other.toString()) + "}");
                assertEquals("stream", raw.message().path("type").asText());
                raw.write(Frames.header(length));
                JsonNode error = raw.message();
                assertEquals("INVALID_INPUT", error.path("code").asText(), error.toString());
                assertTrue(error.path("message").asText().contains("frame length " + length), error.toString());
                assertTrue(raw.ended(), "the connection is closed: its bytes are out of step");
            }
        }
        assertEquals(List.of(), everything(other));
    }

    @Test
    void anArchiveOverMaxBytesIsRefusedWithNothingLeft() throws Exception {
        checkpoint("cp1", 2 << 20);
        byte[] archive = exported("cp1", "zstd");
        try (HelperClient c = client()) {
            DcpException big = assertThrows(DcpException.class, () -> c.importArchive(other, null, null, 1 << 20,
                    new ByteArrayInputStream(archive), archive.length, TransferListener.NONE));
            assertEquals(ErrorCode.INVALID_INPUT, big.code());
            assertTrue(big.getMessage().contains("1.0 MiB"), big.getMessage());
        }
        assertEquals(List.of(), everything(other));
        try (var c = helper.connect()) {
            JsonNode over = c.ask("{\"type\":\"import\",\"id\":\"m\",\"maxBytes\":" + ((64L << 30) + 1) + "}");
            assertEquals("INVALID_INPUT", over.path("code").asText(), over.toString());
            assertTrue(over.path("message").asText().contains("maxBytes"), over.toString());
        }
    }

    @Test
    void fieldsAreCheckedStrictlyBeforeAnyByteMoves() throws Exception {
        checkpoint("cp1", 1000);
        try (var c = helper.connect()) {
            JsonNode path = c.ask("{\"type\":\"export\",\"id\":\"1\",\"container\":\"web\",\"output\":\"/etc/passwd\"}");
            assertEquals("INVALID_INPUT", path.path("code").asText(), path.toString());
            assertTrue(path.path("message").asText().contains("\"output\""), path.toString());
            JsonNode file = c.ask("{\"type\":\"import\",\"id\":\"2\",\"file\":\"/etc/shadow\"}");
            assertTrue(file.path("message").asText().contains("\"file\""), file.toString());
            JsonNode bzip = c.ask("{\"type\":\"export\",\"id\":\"3\",\"container\":\"web\",\"compression\":\"bzip2\"}");
            assertTrue(bzip.path("message").asText().contains("zstd, gzip, none"), bzip.toString());
            JsonNode notServed = c.ask("{\"type\":\"export\",\"id\":\"4\",\"container\":\"web\",\"dir\":\"/etc\"}");
            assertEquals("DIRECTORY_NOT_ALLOWED", notServed.path("code").asText(), notServed.toString());
            JsonNode missing = c.ask("{\"type\":\"export\",\"id\":\"5\",\"container\":\"web\",\"name\":\"nope\",\"dir\":"
                    + json(base.toString()) + "}");
            assertEquals("CHECKPOINT_NOT_FOUND", missing.path("code").asText(), missing.toString());
            JsonNode badName = c.ask("{\"type\":\"import\",\"id\":\"6\",\"name\":\"../x\"}");
            assertEquals("INVALID_INPUT", badName.path("code").asText(), badName.toString());
            // none of them switched the connection to frames: it still answers lines
            JsonNode doctor = c.ask("{\"type\":\"doctor\",\"id\":\"7\"}");
            assertEquals("result", doctor.path("type").asText(), doctor.toString());
        }
    }

    @Test
    void aTransferCountsAgainstTheUsersOperations() throws Exception {
        checkpoint("cp1", 1000);
        try (var c = helper.connect()) {
            c.send("{\"type\":\"checkpoint\",\"id\":\"a\",\"container\":\"block-a\"}");
            c.send("{\"type\":\"checkpoint\",\"id\":\"b\",\"container\":\"block-b\"}");
            helper.engine.awaitStarted("block-a");
            helper.engine.awaitStarted("block-b");
            try (HelperClient client = client()) {
                DcpException busy = assertThrows(DcpException.class, () -> client.export(base, "web", "cp1", null,
                        OutputStream.nullOutputStream(), TransferListener.NONE));
                assertEquals(ErrorCode.BUSY, busy.code());
                assertTrue(busy.getMessage().contains("already runs 2 operations"), busy.getMessage());
                DcpException busyImport = assertThrows(DcpException.class, () -> client.importArchive(other, null,
                        null, 0, new ByteArrayInputStream(new byte[10]), 10, TransferListener.NONE));
                assertEquals(ErrorCode.BUSY, busyImport.code());
            }
            helper.engine.release();
            // both end (in either order)
            JsonNode first = c.await(HelperHarness.Raw::isFinal, WAIT);
            JsonNode second = c.await(HelperHarness.Raw::isFinal, WAIT);
            assertEquals(java.util.Set.of("a", "b"), java.util.Set.of(first.path("id").asText(),
                    second.path("id").asText()));
        }
        assertEquals(List.of(), everything(other));
    }

    @Test
    void aDamagedArchiveIsRefusedWhileTheClientStillSends() throws Exception {
        checkpoint("cp1", 4 << 20);
        byte[] archive = exported("cp1", "none");
        // a file's bytes changed in the middle of the archive: the manifest at the end disagrees
        archive[archive.length / 2] ^= 0x55;
        try (HelperClient c = client()) {
            DcpException damaged = assertThrows(DcpException.class, () -> c.importArchive(other, null, null, 0,
                    new ByteArrayInputStream(archive), archive.length, TransferListener.NONE));
            assertEquals(ErrorCode.CHECKPOINT_DAMAGED, damaged.code(), damaged.getMessage());
        }
        assertEquals(List.of(), everything(other));
    }

    private static List<String> uncheckedEverything(Path d) {
        try {
            return everything(d);
        } catch (IOException | java.io.UncheckedIOException e) {
            // a file removed while the tree is walked
            return List.of("unreadable: " + e.getMessage());
        }
    }

    private static String json(String s) {
        return Protocol.line(s);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A client speaking lines and frames by hand. */
    private static final class RawTransfer implements AutoCloseable {
        private final SocketChannel channel;
        private final DataInputStream in;

        RawTransfer(Path socket) throws IOException {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            in = new DataInputStream(Channels.newInputStream(channel));
        }

        void line(String text) throws IOException {
            write((text + "\n").getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        /** The next line, as JSON. */
        JsonNode message() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("closed before a whole line");
                }
                line.write(b);
            }
            return Protocol.lenient().readTree(line.toString(StandardCharsets.UTF_8));
        }

        /** Reads frames until at least {@code bytes} of data came. */
        void readSomeData(long bytes) throws IOException {
            long got = 0;
            while (got < bytes) {
                int length = in.readInt();
                byte[] payload = in.readNBytes(Math.abs(length));
                if (length > 0) {
                    got += payload.length;
                } else if (length == 0) {
                    throw new AssertionError("the export ended early");
                }
            }
        }

        /** True when the helper has closed the connection (nothing more to read). */
        boolean ended() throws IOException {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void anArchiveStaysWholeThroughFramesOfEverySize() throws Exception {
        checkpoint("cp1", 300_000);
        byte[] archive = exported("cp1", "zstd");
        // sent by hand in frames of 1, 7 and the largest size, then imported
        try (RawTransfer raw = new RawTransfer(helper.socket)) {
            raw.line("{\"type\":\"import\",\"id\":\"f\",\"dir\":" + json(other.toString()) + ",\"name\":\"odd\"}");
            assertEquals("stream", raw.message().path("type").asText());
            int off = 0;
            int[] sizes = {1, 7, Frames.MAX_DATA};
            for (int k = 0; off < archive.length; k++) {
                int n = Math.min(sizes[k % 3], archive.length - off);
                raw.write(Frames.data(archive, off, n));
                off += n;
            }
            raw.write(Frames.header(Frames.END));
            JsonNode answer;
            do {
                answer = raw.message();
            } while (!answer.path("type").asText().equals("result") && !answer.path("type").asText().equals("error"));
            assertEquals("result", answer.path("type").asText(), answer.toString());
            assertEquals("odd", answer.path("value").path("name").asText());
            // back to lines on the same connection
            raw.line("{\"type\":\"doctor\",\"id\":\"d\"}");
            assertEquals("result", raw.message().path("type").asText());
        }
        assertArrayEquals(Files.readAllBytes(base.resolve("web/cp1/pages-1.img")),
                Files.readAllBytes(other.resolve("web/odd/pages-1.img")));
        assertFalse(Files.exists(other.resolve("web/cp1")));
    }
}
