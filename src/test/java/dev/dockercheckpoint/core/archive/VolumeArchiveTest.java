package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume's tar: written with owners, modes, times and links as the volume has them and
 * extracted back the same; hostile entries refused with nothing written outside the volume;
 * an export with volumes carries {@code volumes/<name>.tar}, hashed in the manifest, and an import
 * keeps it.
 */
class VolumeArchiveTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path tmp;

    private Path volume() throws IOException {
        Path v = Files.createDirectory(tmp.resolve("vol"));
        Files.createDirectories(v.resolve("data/sub"));
        Files.writeString(v.resolve("data/counter.txt"), "42\n");
        Files.write(v.resolve("data/sub/blob"), new byte[70_000]);
        Files.createLink(v.resolve("data/hard"), v.resolve("data/counter.txt"));
        Files.createSymbolicLink(v.resolve("data/rel"), Path.of("sub/blob"));
        Files.createSymbolicLink(v.resolve("abs"), Path.of("/etc/hostname"));
        Files.setAttribute(v.resolve("data/counter.txt"), "unix:mode", 0640, NOFOLLOW);
        Files.setAttribute(v.resolve("data/sub"), "unix:mode", 01750, NOFOLLOW);
        if (Posix.isRoot()) {
            Files.setAttribute(v.resolve("data/counter.txt"), "unix:uid", 1234, NOFOLLOW);
            Files.setAttribute(v.resolve("data/counter.txt"), "unix:gid", 5678, NOFOLLOW);
            Files.setAttribute(v.resolve("abs"), "unix:uid", 999, NOFOLLOW);
        }
        Files.setLastModifiedTime(v.resolve("data/sub/blob"), FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        Files.setLastModifiedTime(v.resolve("data/sub"), FileTime.from(Instant.parse("2021-01-02T03:04:05Z")));
        return v;
    }

    private static Map<String, Object> attrs(Path p) throws IOException {
        return Files.readAttributes(p, "unix:mode,uid,gid,ino,lastModifiedTime", NOFOLLOW);
    }

    @Test
    void roundTripKeepsOwnersModesTimesAndLinks() throws IOException {
        Path v = volume();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        VolumeArchive.Written w = VolumeArchive.write(v, tar);
        assertEquals(70_003, w.bytes(), "the hard link's content is written once");
        Path into = Files.createDirectory(tmp.resolve("into"));
        VolumeArchive.extract(new ByteArrayInputStream(tar.toByteArray()), into, "volume t");

        for (String rel : List.of("data", "data/sub", "data/counter.txt", "data/sub/blob", "data/rel", "abs")) {
            Map<String, Object> a = attrs(v.resolve(rel));
            Map<String, Object> b = attrs(into.resolve(rel));
            assertEquals(a.get("uid"), b.get("uid"), rel);
            assertEquals(a.get("gid"), b.get("gid"), rel);
            if (!Files.isSymbolicLink(v.resolve(rel))) {
                assertEquals(a.get("mode"), b.get("mode"), rel);
                assertEquals(((FileTime) a.get("lastModifiedTime")).toMillis() / 1000,
                        ((FileTime) b.get("lastModifiedTime")).toMillis() / 1000, rel);
            }
        }
        assertEquals("42\n", Files.readString(into.resolve("data/counter.txt")));
        assertEquals(attrs(into.resolve("data/counter.txt")).get("ino"), attrs(into.resolve("data/hard")).get("ino"),
                "the hard link is a hard link again");
        assertEquals(Path.of("sub/blob"), Files.readSymbolicLink(into.resolve("data/rel")));
        assertEquals(Path.of("/etc/hostname"), Files.readSymbolicLink(into.resolve("abs")));
        assertEquals(Instant.parse("2021-01-02T03:04:05Z"), Files.getLastModifiedTime(into.resolve("data/sub"))
                .toInstant(), "a directory's time survives its children's extraction");
        if (Posix.isRoot()) {
            assertEquals(1234, attrs(into.resolve("data/counter.txt")).get("uid"));
            assertEquals(999, attrs(into.resolve("abs")).get("uid"), "a link's own owner");
        }
    }

    // ---------------------------------------------------------------- hostile entries

    private interface Entries {
        void add(TarArchiveOutputStream t) throws IOException;
    }

    private static byte[] tar(Entries entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.add(t);
        }
        return out.toByteArray();
    }

    private static void add(TarArchiveOutputStream t, String name, byte type, String content, String link)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (link != null) {
            e.setLinkName(link);
        }
        byte[] data = content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8);
        if (type == TarConstants.LF_NORMAL) {
            e.setSize(data.length);
        }
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
    }

    private void refused(String expected, Entries entries) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path into = Files.createDirectories(tmp.resolve("into-" + Math.abs(expected.hashCode())));
        byte[] archive = tar(entries);
        DcpException e = assertThrows(DcpException.class,
                () -> VolumeArchive.extract(new ByteArrayInputStream(archive), into, "volume evil"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("refusing volume evil: "), e.getMessage());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing written outside the volume");
        }
    }

    @Test
    void refusesHostileEntries() throws IOException {
        refused("contains '..'", t -> add(t, "../outside/x", TarConstants.LF_NORMAL, "x", null));
        refused("contains '..'", t -> add(t, "data/../../outside/x", TarConstants.LF_NORMAL, "x", null));
        refused("is an absolute path", t -> add(t, tmp.resolve("outside/x").toString(), TarConstants.LF_NORMAL,
                "x", null));
        refused("under a symbolic link", t -> {
            add(t, "out", TarConstants.LF_SYMLINK, null, tmp.resolve("outside").toString());
            add(t, "out/x", TarConstants.LF_NORMAL, "x", null);
        });
        refused("links out of the volume", t -> add(t, "data/up", TarConstants.LF_SYMLINK, null, "../../outside"));
        refused("is an absolute path", t -> add(t, "pw", TarConstants.LF_LINK, null, "/etc/passwd"));
        refused("contains '..'", t -> add(t, "pw", TarConstants.LF_LINK, null, "../outside/x"));
        refused("no file of the volume before it", t -> add(t, "h", TarConstants.LF_LINK, null, "later"));
        refused("is a device", t -> add(t, "null", TarConstants.LF_CHR, null, null));
        refused("control character", t -> add(t, "a\nb", TarConstants.LF_NORMAL, "x", null));
    }

    @Test
    void refusesAnEntryThatIsThereAlready() throws IOException {
        Path into = Files.createDirectories(tmp.resolve("dup"));
        byte[] archive = tar(t -> {
            add(t, "f", TarConstants.LF_NORMAL, "one", null);
            add(t, "f", TarConstants.LF_NORMAL, "two", null);
        });
        assertThrows(IOException.class,
                () -> VolumeArchive.extract(new ByteArrayInputStream(archive), into, "volume dup"));
        assertEquals("one", Files.readString(into.resolve("f")), "the first copy is not overwritten");
    }

    @Test
    void acceptsPodmansEntryNames() throws IOException {
        Path into = Files.createDirectories(tmp.resolve("podman"));
        byte[] archive = tar(t -> {
            add(t, "./", TarConstants.LF_DIR, null, null);
            add(t, "dir/", TarConstants.LF_DIR, null, null);
            add(t, "./dir/file", TarConstants.LF_NORMAL, "p", null);
        });
        assertEquals(3, VolumeArchive.extract(new ByteArrayInputStream(archive), into, "volume p"));
        assertEquals("p", Files.readString(into.resolve("dir/file")));
    }

    // ---------------------------------------------------------------- export and import

    private CheckpointStore.Stored checkpoint(Path base) throws IOException {
        CheckpointStore store = new CheckpointStore(base);
        CheckpointStore.Pending p = store.create("myapp", "cp1");
        Files.write(p.dir().resolve("inventory.img"), new byte[300]);
        Files.write(p.dir().resolve("pstree.img"), new byte[120]);
        p.writeManifest(ManifestFixtures.fullManifest()); // mounts volume "appcache" (and a bind mount)
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        p.commit();
        return store.open("myapp", "cp1");
    }

    private static List<String> entryNames(byte[] archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    private static byte[] entry(byte[] archive, String name) throws IOException {
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return t.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " not in the archive");
    }

    @Test
    void exportWithVolumesCarriesTheirTarsAndImportKeepsThem() throws IOException {
        Path v = volume();
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("base"));
        List<String> notes = new ArrayList<>();
        ArchiveProgress progress = new ArchiveProgress() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> asked = new ArrayList<>();
        ArchiveExporter.export(stored, out, Compression.NONE, null, "test", progress, name -> {
            asked.add(name);
            return v;
        });
        byte[] archive = out.toByteArray();
        assertEquals(List.of("appcache"), asked, "only the volume mount, not the bind mount");
        assertTrue(notes.contains(ArchiveExporter.VOLUMES_NOTE), notes.toString());
        assertTrue(entryNames(archive).contains("volumes/appcache.tar"), entryNames(archive).toString());
        byte[] volumeTar = entry(archive, "volumes/appcache.tar");
        JsonNode manifest = Json.mapper().readTree(entry(archive, ArchiveLayout.MANIFEST));
        boolean hashed = false;
        for (JsonNode e : manifest.path("entries")) {
            if (e.path("path").asText().equals("volumes/appcache.tar")) {
                assertEquals(Sha256.hex(volumeTar), e.path("sha256").asText());
                assertEquals(volumeTar.length, e.path("size").asLong());
                hashed = true;
            }
        }
        assertTrue(hashed, "the volume's tar is in the manifest: " + manifest);
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("dcp-volume-")
                    && Files.isRegularFile(p) && isOurs(p, volumeTar)), "the temporary tar is removed");
        }

        ArchiveImporter.Result r = ArchiveImporter.importArchive(new ByteArrayInputStream(archive),
                new CheckpointStore(tmp.resolve("imported")), "other", null, ArchiveImporter.Limits.DEFAULT,
                ArchiveProgress.NONE);
        Path kept = r.dir().resolve("volumes/appcache.tar");
        assertArrayEquals(volumeTar, Files.readAllBytes(kept));
        Path into = Files.createDirectory(tmp.resolve("restored"));
        try (var in = Files.newInputStream(kept)) {
            VolumeArchive.extract(in, into, "volume appcache");
        }
        assertEquals("42\n", Files.readString(into.resolve("data/counter.txt")));

        ByteArrayOutputStream without = new ByteArrayOutputStream();
        ArchiveExporter.export(stored, without, Compression.NONE, null, "test", ArchiveProgress.NONE, null);
        assertFalse(entryNames(without.toByteArray()).stream().anyMatch(n -> n.startsWith("volumes")),
                "without the option no volume travels");
    }

    private static boolean isOurs(Path p, byte[] content) {
        try {
            return Files.size(p) == content.length && java.util.Arrays.equals(Files.readAllBytes(p), content);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aVolumeNotOnTheEngineStopsTheExportBeforeAnyByte() throws IOException {
        CheckpointStore.Stored stored = checkpoint(tmp.resolve("base2"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DcpException e = assertThrows(DcpException.class, () -> ArchiveExporter.export(stored, out,
                Compression.NONE, null, "test", ArchiveProgress.NONE, name -> null));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("volume appcache"), e.getMessage());
        assertTrue(e.hint().contains("--with-volumes"), e.hint());
        assertEquals(0, out.size());
    }
}
