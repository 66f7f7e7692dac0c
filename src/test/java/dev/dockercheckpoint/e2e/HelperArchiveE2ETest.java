package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Export and import without root, through a real helper: a member of group docker exports a
 * checkpoint to a file of its own, imports it under other names, through a pipe too, and the
 * imported checkpoint restores on the real engine with CRIU; encrypted exports are sealed in the
 * command line; {@code --verify} has the helper read every file.
 */
@Tag("e2e")
class HelperArchiveE2ETest {
    private static HelperProcess helper;
    private static Path root;
    private static Path source;
    private static Path target;
    /** A directory of the member's own, where its archives go. */
    private static Path home;

    @BeforeAll
    static void startHelper() throws Exception {
        E2E.engine();
        HelperProcess.ensureUsers();
        root = E2E.newBaseDir();
        source = root.resolve("source");
        target = root.resolve("target");
        helper = new HelperProcess().serving(source, target).start();
        home = Files.createTempDirectory(Path.of("/tmp"), "dcp-member-");
        E2E.run(List.of("chown", HelperProcess.MEMBER, home.toString()));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (helper != null) {
            System.out.println("--- helper log\n" + helper.log());
            helper.close();
        }
        E2E.deleteTree(root);
        if (home != null) {
            E2E.deleteTree(home);
        }
    }

