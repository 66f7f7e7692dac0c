package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Export and import of checkpoint archives without Docker: the layout, round trips in each
 * compression, integrity (a changed, added or missing file), Podman's archives, and hostile
 * archives, each of which must be refused with nothing left behind.
 */
class ArchiveTest {
    @TempDir
    Path tmp;

    private static final Random RANDOM = new Random(11);

    // ---------------------------------------------------------------- fixtures

    /**
     * A stored checkpoint with the files a real one has, a pre-dump directory and CRIU's parent link,
     * and its checksums.
     */
    private CheckpointStore.Stored checkpoint(Path base) throws IOException {
        CheckpointStore store = new CheckpointStore(base);
        CheckpointStore.Pending p = store.create("myapp", "cp1");
        Path d = p.dir();
        Files.write(d.resolve("inventory.img"), bytes(300));
        Files.write(d.resolve("pstree.img"), bytes(120));
        Files.write(d.resolve("pages-1.img"), bytes(3 << 20));
        Files.write(d.resolve("empty.img"), new byte[0]);
        Files.writeString(d.resolve("descriptors.json"), "[\"/dev/null\",\"pipe:[1]\"]");
        Files.writeString(d.resolve("dump.log"), "(00.000001) Dumping finished successfully\n");
        Files.write(d.resolve("stats-dump"), bytes(40));
        Files.writeString(d.resolve("deleted.files"), "[\"/etc/motd\"]");
        Files.write(d.resolve("rootfs-diff.tar"), tar(t -> {
            add(t, "tmp/", TarConstants.LF_DIR, null, null);
            add(t, "tmp/lockfile", TarConstants.LF_NORMAL, "held".getBytes(StandardCharsets.UTF_8), null);
            add(t, "bin/sh2", TarConstants.LF_SYMLINK, null, "/bin/busybox");
        }));
        Files.createDirectory(d.resolve("predump"));
        Files.write(d.resolve("predump/pages-1.img"), bytes(5000));
        Files.createSymbolicLink(d.resolve("parent"), Path.of("predump"));
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(d, ProgressListener.NONE, 0, 1));
        p.commit();
        return store.open("myapp", "cp1");
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] export(CheckpointStore.Stored stored, Compression c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.export(stored, out, c, "test", ArchiveProgress.NONE);
        return out.toByteArray();
    }

    private ArchiveImporter.Result importInto(Path base, byte[] archive) {
        return ArchiveImporter.importArchive(new ByteArrayInputStream(archive), new CheckpointStore(base), null, null,
                ArchiveImporter.Limits.DEFAULT, ArchiveProgress.NONE);
    }

    /** Relative path → content (files), "-> target" (links), "/" (directories). */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "/");
                } else {
                    m.put(rel, java.util.HexFormat.of().formatHex(Sha256.newDigest().digest(
                            Files.readAllBytes(p))));
                }
            }
        }
        return m;
    }

    /** Entries of an (uncompressed or compressed) archive: name → content, in order. */
    private static LinkedHashMap<String, byte[]> entries(byte[] archive) throws IOException {
        LinkedHashMap<String, byte[]> m = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Compression.decompress(
                new ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                m.put(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : ""), in.readAllBytes());
            }
        }
        return m;
    }

    interface TarBody {
        void write(TarArchiveOutputStream t) throws IOException;
    }

    private static byte[] tar(TarBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(t);
            t.finish();
        }
        return out.toByteArray();
    }

    private static void add(TarArchiveOutputStream t, String name, byte type, byte[] data, String link)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (link != null) {
            e.setLinkName(link);
        }
        if (data != null) {
            e.setSize(data.length);
        }
        t.putArchiveEntry(e);
        if (data != null) {
            t.write(data);
        }
        t.closeArchiveEntry();
    }

    /** Our archive of the fixture, rewritten entry by entry ({@code edit} may drop, change or add entries). */
    private byte[] rewrite(byte[] archive, java.util.function.UnaryOperator<List<Object[]>> edit) throws IOException {
        List<Object[]> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Compression.decompress(
                new ByteArrayInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                list.add(new Object[] {e.getName(), e.getLinkFlag(), e.isDirectory() || e.isSymbolicLink() ? null
                        : in.readAllBytes(), e.isSymbolicLink() ? e.getLinkName() : null});
            }
        }
        List<Object[]> edited = edit.apply(list);
        return tar(t -> {
            for (Object[] x : edited) {
                add(t, (String) x[0], (byte) x[1], (byte[]) x[2], (String) x[3]);
            }
        });
    }

    private static Object[] file(String name, byte[] data) {
        return new Object[] {name, TarConstants.LF_NORMAL, data, null};
    }

    /** The import fails with {@code code}, saying {@code text}, and leaves the base directory as it was (absent). */
    private DcpException refused(byte[] archive, ErrorCode code, String text) throws IOException {
        Path base = tmp.resolve("target-" + RANDOM.nextInt(1_000_000));
        DcpException e = assertThrows(DcpException.class, () -> importInto(base, archive));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertFalse(e.hint().isEmpty());
        assertFalse(Files.exists(base), "left behind: " + (Files.exists(base) ? tree(base) : ""));
        return e;
    }

    // ---------------------------------------------------------------- layout and round trips

    @Test
    void archiveFollowsPodmansLayoutWithTheManifestLast() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"));
        List<String> names = new ArrayList<>(entries(export(stored, Compression.NONE)).keySet());
        assertEquals("checkpoint/", names.get(0), "checkpointctl needs the checkpoint/ directory entry");
        assertEquals(List.of("config.dump", "spec.dump", "network.status", "container.json"), names.subList(1, 5));
        assertEquals(ArchiveLayout.MANIFEST, names.get(names.size() - 1));
        for (String top : List.of("stats-dump", "deleted.files", "dump.log", "rootfs-diff.tar",
                "checkpoint/inventory.img", "checkpoint/pstree.img", "checkpoint/pages-1.img",
                "checkpoint/descriptors.json", "checkpoint/predump/", "checkpoint/predump/pages-1.img",
                "checkpoint/parent -> predump")) {
            assertTrue(names.contains(top), top + " in " + names);
        }
        assertFalse(names.stream().anyMatch(n -> n.startsWith("/") || n.contains("..")), names.toString());
    }

    @Test
    void podmanMetadataDescribesTheContainer() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"));
        LinkedHashMap<String, byte[]> e = entries(export(stored, Compression.NONE));
        JsonNode config = Json.mapper().readTree(e.get("config.dump"));
        JsonNode spec = Json.mapper().readTree(e.get("spec.dump"));
        Manifest m = stored.manifest();
        assertEquals(m.containerId(), config.path("id").asText());
        assertEquals(m.containerName(), config.path("name").asText());
        assertEquals("registry.example.com/team/app:2.1", config.path("rootfsImageName").asText());
        assertEquals(m.createdAt(), java.time.Instant.parse(config.path("checkpointedTime").asText()));
        assertEquals("libpod", spec.path("annotations").path("io.container.manager").asText());
        assertEquals(List.of("/usr/bin/tini", "--", "/app/run", "--port", "8080"),
                Json.mapper().convertValue(spec.path("process").path("args"), List.class));
        assertEquals(1000, spec.path("process").path("user").path("uid").asInt());
        assertEquals("/srv/app", spec.path("process").path("cwd").asText());
        assertTrue(spec.path("mounts").toString().contains("\"/data\""), spec.path("mounts").toString());
        assertEquals("{}", new String(e.get("network.status"), StandardCharsets.US_ASCII).trim());
        ArchiveManifest manifest = Json.mapper().readValue(e.get(ArchiveLayout.MANIFEST), ArchiveManifest.class);
        assertEquals(e.size() - 3, manifest.entries().size(), "every entry but the two directories and the manifest");
        assertEquals("myapp", config.path("dockerCheckpoint").path("container").asText());
        assertEquals("cp1", config.path("dockerCheckpoint").path("checkpoint").asText());
    }

    @Test
    void theRuntimeSpecACheckpointKeptBecomesPodmansSpecWithoutDockersHooks() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"));
        String runtime = """
                {"ociVersion": "1.0.2-dev", "process": {"args": ["sh", "-c", "loop"], "cwd": "/"},
                 "root": {"path": "/var/lib/docker/overlay2/abc/merged"},
                 "mounts": [{"destination": "/etc/hosts", "type": "bind", "source": "/var/lib/docker/containers/x/hosts",
                   "options": ["rbind", "rprivate"]}],
                 "hooks": {"prestart": [{"path": "/proc/1/exe", "args": ["libnetwork-setkey"]}]},
                 "annotations": {"org.example": "kept"},
                 "linux": {"namespaces": [{"type": "network"}]}}
                """;
        Files.writeString(stored.dir().resolve(CheckpointStore.RUNTIME_SPEC), runtime);
        // kept by the checkpoint, so recorded in its checksums
        Json.mapper().writeValue(stored.dir().resolve(dev.dockercheckpoint.core.Checksums.FILE_NAME).toFile(),
                IntegrityCheck.record(stored.dir(), ProgressListener.NONE, 0, 1));
        LinkedHashMap<String, byte[]> e = entries(export(stored, Compression.NONE));
        JsonNode spec = Json.mapper().readTree(e.get("spec.dump"));
        assertEquals(List.of("sh", "-c", "loop"), Json.mapper().convertValue(spec.path("process").path("args"),
                List.class), "the spec runc ran, not one made from container.json");
        assertEquals("/etc/hosts", spec.path("mounts").path(0).path("destination").asText());
        assertTrue(spec.path("hooks").isMissingNode(), "Docker's hooks call back into its daemon");
        assertEquals("kept", spec.path("annotations").path("org.example").asText());
        assertEquals("libpod", spec.path("annotations").path("io.container.manager").asText());
        assertEquals(spec, Json.mapper().readTree(e.get("config.dump")).path("spec"));
        assertTrue(e.containsKey("checkpoint/" + CheckpointStore.RUNTIME_SPEC), "it travels with the checkpoint");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripGivesBackEveryFileAndLink(Compression c) throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"));
        byte[] archive = export(stored, c);
        if (c == Compression.ZSTD) {
            assertEquals(0x28, archive[0] & 0xff);
        } else if (c == Compression.GZIP) {
            assertEquals(0x1f, archive[0] & 0xff);
        }
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), archive);
        assertTrue(r.verified());
        assertEquals("docker-checkpoint", r.origin());
        assertEquals("myapp", r.container());
        assertEquals("cp1", r.name());
        assertEquals(tree(stored.dir()), tree(r.dir()));
        CheckpointStore.Stored back = new CheckpointStore(tmp.resolve("dst")).open("myapp", "cp1");
        assertEquals(stored.manifest(), back.manifest());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(back.dir())));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(back.dir().resolve("pages-1.img"))));
        // exporting the import again gives the same files
        ArchiveImporter.Result again = importInto(tmp.resolve("dst2"), export(back, c));
        assertEquals(tree(r.dir()), tree(again.dir()));
    }

    @Test
    void importUnderOtherNamesAndRefusesATakenOne() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.ZSTD);
        Path base = tmp.resolve("dst");
        importInto(base, archive);
        DcpException e = assertThrows(DcpException.class, () -> importInto(base, archive));
        assertEquals(ErrorCode.CHECKPOINT_EXISTS, e.code());
        assertEquals(List.of("cp1"), list(base.resolve("myapp")), "the failed import left nothing");
        ArchiveImporter.Result r = ArchiveImporter.importArchive(new ByteArrayInputStream(archive),
                new CheckpointStore(base), "other", "cp2", ArchiveImporter.Limits.DEFAULT, ArchiveProgress.NONE);
        assertEquals(base.resolve("other/cp2"), r.dir());
        assertTrue(Files.isRegularFile(r.dir().resolve("pages-1.img")));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void progressCountsEveryByte() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("src"));
        long[] last = {0, 0};
        ArchiveExporter.Result r = ArchiveExporter.export(stored, OutputStream.nullOutputStream(), Compression.ZSTD,
                "t", new ArchiveProgress() {
                    @Override
                    public void bytes(long done, long total, String entry) {
                        last[0] = done;
                        last[1] = total;
                    }
                });
        assertEquals(last[1], last[0]);
        assertEquals(r.contentBytes(), last[0]);
        assertTrue(r.contentBytes() > 3 << 20);
    }

    // ---------------------------------------------------------------- integrity

    @Test
    void aFlippedByteIsNamedAndNothingIsImported() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.NONE);
        byte[] damaged = rewrite(archive, list -> {
            for (Object[] x : list) {
                if (x[0].equals("checkpoint/pages-1.img")) {
                    ((byte[]) x[2])[1_000_000] ^= 0x01;
                }
            }
            return list;
        });
        refused(damaged, ErrorCode.CHECKPOINT_DAMAGED, "checkpoint/pages-1.img differs from the SHA-256");
    }

    @Test
    void aFlippedByteInTheCompressedFileIsRefused() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.ZSTD);
        archive[archive.length / 2] ^= 0x10;
        Path base = tmp.resolve("target");
        DcpException e = assertThrows(DcpException.class, () -> importInto(base, archive));
        assertTrue(e.code() == ErrorCode.INVALID_INPUT || e.code() == ErrorCode.CHECKPOINT_DAMAGED, e.getMessage());
        assertFalse(Files.exists(base));
    }

    @Test
    void aChangedContainerJsonIsRefused() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.NONE);
        byte[] changed = rewrite(archive, list -> {
            for (Object[] x : list) {
                if (x[0].equals("container.json")) {
                    x[2] = new String((byte[]) x[2], StandardCharsets.UTF_8).replace("payments", "paymentz")
                            .getBytes(StandardCharsets.UTF_8);
                }
            }
            return list;
        });
        refused(changed, ErrorCode.CHECKPOINT_DAMAGED, "container.json differs");
    }

    @Test
    void anAddedOrMissingFileIsRefused() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.NONE);
        refused(rewrite(archive, list -> {
            list.add(list.size() - 1, file("checkpoint/extra.img", bytes(10)));
            return list;
        }), ErrorCode.CHECKPOINT_DAMAGED, "checkpoint/extra.img is not in its manifest");
        refused(rewrite(archive, list -> {
            list.add(1, file("ctr.log", bytes(10)));
            return list;
        }), ErrorCode.CHECKPOINT_DAMAGED, "ctr.log is not in its manifest");
        refused(rewrite(archive, list -> {
            list.removeIf(x -> x[0].equals("stats-dump"));
            return list;
        }), ErrorCode.CHECKPOINT_DAMAGED, "stats-dump is missing");
    }

    @Test
    void aTruncatedArchiveIsRefused() throws IOException {
        byte[] archive = export(checkpoint(tmp.resolve("src")), Compression.ZSTD);
        refused(java.util.Arrays.copyOf(archive, archive.length * 2 / 3), ErrorCode.INVALID_INPUT,
                "cannot read the archive");
        byte[] plain = export(checkpoint(tmp.resolve("src2")), Compression.NONE);
        byte[] noManifest = rewrite(plain, list -> {
            list.removeIf(x -> x[0].equals(ArchiveLayout.MANIFEST));
            return list;
        });
        refused(noManifest, ErrorCode.CHECKPOINT_DAMAGED, "has no manifest");
    }

    // ---------------------------------------------------------------- Podman's archives

    private static byte[] podmanArchive(TarBody extra) throws IOException {
        String config = "{\"id\":\"4f3c\",\"name\":\"counter\",\"rootfsImageName\":\"localhost/dcp-busybox:1\","
                + "\"createdTime\":\"2026-11-28T10:00:00Z\",\"checkpointedTime\":\"2026-11-28T11:00:00.5Z\"}";
        String spec = "{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
                + "\"args\":[\"sh\",\"-c\",\"while true; do sleep 1; done\"],\"env\":[\"PATH=/bin\"],\"cwd\":\"/\"},"
                + "\"hostname\":\"counter\",\"annotations\":{\"io.container.manager\":\"libpod\"}}";
        return tar(t -> {
            add(t, "artifacts/", TarConstants.LF_DIR, null, null);
            add(t, "config.dump", TarConstants.LF_NORMAL, config.getBytes(StandardCharsets.UTF_8), null);
            add(t, "spec.dump", TarConstants.LF_NORMAL, spec.getBytes(StandardCharsets.UTF_8), null);
            add(t, "network.status", TarConstants.LF_NORMAL, "{}".getBytes(StandardCharsets.UTF_8), null);
            add(t, "stats-dump", TarConstants.LF_NORMAL, bytes(30), null);
            add(t, "ctr.log", TarConstants.LF_NORMAL, bytes(30), null);
            add(t, "checkpoint/", TarConstants.LF_DIR, null, null);
            add(t, "checkpoint/inventory.img", TarConstants.LF_NORMAL, bytes(100), null);
            add(t, "checkpoint/pstree.img", TarConstants.LF_NORMAL, bytes(100), null);
            add(t, "checkpoint/pages-1.img", TarConstants.LF_NORMAL, bytes(20 << 20), null);
            extra.write(t);
        });
    }

    @Test
    void podmansArchiveIsImportedWithAContainerJsonMadeFromItsSpec() throws IOException {
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), podmanArchive(t -> { }));
        assertEquals("podman", r.origin());
        assertFalse(r.verified());
        assertEquals("counter", r.container());
        assertEquals("checkpoint1", r.name());
        assertEquals(List.of("artifacts", "ctr.log"), r.skipped());
        CheckpointStore.Stored s = new CheckpointStore(tmp.resolve("dst")).open("counter", "checkpoint1");
        assertEquals("localhost/dcp-busybox:1", s.manifest().spec().image());
        assertEquals(List.of("sh"), s.manifest().spec().entrypoint());
        assertEquals(List.of("-c", "while true; do sleep 1; done"), s.manifest().spec().cmd());
        assertEquals("none", s.manifest().spec().networkMode());
        assertEquals(java.time.Instant.parse("2026-11-28T11:00:00.5Z"), s.manifest().createdAt());
        assertTrue(Files.size(s.dir().resolve("pages-1.img")) == 20 << 20);
        assertTrue(Files.isRegularFile(s.dir().resolve("stats-dump")));
        assertFalse(Files.exists(s.dir().resolve("ctr.log")));
    }

    /**
     * A real export of Podman 4.3.1 (Debian bookworm) with CRIU 4.2.1: {@code podman container checkpoint
     * --export} of a busybox counter run with network none, a file written to /tmp.
     */
    @Test
    void aRealPodmanExportIsImported() throws IOException {
        byte[] archive;
        try (var in = ArchiveTest.class.getResourceAsStream("/archives/podman-4.3.1-busybox.tar.zst")) {
            archive = in.readAllBytes();
        }
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), archive);
        assertEquals("podman", r.origin());
        assertEquals("dcpx-pod1", r.container());
        assertEquals(List.of("artifacts", "ctr.log"), r.skipped());
        CheckpointStore.Stored s = new CheckpointStore(tmp.resolve("dst")).open("dcpx-pod1", "checkpoint1");
        Manifest m = s.manifest();
        assertEquals("localhost/dcp-busybox:latest", m.spec().image());
        assertEquals(List.of("sh"), m.spec().entrypoint());
        assertEquals("-c", m.spec().cmd().get(0));
        assertTrue(m.spec().env().contains("container=podman"), m.spec().env().toString());
        assertEquals("0:0", m.spec().user());
        for (String f : List.of("inventory.img", "pstree.img", "pages-1.img", "descriptors.json", "stats-dump",
                "rootfs-diff.tar", "devshm-checkpoint.tar", "config.dump", "spec.dump", "network.status")) {
            assertTrue(Files.isRegularFile(s.dir().resolve(f)), f);
        }
        // and it goes out again in the same layout, Podman's own config.dump and spec.dump kept
        LinkedHashMap<String, byte[]> out = entries(export(s, Compression.NONE));
        assertTrue(out.containsKey("devshm-checkpoint.tar") && out.containsKey("checkpoint/pages-1.img"),
                out.keySet().toString());
        assertTrue(new String(out.get("config.dump"), StandardCharsets.UTF_8).contains("\"rootfsImageName\""));
        assertArrayEquals(Files.readAllBytes(s.dir().resolve("spec.dump")), out.get("spec.dump"));
    }

    @Test
    void podmansArchiveWithoutImagesIsRefused() throws IOException {
        byte[] noImages = tar(t -> {
            add(t, "config.dump", TarConstants.LF_NORMAL, "{\"name\":\"x\",\"rootfsImageName\":\"i\"}"
                    .getBytes(StandardCharsets.UTF_8), null);
            add(t, "spec.dump", TarConstants.LF_NORMAL, "{}".getBytes(StandardCharsets.UTF_8), null);
            add(t, "checkpoint/", TarConstants.LF_DIR, null, null);
        });
        refused(noImages, ErrorCode.INVALID_INPUT, "no checkpoint/inventory.img");
        refused(tar(t -> add(t, "readme", TarConstants.LF_NORMAL, bytes(3), null)), ErrorCode.INVALID_INPUT,
                "neither container.json nor");
        refused("just text, not an archive at all".repeat(30).getBytes(StandardCharsets.UTF_8),
                ErrorCode.INVALID_INPUT, "not a checkpoint archive");
    }

    // ---------------------------------------------------------------- hostile archives

    @Test
    void pathsLeavingTheCheckpointAreRefused() throws IOException {
        refused(podmanArchive(t -> add(t, "checkpoint/../../evil", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "contains '..'");
        refused(podmanArchive(t -> add(t, "../evil", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "contains '..'");
        refused(podmanArchive(t -> add(t, "/etc/cron.d/evil", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "absolute path");
        refused(podmanArchive(t -> add(t, "checkpoint//x.img", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "not a plain relative path");
        refused(podmanArchive(t -> add(t, "checkpoint/a\nb", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "control character");
    }

    @Test
    void linksPointingOutAndWritesThroughLinksAreRefused() throws IOException {
        refused(podmanArchive(t -> add(t, "checkpoint/parent", TarConstants.LF_SYMLINK, null, "/etc")),
                ErrorCode.INVALID_INPUT, "outside the checkpoint");
        refused(podmanArchive(t -> add(t, "checkpoint/parent", TarConstants.LF_SYMLINK, null, "../../../etc")),
                ErrorCode.INVALID_INPUT, "outside the checkpoint");
        refused(podmanArchive(t -> add(t, "checkpoint/sub/x", TarConstants.LF_SYMLINK, null, "../../..")),
                ErrorCode.INVALID_INPUT, "outside the checkpoint");
        refused(podmanArchive(t -> {
            add(t, "checkpoint/d", TarConstants.LF_SYMLINK, null, "pages-1.img");
            add(t, "checkpoint/d/x", TarConstants.LF_NORMAL, bytes(3), null);
        }), ErrorCode.INVALID_INPUT, "lies under the symbolic link d");
        refused(podmanArchive(t -> add(t, "checkpoint/h", TarConstants.LF_LINK, null, "/etc/shadow")),
                ErrorCode.INVALID_INPUT, "hard link");
    }

    @Test
    void devicesFifosAndDuplicatesAreRefused() throws IOException {
        refused(podmanArchive(t -> add(t, "checkpoint/sda", TarConstants.LF_BLK, null, null)),
                ErrorCode.INVALID_INPUT, "device node");
        refused(podmanArchive(t -> add(t, "checkpoint/tty", TarConstants.LF_CHR, null, null)),
                ErrorCode.INVALID_INPUT, "device node");
        refused(podmanArchive(t -> add(t, "checkpoint/fifo", TarConstants.LF_FIFO, null, null)),
                ErrorCode.INVALID_INPUT, "FIFO");
        refused(podmanArchive(t -> add(t, "checkpoint/pstree.img", TarConstants.LF_NORMAL, bytes(3), null)),
                ErrorCode.INVALID_INPUT, "twice");
    }

    @Test
    void oversizedArchivesAreRefused() throws IOException {
        byte[] archive = podmanArchive(t -> { });
        Path base = tmp.resolve("small");
        DcpException e = assertThrows(DcpException.class, () -> ArchiveImporter.importArchive(
                new ByteArrayInputStream(archive), new CheckpointStore(base), null, null,
                new ArchiveImporter.Limits(10 << 20, 1000), ArchiveProgress.NONE));
        assertTrue(e.getMessage().contains("more than 10.0 MiB"), e.getMessage());
        assertFalse(Files.exists(base));
        e = assertThrows(DcpException.class, () -> ArchiveImporter.importArchive(new ByteArrayInputStream(archive),
                new CheckpointStore(base), null, null, new ArchiveImporter.Limits(1L << 30, 5), ArchiveProgress.NONE));
        assertTrue(e.getMessage().contains("more than 5 entries"), e.getMessage());
        assertFalse(Files.exists(base));
        // a zstd bomb: 2 GiB of zeros in a few kilobytes
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (OutputStream z = Compression.ZSTD.compress(bomb);
                TarArchiveOutputStream t = new TarArchiveOutputStream(z)) {
            TarArchiveEntry big = new TarArchiveEntry("checkpoint/pages-1.img");
            big.setSize(2L << 30);
            t.putArchiveEntry(big);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 2048; i++) {
                t.write(zeros);
            }
            t.closeArchiveEntry();
        }
        assertTrue(bomb.size() < 1 << 20, "bomb of " + bomb.size());
        e = assertThrows(DcpException.class, () -> ArchiveImporter.importArchive(new ByteArrayInputStream(
                bomb.toByteArray()), new CheckpointStore(base), "x", "y", new ArchiveImporter.Limits(1L << 30, 100),
                ArchiveProgress.NONE));
        assertTrue(e.getMessage().contains("more than 1.0 GiB"), e.getMessage());
        assertFalse(Files.exists(base));
    }

    @Test
    void aRootfsDiffLeavingTheContainerIsRefused() throws IOException {
        byte[] evilDiff = tar(t -> add(t, "../../etc/passwd", TarConstants.LF_NORMAL, bytes(3), null));
        refused(podmanArchive(t -> add(t, "rootfs-diff.tar", TarConstants.LF_NORMAL, evilDiff, null)),
                ErrorCode.INVALID_INPUT, "would leave the container's filesystem");
        byte[] evilLink = tar(t -> add(t, "x", TarConstants.LF_LINK, null, "../../etc/shadow"));
        refused(podmanArchive(t -> add(t, "rootfs-diff.tar", TarConstants.LF_NORMAL, evilLink, null)),
                ErrorCode.INVALID_INPUT, "hard link");
    }

    @Test
    void aHugeMetadataFileIsRefusedBeforeItIsRead() throws IOException {
        byte[] archive = tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry("container.json");
            e.setSize(100L << 20);
            t.putArchiveEntry(e);
            t.write(new byte[100 << 20]);
            t.closeArchiveEntry();
        });
        refused(archive, ErrorCode.INVALID_INPUT, "larger than");
    }

    @Test
    void normalizeAndLinkRules() {
        assertNull(ArchiveImporter.normalize("./"));
        assertEquals("checkpoint", ArchiveImporter.normalize("./checkpoint/"));
        assertEquals("a/b", ArchiveImporter.normalize("a/b"));
        assertTrue(ArchiveImporter.insideLink("parent", "predump"));
        assertTrue(ArchiveImporter.insideLink("a/b", "../c"));
        assertFalse(ArchiveImporter.insideLink("a/b", "../../c"));
        assertFalse(ArchiveImporter.insideLink("parent", "/predump"));
        assertFalse(ArchiveImporter.insideLink("parent", ""));
        assertEquals("checkpoint/pages-1.img", ArchiveLayout.archivePath("pages-1.img"));
        assertEquals("stats-dump", ArchiveLayout.archivePath("stats-dump"));
        assertEquals("volumes/data.tar", ArchiveLayout.archivePath("volumes/data.tar"));
        assertEquals("restore-20261128-101010.log", ArchiveLayout.archivePath("restore-20261128-101010.log"));
        assertEquals("pages-1.img", ArchiveLayout.checkpointPath("checkpoint/pages-1.img"));
        assertNull(ArchiveLayout.checkpointPath("artifacts/x"));
    }

    @Test
    void sha256IsTheNativeOneOnThisPlatformAndAgreesWithTheJdk() throws Exception {
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals("AmazonCorrettoCryptoProvider", Sha256.implementation());
        }
        byte[] data = bytes(5 << 20);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256", "SUN")
                .digest(data)), Sha256.hex(data));
    }

    @Test
    void unknownCompressionIsRefused() {
        DcpException e = assertThrows(DcpException.class, () -> Compression.parse("xz"));
        assertTrue(e.hint().contains("zstd"));
        assertEquals(Compression.GZIP, Compression.parse("GZIP"));
    }
}
