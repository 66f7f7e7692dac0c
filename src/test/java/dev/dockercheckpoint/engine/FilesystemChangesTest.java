package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemChangesTest {
    @TempDir
    Path tmp;

    @Test
    void scanListsTheLayerButNotDockersFilesNorWhatIsBelowMountPoints() throws Exception {
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/passwd"), "root");
        Files.createDirectories(upper.resolve("etc"));
        Files.writeString(upper.resolve("etc/passwd"), "root\nextra");
        Files.writeString(upper.resolve("etc/hosts"), "managed by Docker");
        Files.createDirectories(upper.resolve("data/inside"));
        Files.writeString(upper.resolve("data/inside/file"), "on the volume");
        Files.createDirectories(upper.resolve("tmp"));
        Files.writeString(upper.resolve("tmp/new"), "x");
        Files.createSymbolicLink(upper.resolve("tmp/link"), Path.of("/nowhere"));
        Files.createDirectories(upper.resolve("dev"));
        Files.writeString(upper.resolve("dev/null"), "");

        FilesystemChanges.Scan scan = FilesystemChanges.scan(new FilesystemChanges.Layer(upper, List.of(lower)),
                List.of("/data/"));

        assertEquals(List.of("data", "etc", "etc/passwd", "tmp", "tmp/link", "tmp/new"),
                scan.included().stream().sorted().toList());
        assertEquals(List.of(), scan.deleted());
        assertEquals(2, scan.changed(), "etc and etc/passwd exist in the image");
        assertEquals(4, scan.added());
    }

    @Test
    void aStorageDriverWithoutAnUpperDirectoryIsRefusedByName() {
        ContainerInfo info = new ContainerInfo("id", "app", "running", true, false, 1, "btrfs", null, null, null);
        DcpException e = assertThrows(DcpException.class, () -> FilesystemChanges.layerOf(info));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("btrfs"), e.getMessage());
        assertTrue(e.hint().contains("overlay2"), e.hint());
    }

    @Test
    void deletedPathsThatWouldLeaveTheLayerAreIgnored() {
        assertEquals("etc/group", FilesystemChanges.safeRelative("/etc/group"));
        assertNull(FilesystemChanges.safeRelative("/../etc/shadow"));
        assertNull(FilesystemChanges.safeRelative("etc/group"));
        assertNull(FilesystemChanges.safeRelative("/"));
        assertNull(FilesystemChanges.safeRelative("/a\nb"));
    }
}
