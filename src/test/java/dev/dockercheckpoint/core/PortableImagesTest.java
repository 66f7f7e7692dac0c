package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the images of a real dump of a busybox container on Docker 20.10 (CRIU 4.2.1). */
class PortableImagesTest {
    @TempDir
    Path dir;

    private Path copy(String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/criu-images/" + name)) {
            assertNotNull(in, name);
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    @Test
    void theRootMountLosesItsMasterGroupAndNothingElseChanges() throws IOException {
        Path image = copy("mountpoints-13.img");
        List<UnknownFieldSet> before = PortableImages.entries(Files.readAllBytes(image));
        assertNotNull(before);
        assertEquals(28, before.size());

        assertEquals(List.of("mountpoints-13.img"), PortableImages.apply(dir).rewritten().stream()
                .filter(n -> n.startsWith("mountpoints")).toList());

        List<UnknownFieldSet> after = PortableImages.entries(Files.readAllBytes(image));
        assertNotNull(after);
        assertEquals(before.size(), after.size());
        int changed = 0;
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).equals(after.get(i))) {
                changed++;
                assertEquals("/", after.get(i).getField(7).getLengthDelimitedList().get(0).toStringUtf8());
                assertEquals(List.of(3L), before.get(i).getField(11).getVarintList());
                assertFalse(after.get(i).hasField(11));
                assertEquals(before.get(i).toBuilder().clearField(11).build(), after.get(i));
            }
        }
        assertEquals(1, changed);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(image)));
    }

    @Test
    void theRootDirectoryEntriesLoseTheirModeAndOtherFilesKeepIt() throws IOException {
        Path image = copy("files.img");
        PortableImages.apply(dir);
        List<UnknownFieldSet> after = PortableImages.entries(Files.readAllBytes(image));
        assertNotNull(after);
        int roots = 0;
        for (UnknownFieldSet f : after) {
            if (f.getField(1).getVarintList().get(0) != 1) {
                continue;
            }
            UnknownFieldSet reg = UnknownFieldSet.parseFrom(f.getField(3).getLengthDelimitedList().get(0));
            String name = reg.getField(6).getLengthDelimitedList().get(0).toStringUtf8();
            if (name.equals("/")) {
                roots++;
                assertFalse(reg.hasField(10), "mode of " + name);
            } else {
                assertTrue(reg.hasField(10), "mode of " + name);
            }
        }
        assertEquals(4, roots);
    }

    @Test
    void aSecondPassChangesNothing() throws IOException {
        copy("files.img");
        Path mounts = copy("mountpoints-13.img");
        assertEquals(2, PortableImages.apply(dir).rewritten().size());
        byte[] once = Files.readAllBytes(mounts);
        assertEquals(List.of(), PortableImages.apply(dir).rewritten());
        assertArrayEquals(once, Files.readAllBytes(mounts));
    }

    @Test
    void anImageThatDoesNotParseIsLeftAsItIs() throws IOException {
        Path image = copy("mountpoints-13.img");
        byte[] bytes = Files.readAllBytes(image);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 7);
        Files.write(image, cut);
        assertEquals(List.of(), PortableImages.apply(dir).rewritten());
        assertArrayEquals(cut, Files.readAllBytes(image));
        assertNull(PortableImages.entries(cut));
    }

    /** crit, CRIU's own image tool, reads the rewritten images (when it is installed). */
    @Test
    void critDecodesTheRewrittenImages() throws Exception {
        Path crit = Path.of("/usr/bin/crit");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(crit) || System.getenv("CI") != null,
                "crit is not installed");
        copy("files.img");
        copy("mountpoints-13.img");
        PortableImages.apply(dir);
        JsonNode mounts = decode(crit, dir.resolve("mountpoints-13.img"));
        JsonNode root = null;
        for (JsonNode m : mounts.path("entries")) {
            if (m.path("mountpoint").asText().equals("/")) {
                root = m;
            }
        }
        assertNotNull(root);
        assertEquals(0, root.path("master_id").asInt(0));
        assertEquals(28, mounts.path("entries").size());
        JsonNode files = decode(crit, dir.resolve("files.img"));
        for (JsonNode f : files.path("entries")) {
            if (f.path("reg").path("name").asText().equals("/")) {
                assertTrue(f.path("reg").path("mode").isMissingNode());
            }
        }
    }

    private static JsonNode decode(Path crit, Path image) throws Exception {
        Process p = new ProcessBuilder(crit.toString(), "decode", "-i", image.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "crit decode " + image.getFileName());
        return Json.mapper().readTree(out);
    }
}
