package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Export and import of real checkpoints: a counter moved through {@code export -o - | import -}
 * (two processes of the built jar) into another base directory, restored with {@code -restore},
 * continues; so does one exported encrypted with age to a key from age-keygen and imported with
 * that key; checkpointctl (the Debian package) shows and inspects our archive; a damaged archive
 * is refused, and so is one of a checkpoint damaged after it was made.
 */
@Tag("e2e")
class ExportImportE2ETest extends BaseDirE2E {
    private static final Path JAR = Path.of("target/docker-checkpoint.jar").toAbsolutePath();
    private final List<Path> cleanup = new ArrayList<>();

    @AfterEach
    void removeFiles() {
        cleanup.forEach(E2E::deleteTree);
    }

    private Path otherBase() throws IOException {
        Path p = E2E.newBaseDir();
        cleanup.add(p);
        return p;
    }

    /** A busybox counter with a file of its own in the writable layer, checkpointed as cp1; returns its last count. */
    private long checkpointedCounter(String app) throws Exception {
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "echo state > /tmp/state; i=0; while true; do"
                + " echo count-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "count-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-name", "cp1", "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        return E2E.numbers(app, "count-").getLast();
    }

    @Test
    void counterContinuesAfterAPipedExportImportIntoAnotherBaseDirectory() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the jar is built before the end-to-end tests (mvn verify)");
        String app = E2E.name("moved");
        long last = checkpointedCounter(app);
        E2E.remove(app);
        Path target = otherBase();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder export = new ProcessBuilder(java, "-jar", JAR.toString(), "export", "-container", app, "-name",
                "cp1", "-dir", base.toString(), "-o", "-");
        ProcessBuilder importer = new ProcessBuilder(java, "-jar", JAR.toString(), "import", "-", "-dir",
                target.toString());
        Path exportErr = Files.createTempFile("dcp-export", ".err");
        Path importOut = Files.createTempFile("dcp-import", ".out");
        cleanup.add(exportErr);
        cleanup.add(importOut);
        export.redirectError(exportErr.toFile());
        importer.redirectOutput(importOut.toFile()).redirectErrorStream(true);
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(export, importer));
        for (Process p : pipeline) {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                pipeline.forEach(Process::destroyForcibly);
                fail("export | import did not finish in 120 s");
            }
        }
        String exportLog = Files.readString(exportErr);
        String importLog = Files.readString(importOut);
        System.out.println("export stderr:\n" + exportLog + "import output:\n" + importLog);
        assertEquals(0, pipeline.get(0).exitValue(), exportLog);
        assertEquals(0, pipeline.get(1).exitValue(), importLog);
        assertTrue(exportLog.contains("Exported " + app + "/cp1 to standard output"), exportLog);
        assertTrue(importLog.contains("every file matches the SHA-256 recorded at export"), importLog);
        Path imported = target.resolve(app).resolve("cp1");
        for (String f : List.of("container.json", "inventory.img", "pstree.img", "descriptors.json", "stats-dump",
                "dump.log", "rootfs-diff.tar", "deleted.files")) {
            assertTrue(Files.isRegularFile(imported.resolve(f)), f + " in " + imported);
        }

        E2E.deleteTree(base.resolve(app)); // only the imported copy is left
        String restored = app + "-restored";
        E2E.track(restored);
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored, "-dir",
                target.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("All 5 checks passed."), restore.toString());
        E2E.waitForNumber(restored, "count-", last + 1, Duration.ofSeconds(20));
        long first = E2E.numbers(restored, "count-").getFirst();
        assertTrue(first >= last && first > 0, "restored counter starts at " + first + ", checkpointed at " + last);
        assertEquals("state\n", E2E.exec(restored, "cat", "/tmp/state").output(),
                "the writable layer travelled with the archive");
    }

    /**
     * Podman (the Debian package, its own storage and runc) restores our export of a Docker
     * checkpoint with {@code podman container restore --import}, and the counter goes on. The image
     * is handed to Podman with {@code docker save | podman load}.
     */
    @Test
    void podmanRestoresOurExportAndTheCounterGoesOn() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        // Docker 28's checkpoints leave the network namespace to the engine (see NetnsHolder); Podman 4.3
        // gives runc one at restore only for containers it networks itself
        Assumptions.assumeTrue(dockerHost == null || dockerHost.isEmpty() || dockerHost.equals(
                "unix:///var/run/docker.sock") || dockerHost.equals("unix:///run/docker.sock"),
                "Podman restores the checkpoints of the system engine (Docker 20.10) here");
        String podman = Podman.binary();
        String app = E2E.name("topodman");
        long last = checkpointedCounter(app);
        Path file = otherBase().resolve(app + ".tar.zst");
        E2E.Cli export = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString());
        assertEquals(0, export.exit(), export.toString());
        Podman.loadImage(podman, otherBase());

        String restored = app + "-podman";
        try {
            E2E.Output restore = E2E.runAllowingFailure(List.of(podman, "container", "restore", "--import",
                    file.toString(), "--name", restored));
            System.out.println("podman container restore --import:\n" + restore);
            assertEquals(0, restore.exit(), restore.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<Long> counts;
            do {
                Thread.sleep(300);
                counts = Podman.counts(podman, restored);
            } while ((counts.isEmpty() || counts.getLast() <= last) && System.nanoTime() < deadline);
            assertFalse(counts.isEmpty(), "the container Podman restored prints nothing");
            assertTrue(counts.getLast() > last, "Podman's copy counts on from " + last + ": " + counts);
            assertTrue(counts.getFirst() >= last, "Podman's copy goes on from the checkpoint, not from 0: " + counts);
            assertEquals("state\n", E2E.run(List.of(podman, "exec", restored, "cat", "/tmp/state")),
                    "the writable layer travelled to Podman");
        } finally {
            E2E.runAllowingFailure(List.of(podman, "rm", "-f", restored));
        }
    }

    /**
     * Podman's path to Docker: a counter run by Podman, checkpointed with {@code podman container
     * checkpoint --export}, imported and restored into Docker, counts on.
     */
    @Test
    void aPodmanExportRestoresInDockerAndTheCounterGoesOn() throws Exception {
        String podman = Podman.binary();
        String app = E2E.name("frompodman");
        Podman.loadImage(podman, otherBase());
        String podmanImage = Podman.IMAGE;
        Path file = otherBase().resolve(app + ".tar.zst");
        long last = Podman.exportedCounter(podman, app, file, List.of(), "echo state > /tmp/state");

        E2E.Cli imported = E2E.cli("import", file.toString(), "-dir", base.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue((imported.out() + imported.err()).contains("made by podman"), imported.toString());
        // Docker finds the image under the name Podman gave it
        E2E.run(List.of("docker", "tag", E2E.BUSYBOX, podmanImage));
        String restored = app + "-docker";
        E2E.track(restored);
        try {
            E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "checkpoint1", "-new-name", restored,
                    "-dir", base.toString());
            assertEquals(0, restore.exit(), restore.toString());
            assertTrue(restore.out().contains("All 5 checks passed."), restore.toString());
            E2E.waitForNumber(restored, "count-", last + 1, Duration.ofSeconds(20));
            long first = E2E.numbers(restored, "count-").getFirst();
            assertTrue(first >= last, "Docker's copy goes on from " + last + ", not from " + first);
            assertEquals("state\n", E2E.exec(restored, "cat", "/tmp/state").output(),
                    "the writable layer travelled from Podman");
        } finally {
            E2E.remove(restored);
            E2E.runAllowingFailure(List.of("docker", "rmi", podmanImage));
        }
    }

    @Test
    void counterContinuesAfterAnExportEncryptedWithAgeIsImportedWithItsKey() throws Exception {
        String ageKeygen = HostPrograms.required("age-keygen", "scripts/setup-host installs age");
        String app = E2E.name("sealed");
        long last = checkpointedCounter(app);
        E2E.remove(app);
        Path dir = otherBase();
        Path key = dir.resolve("key.txt");
        E2E.Output made = E2E.runAllowingFailure(List.of(ageKeygen, "-o", key.toString()));
        assertEquals(0, made.exit(), made.toString());
        String pub = E2E.runAllowingFailure(List.of(ageKeygen, "-y", key.toString())).text().strip();
        Path file = dir.resolve(app + ".tar.zst.age");
        E2E.Cli export = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString(), "--recipient", pub);
        assertEquals(0, export.exit(), export.toString());
        assertTrue(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)
                .startsWith("age-encryption.org/v1\n-> X25519 "));

        Path target = otherBase();
        E2E.Cli refused = E2E.cli("import", file.toString(), "-dir", target.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("error: the archive is encrypted with age"), refused.toString());
        E2E.Cli imported = E2E.cli("import", file.toString(), "-dir", target.toString(), "--identity", key.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.out().contains("every file matches the SHA-256 recorded at export"), imported.toString());

        E2E.deleteTree(base.resolve(app));
        String restored = app + "-restored";
        E2E.track(restored);
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored, "-dir",
                target.toString());
        assertEquals(0, restore.exit(), restore.toString());
        E2E.waitForNumber(restored, "count-", last + 1, Duration.ofSeconds(20));
        long first = E2E.numbers(restored, "count-").getFirst();
        assertTrue(first >= last && first > 0, "restored counter starts at " + first + ", checkpointed at " + last);
        assertEquals("state\n", E2E.exec(restored, "cat", "/tmp/state").output());
    }

    @Test
    void checkpointctlShowsAndInspectsTheArchive() throws Exception {
        String app = E2E.name("ctl");
        checkpointedCounter(app);
        Path file = otherBase().resolve(app + ".tar.zst");
        E2E.Cli export = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString());
        assertEquals(0, export.exit(), export.toString());

        String checkpointctl = HostPrograms.required("checkpointctl", "scripts/setup-host installs it");
        E2E.Output show = E2E.runAllowingFailure(List.of(checkpointctl, "show", file.toString()));
        System.out.println("checkpointctl show:\n" + show);
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.text().contains(app), show.toString());
        assertTrue(show.text().contains("runc"), show.toString());

        E2E.Output inspect = E2E.runAllowingFailure(List.of(checkpointctl, "inspect", "--all", file.toString()));
        System.out.println("checkpointctl inspect --all:\n" + inspect);
        assertEquals(0, inspect.exit(), inspect.toString());
        for (String part : List.of(app, "Image: dcp-busybox", "CRIU dump statistics", "Pages written",
                "Process tree", "[1]", "Open files", "/dev/null", "Overview of mounts", "Destination: /proc",
                "Annotations")) {
            assertTrue(inspect.text().contains(part), part + " in\n" + inspect);
        }
        // the process's command as CRIU recorded it (--all shows its arguments instead, read from the memory
        // image: checkpointctl 1.3.0 shows them blank for CRIU 4.2.1's images, Podman's own exports too)
        E2E.Output tree = E2E.runAllowingFailure(List.of(checkpointctl, "inspect", "--ps-tree", file.toString()));
        assertEquals(0, tree.exit(), tree.toString());
        assertTrue(tree.text().contains("[1]  sh"), tree.toString());
    }

    @Test
    void aDamagedExportOfARealCheckpointIsRefused() throws Exception {
        String app = E2E.name("damaged");
        checkpointedCounter(app);
        Path dir = otherBase();
        Path file = dir.resolve("plain.tar");
        assertEquals(0, E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString(), "--compress", "none").exit());
        byte[] archive = Files.readAllBytes(file);
        byte[] pages = Files.readAllBytes(findPages(base.resolve(app).resolve("cp1")));
        int at = indexOf(archive, java.util.Arrays.copyOf(pages, Math.min(pages.length, 4096)));
        archive[at + 100] ^= 0x01;
        Files.write(file, archive);
        Path target = otherBase();
        E2E.Cli r = E2E.cli("import", file.toString(), "-dir", target.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: the archive is damaged: checkpoint/pages-"), r.toString());
        assertTrue(r.err().contains("differs from the SHA-256 recorded at export"), r.toString());
        try (var s = Files.list(target)) {
            assertFalse(s.findAny().isPresent(), "nothing is left in " + target);
        }
    }

    /**
     * A memory image damaged in place after checkpoint time, its size and modification time kept
     * (as a disk's silent corruption or a careful hand leaves them): an export without --verify
     * takes its recorded checksum and does not read it twice, and the import, which hashes every
     * file, refuses the archive naming the file and keeps nothing; {@code export --verify} reads it
     * and refuses the checkpoint itself, leaving no file.
     */
    @Test
    void aMemoryImageDamagedWithItsTimeKeptIsNamedByTheImportAndByExportVerify() throws Exception {
        String app = E2E.name("bitrot");
        checkpointedCounter(app);
        Path pages = largestPages(base.resolve(app).resolve("cp1"));
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(pages);
        try (var f = new java.io.RandomAccessFile(pages.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(pages, time);
        String name = pages.getFileName().toString();

        Path out = otherBase();
        E2E.Cli verified = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                out.resolve("verified.tar.zst").toString(), "--verify");
        assertEquals(1, verified.exit(), verified.toString());
        assertTrue(verified.err().startsWith("error: checkpoint " + app + "/cp1 is damaged: " + name
                + " differs from the SHA-256 recorded when the checkpoint was made"), verified.toString());
        try (var s = Files.list(out)) {
            assertFalse(s.findAny().isPresent(), "no archive and no temporary file in " + out);
        }

        Path file = out.resolve("plain.tar.zst");
        E2E.Cli exported = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", base.toString(), "-o",
                file.toString());
        assertEquals(0, exported.exit(), exported.toString());
        Path target = otherBase();
        E2E.Cli r = E2E.cli("import", file.toString(), "-dir", target.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("error: the archive is damaged: checkpoint/" + name
                + " differs from the SHA-256 recorded at export"), r.toString());
        assertTrue(r.err().contains("verify-checkpoint"), r.toString());
        try (var s = Files.list(target)) {
            assertFalse(s.findAny().isPresent(), "nothing is left in " + target);
        }
    }

    /** The checkpoint's largest memory image. */
    private static Path largestPages(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pages-")).max(java.util.Comparator
                    .comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    private static Path findPages(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pages-")).filter(p -> {
                try {
                    return Files.size(p) >= 4096;
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
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
        throw new AssertionError("pages not found in the archive");
    }
}