    @Test
    void aMemberExportsToItsOwnFileImportsUnderOtherNamesAndTheCopyRestores() throws Exception {
        String app = E2E.name("archive");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo a-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "a-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = helper.runAs(HelperProcess.MEMBER, "-container", app, "-name", "cp1", "-dir",
                source.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long last = E2E.numbers(app, "a-").getLast();
        E2E.remove(app);

        Path archive = home.resolve(app + ".tar.zst");
        E2E.Cli export = helper.runAs(HelperProcess.MEMBER, "export", "-container", app, "-name", "cp1", "-dir",
                source.toString(), "-o", archive.toString());
        assertEquals(0, export.exit(), export.toString());
        assertTrue(export.out().startsWith("Exported " + app + "/cp1 to " + archive), export.toString());
        Map<String, Object> attrs = Files.readAttributes(archive, "unix:uid,mode");
        assertEquals(uid(HelperProcess.MEMBER), attrs.get("uid"), "the member's file, written by the member");
        assertEquals(0600, (Integer) attrs.get("mode") & 0777);
        try (var files = Files.list(home)) {
            assertEquals(List.of(archive), files.filter(f -> !Files.isDirectory(f)).toList(),
                    "no temporary file is left");
        }

        String copy = app + "-copy";
        E2E.Cli imported = helper.runAs(HelperProcess.MEMBER, "import", archive.toString(), "-dir", target.toString(),
                "-container", copy, "-name", "moved");
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.out().startsWith("Imported " + copy + "/moved into " + target.resolve(copy)
                .resolve("moved")), imported.toString());
        assertTrue(imported.out().contains("every file matches the SHA-256"), imported.toString());
        // imported again: the name is taken, and nothing of the second try is left
        E2E.Cli again = helper.runAs(HelperProcess.MEMBER, "import", archive.toString(), "-dir", target.toString(),
                "-container", copy, "-name", "moved");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("already exists"), again.toString());
        try (var entries = Files.list(target.resolve(copy))) {
            assertEquals(List.of(target.resolve(copy).resolve("moved")), entries.toList());
        }

        // through a pipe: export -o - | import -
        E2E.Cli piped = pipe(List.of("export", "-container", app, "-name", "cp1", "-dir", source.toString(), "-o", "-"),
                List.of("import", "-", "-dir", target.toString(), "-name", "piped"));
        assertEquals(0, piped.exit(), piped.toString());
        assertTrue(piped.out().startsWith("Imported " + app + "/piped into "), piped.toString());

        String restored = E2E.name("archive-restored");
        E2E.track(restored);
        E2E.Cli restore = helper.runAs(HelperProcess.MEMBER, "-restore", "-container", copy, "-name", "moved",
                "-dir", target.toString(), "-new-name", restored);
        assertEquals(0, restore.exit(), restore.toString());
        E2E.waitForNumber(restored, "a-", last + 2, Duration.ofSeconds(20));
        assertEquals(last + 1, E2E.numbers(restored, "a-").getFirst(), "it continues where it was checkpointed");

        String log = helper.log();
        assertTrue(log.contains("user=" + HelperProcess.MEMBER) && log.contains("export container=" + app),
                "audit lines for the exports");
        assertTrue(log.contains("import dir=\"" + target + "\" container=" + copy + " name=moved"),
                "audit lines for the imports");
        String line = "import dir=\"" + target + "\" container=" + copy + " name=moved maxBytes=" + (64L << 30)
                + " result=";
        assertTrue(log.contains(line + "ok (") && log.contains(line + "CHECKPOINT_EXISTS ("),
                "one audit line for each import, with its result");
    }

    /**
     * Encryption without root: the command line encrypts the bytes the helper sends and decrypts
     * those it sends to it, so the key stays in the member's process; the standard age tool reads
     * the file.
     */
    @Test
    void aMembersEncryptedExportIsSealedBeforeItLeavesTheCommandLine() throws Exception {
        String app = E2E.name("sealed");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo s-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "s-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = helper.runAs(HelperProcess.MEMBER, "-container", app, "-name", "cp1", "-dir",
                source.toString());
        assertEquals(0, dump.exit(), dump.toString());
        Path own = Files.createDirectory(home.resolve(app)); // the other test counts the files in home
        E2E.run(List.of("chown", HelperProcess.MEMBER, own.toString()));
        Path key = own.resolve(app + ".key");
        E2E.run(List.of("age-keygen", "-o", key.toString()));
        E2E.run(List.of("chown", HelperProcess.MEMBER, key.toString()));
        String publicKey = E2E.run(List.of("age-keygen", "-y", key.toString())).strip();
        String secretKey = Files.readAllLines(key).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-")).findFirst()
                .orElseThrow();

        Path archive = own.resolve(app + ".tar.zst.age");
        E2E.Cli export = helper.runAs(HelperProcess.MEMBER, "export", "-container", app, "-name", "cp1", "-dir",
                source.toString(), "-o", archive.toString(), "--recipient", publicKey);
        assertEquals(0, export.exit(), export.toString());
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(archive), 21);
        assertEquals("age-encryption.org/v1", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
        List<Process> list = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder("age", "-d", "-i", key.toString(), archive.toString()),
                new ProcessBuilder("zstd", "-d"), new ProcessBuilder("tar", "-t")));
        String names = new String(list.getLast().getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        for (Process p : list) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "age -d | zstd -d | tar -t: " + names);
        }
        assertTrue(names.contains("container.json"), names);

        E2E.Cli withoutKey = helper.runAs(HelperProcess.MEMBER, "import", archive.toString(), "-dir",
                target.toString(), "-name", "sealed");
        assertEquals(1, withoutKey.exit(), withoutKey.toString());
        assertTrue(withoutKey.err().contains("encrypted with age"), withoutKey.toString());
        E2E.Cli imported = helper.runAs(HelperProcess.MEMBER, "import", archive.toString(), "-dir",
                target.toString(), "-name", "sealed", "--identity", key.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.out().contains("every file matches the SHA-256"), imported.toString());
        assertTrue(Files.isRegularFile(target.resolve(app).resolve("sealed").resolve("container.json")));
        assertFalse(helper.log().contains(secretKey), "the secret key never reaches the helper");
    }

    /**
     * {@code export --verify} reaches the helper, which then reads every file: a memory image
     * damaged after checkpoint time (its size and time kept) is refused there, naming the file;
     * without it the export goes through and the import names the file.
     */
    @Test
    void aMembersVerifiedExportRefusesADamagedCheckpointInTheHelper() throws Exception {
        String app = E2E.name("verified");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo v-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "v-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = helper.runAs(HelperProcess.MEMBER, "-container", app, "-name", "cp1", "-dir",
                source.toString());
        assertEquals(0, dump.exit(), dump.toString());
        Path pages;
        try (var s = Files.list(source.resolve(app).resolve("cp1"))) {
            pages = s.filter(p -> p.getFileName().toString().startsWith("pages-")).max(java.util.Comparator
                    .comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(pages);
        byte[] memory = Files.readAllBytes(pages);
        memory[memory.length / 2] ^= 0x01;
        Files.write(pages, memory);
        Files.setLastModifiedTime(pages, time);
        Path own = Files.createDirectory(home.resolve(app)); // the first test counts the files in home
        E2E.run(List.of("chown", HelperProcess.MEMBER, own.toString()));

        E2E.Cli verified = helper.runAs(HelperProcess.MEMBER, "export", "-container", app, "-name", "cp1", "-dir",
                source.toString(), "-o", own.resolve("verified.tar.zst").toString(), "--verify");
        assertEquals(1, verified.exit(), verified.toString());
        // on a slow host a progress line may come first
        assertTrue(verified.err().lines().anyMatch(l -> l.equals("error: checkpoint " + app + "/cp1 is damaged: "
                + pages.getFileName() + " differs from the SHA-256 recorded when the checkpoint was made")),
                verified.toString());
        try (var files = Files.list(own)) {
            assertEquals(List.of(), files.toList(), "no archive and no temporary file");
        }

        Path archive = own.resolve("plain.tar.zst");
        E2E.Cli export = helper.runAs(HelperProcess.MEMBER, "export", "-container", app, "-name", "cp1", "-dir",
                source.toString(), "-o", archive.toString());
        assertEquals(0, export.exit(), export.toString());
        E2E.Cli imported = helper.runAs(HelperProcess.MEMBER, "import", archive.toString(), "-dir",
                target.toString(), "-name", "damaged");
        assertEquals(1, imported.exit(), imported.toString());
        assertTrue(imported.err().startsWith("error: the archive is damaged: checkpoint/" + pages.getFileName()
                + " differs from the SHA-256 recorded at export"), imported.toString());
        assertFalse(Files.exists(target.resolve(app).resolve("damaged")), "nothing was imported");
    }

    private static int uid(String user) {
        return Integer.parseInt(E2E.run(List.of("id", "-u", user)).strip());
    }

    /** {@code docker-checkpoint first | docker-checkpoint second}, both as the member: the second's output. */
    private static E2E.Cli pipe(List<String> first, List<String> second) throws Exception {
        List<ProcessBuilder> steps = new ArrayList<>();
        for (List<String> args : List.of(first, second)) {
            List<String> cmd = new ArrayList<>(List.of("runuser", "-u", HelperProcess.MEMBER, "--", "env", "HOME=/tmp",
                    "DOCKER_CHECKPOINT_SOCKET=" + helper.socket, HelperProcess.JAVA, "-jar",
                    HelperProcess.JAR.toString()));
            cmd.addAll(args);
            steps.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(
                    home.resolve("pipe.err").toFile())));
        }
        List<Process> ps = ProcessBuilder.startPipeline(steps);
        Process last = ps.getLast();
        byte[] out = last.getInputStream().readAllBytes();
        for (Process p : ps) {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }
        int exit = ps.getFirst().exitValue() != 0 ? ps.getFirst().exitValue() : last.exitValue();
        String err = Files.readString(home.resolve("pipe.err"));
        Files.delete(home.resolve("pipe.err"));
        return new E2E.Cli(exit, new String(out), err);
    }
}
