package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ManifestFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export and import subcommands on a stored checkpoint (no Docker): files, pipes, errors. */
class ExportImportCommandTest {
    @TempDir
    Path tmp;

    private final Supplier<OutputStream> savedOut = ExportCommand.stdout;
    private final Supplier<InputStream> savedIn = ImportCommand.stdin;

    @AfterEach
    void restoreStreams() {
        ExportCommand.stdout = savedOut;
        ImportCommand.stdin = savedIn;
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path checkpoint() throws Exception {
        Path base = tmp.resolve("src");
        CheckpointStore.Pending p = new CheckpointStore(base).create("myapp", "cp1");
        byte[] pages = new byte[2 << 20];
        new Random(3).nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
        return base;
    }

    @Test
    void exportToAFileThenImportIt() throws Exception {
        Path base = checkpoint();
        Path file = tmp.resolve("myapp.tar.zst");
        Run e = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", file.toString());
        assertEquals(0, e.exit(), e.err());
        assertTrue(e.out().startsWith("Exported myapp/cp1 to " + file + ": "), e.out());
        assertTrue(e.out().contains("(zstd)"), e.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        assertEquals(List.of("myapp.tar.zst", "src"), list(tmp), "no temporary file is left");

        Path dst = tmp.resolve("dst");
        Run i = run("import", file.toString(), "-dir", dst.toString());
        assertEquals(0, i.exit(), i.err());
        assertTrue(i.out().contains("Imported myapp/cp1 into " + dst.resolve("myapp/cp1")), i.out());
        assertTrue(i.out().contains("every file matches the SHA-256 recorded at export"), i.out());
        assertTrue(i.out().contains("docker-checkpoint -restore -container myapp -name cp1 -dir " + dst), i.out());
        assertArrayEquals(Files.readAllBytes(base.resolve("myapp/cp1/pages-1.img")),
                Files.readAllBytes(dst.resolve("myapp/cp1/pages-1.img")));

        Run again = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("error: " + file + " already exists\nhint: "), again.err());
    }

    @Test
    void exportToStandardOutputPipesIntoImportFromStandardInput() throws Exception {
        Path base = checkpoint();
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        ExportCommand.stdout = () -> pipe;
        Run e = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", "-",
                "--compress", "gzip");
        assertEquals(0, e.exit(), e.err());
        assertEquals("", e.out(), "standard output carries the archive only");
        assertTrue(e.err().contains("Exported myapp/cp1 to standard output"), e.err());
        assertEquals(0x1f, pipe.toByteArray()[0] & 0xff);

        ImportCommand.stdin = () -> new ByteArrayInputStream(pipe.toByteArray());
        Path dst = tmp.resolve("dst");
        Run i = run("import", "-", "-dir", dst.toString(), "-name", "moved");
        assertEquals(0, i.exit(), i.err());
        assertTrue(Files.isRegularFile(dst.resolve("myapp/moved/pages-1.img")));
    }

    @Test
    void aDamagedArchiveIsOneErrorLineWithAHintAndLeavesNothing() throws Exception {
        Path base = checkpoint();
        Path file = tmp.resolve("plain.tar");
        assertEquals(0, run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString(), "--compress", "none").exit());
        byte[] archive = Files.readAllBytes(file);
        byte[] page = Files.readAllBytes(base.resolve("myapp/cp1/pages-1.img"));
        int at = indexOf(archive, java.util.Arrays.copyOfRange(page, 0, 64)) + 1_000_000;
        archive[at] ^= 0x40;
        Files.write(file, archive);
        Path dst = tmp.resolve("dst");
        Run i = run("import", file.toString(), "-dir", dst.toString());
        assertEquals(1, i.exit());
        List<String> lines = i.err().lines().toList();
        assertEquals(2, lines.size(), i.err());
        assertEquals("error: the archive is damaged: checkpoint/pages-1.img differs from the SHA-256 recorded at"
                + " export", lines.get(0));
        assertTrue(lines.get(1).startsWith("hint: nothing was imported"), lines.get(1));
        assertFalse(Files.exists(dst));
    }

    @Test
    void verifyRefusesACheckpointDamagedWithItsTimeKeptWhereAPlainExportTakesItsRecordedChecksums()
            throws Exception {
        Path base = checkpoint();
        Path dir = base.resolve("myapp/cp1");
        Files.write(dir.resolve("checksums.json"), dev.dockercheckpoint.core.Json.mapper().writeValueAsBytes(
                dev.dockercheckpoint.core.IntegrityCheck.record(dir, dev.dockercheckpoint.core.ProgressListener.NONE,
                        0, 1)));
        Path pages = dir.resolve("pages-1.img");
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(pages);
        byte[] memory = Files.readAllBytes(pages);
        memory[12345] ^= 0x01;
        Files.write(pages, memory);
        Files.setLastModifiedTime(pages, time);
        Path out = Files.createDirectory(tmp.resolve("out"));

        Run verified = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                out.resolve("v.tar.zst").toString(), "--verify");
        assertEquals(1, verified.exit(), verified.err());
        List<String> lines = verified.err().lines().toList();
        assertEquals("error: checkpoint myapp/cp1 is damaged: pages-1.img differs from the SHA-256 recorded when the"
                + " checkpoint was made", lines.get(0));
        assertTrue(lines.get(1).startsWith("hint: nothing was exported"), verified.err());
        assertEquals(List.of(), list(out), "no archive, no temporary file");

        Run plain = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                out.resolve("p.tar.zst").toString());
        assertEquals(0, plain.exit(), plain.err());
        Run i = run("import", out.resolve("p.tar.zst").toString(), "-dir", tmp.resolve("dst").toString());
        assertEquals(1, i.exit());
        assertTrue(i.err().startsWith("error: the archive is damaged: checkpoint/pages-1.img differs"), i.err());
        assertFalse(Files.exists(tmp.resolve("dst")));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path base = checkpoint();
        Run r = run("export", "-container", "myapp", "-dir", base.toString(), "-o", tmp.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: checkpoint myapp/checkpoint1 not found"), r.err());
        r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("x").toString(), "--compress", "xz");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("hint: use --compress zstd"), r.err());
        r = run("export", "-container", "../etc", "-o", "x");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: invalid container name"), r.err());
        r = run("import", tmp.resolve("missing.tar").toString(), "-dir", tmp.resolve("dst").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: no such file"), r.err());
        r = run("import", "x", "--max-size", "lots");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: invalid size"), r.err());
        r = run("export", "-container", "myapp");
        assertEquals(2, r.exit());
        assertFalse(Files.exists(tmp.resolve("x")));
        assertFalse(Files.exists(tmp.resolve("dst")));
    }

    @Test
    void sizesAndHelp() {
        assertEquals(64L << 30, ImportCommand.parseSize("64G"));
        assertEquals(512L << 20, ImportCommand.parseSize("512MiB"));
        assertEquals(1000, ImportCommand.parseSize("1000"));
        Run r = run("--help");
        assertTrue(r.out().contains("export") && r.out().contains("import"), r.out());
        Run e = run("export", "--help");
        assertTrue(e.out().contains("--compress"), e.out());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
