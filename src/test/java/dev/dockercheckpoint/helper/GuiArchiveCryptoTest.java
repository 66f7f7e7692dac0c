package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.engine.HostTools;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.ui.services.HelperCheckpointService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop application's service code ({@link HelperCheckpointService}, as Export… and Import…
 * call it) against a helper on a real Unix socket and the age tool itself (Debian's {@code age}):
 * what it encrypts, {@code age -d} decrypts into the helper's zstd tar; what {@code age -r} made
 * imports with the key file; a wrong key or passphrase is refused before the helper stores
 * anything. age reads passphrases only from a terminal, so that run goes through a
 * pseudo-terminal (Python's pty module, an argument list).
 */
class GuiArchiveCryptoTest {
    private static final String PTY = "import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))";
    private static String age;
    private static String ageKeygen;

    @TempDir
    Path dir;
    private HelperHarness helper;
    private HelperCheckpointService service;
    private Path base;
    private Path other;
    private Path mine;

    @BeforeAll
    static void tools() {
        age = HostTools.which("age").map(Path::toString).orElse(null);
        ageKeygen = HostTools.which("age-keygen").map(Path::toString).orElse(null);
        if (age == null || ageKeygen == null || HostTools.which("zstd").isEmpty()) {
            String why = "age, age-keygen or zstd is not installed (scripts/setup-host installs them)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
    }

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir);
        base = helper.config.baseDirs().get(0);
        other = helper.config.baseDirs().get(1);
        service = new HelperCheckpointService(helper.socket);
        mine = Files.createDirectory(dir.resolve("home"));
        CheckpointStore.Pending p = new CheckpointStore(base).create("web", "cp1");
        byte[] memory = new byte[2 << 20];
        new Random(11).nextBytes(memory);
        Files.write(p.dir().resolve("pages-1.img"), memory);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "(00.000001) Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        helper.close();
    }

    record Output(int exit, String text) {
    }

    private static Output exec(List<List<String>> commands) throws Exception {
        List<ProcessBuilder> builders = new ArrayList<>();
        Path err = Files.createTempFile("dcp-gui-age", ".err");
        try {
            for (List<String> c : commands) {
                builders.add(new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())));
            }
            List<Process> ps = ProcessBuilder.startPipeline(builders);
            ps.getFirst().getOutputStream().close();
            String out = new String(ps.getLast().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = 0;
            for (Process p : ps) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    ps.forEach(Process::destroyForcibly);
                    fail(commands + " did not finish in 60 s");
                }
                exit = Math.max(exit, p.exitValue());
            }
            return new Output(exit, out + Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Output exec(String... command) throws Exception {
        return exec(List.of(List.of(command)));
    }

    /** Runs {@code command} on a pseudo-terminal and types {@code answer} once {@code prompt} shows. */
    private static Output onTerminal(List<String> command, String prompt, String answer) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", "-c", PTY));
        argv.addAll(command);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = p.getInputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) >= 0; ) {
                    synchronized (screen) {
                        screen.write(b, 0, n);
                        screen.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (screen) {
            while (!screen.toString(StandardCharsets.UTF_8).contains(prompt)) {
                if (System.nanoTime() > deadline || !p.isAlive() && !reader.isAlive()) {
                    p.destroyForcibly();
                    fail("no prompt '" + prompt + "' on the terminal:\n" + screen);
                }
                screen.wait(100);
            }
        }
        Thread.sleep(200); // the prompt shows before the echo is off: type after it, as a person does
        try (OutputStream keys = p.getOutputStream()) {
            keys.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
            keys.flush();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish on the terminal:\n" + screen);
            }
        }
        reader.join(5000);
        synchronized (screen) {
            return new Output(p.exitValue(), screen.toString(StandardCharsets.UTF_8));
        }
    }

    /** A key made by age-keygen; returns its public key. */
    private String keygen(Path file) throws Exception {
        Output made = exec(ageKeygen, "-o", file.toString());
        assertEquals(0, made.exit(), made.text());
        Output pub = exec(ageKeygen, "-y", file.toString());
        assertEquals(0, pub.exit(), pub.text());
        return pub.text().strip();
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

    private List<String> tarEntries(Path zstdTar) throws Exception {
        Output t = exec(List.of(List.of("zstd", "-d", "-q", "-c", zstdTar.toString()), List.of("tar", "-t")));
        assertEquals(0, t.exit(), t.text());
        return List.of(t.text().split("\n"));
    }

    @Test
    void anExportEncryptedToRecipientsWithVolumesDecryptsWithAgeIntoTheHelpersArchive() throws Exception {
        Path keyA = dir.resolve("a.txt");
        Path keyB = dir.resolve("b.txt");
        String pubA = keygen(keyA);
        String pubB = keygen(keyB);
        Path volume = Files.createDirectory(dir.resolve("appcache-data"));
        Files.writeString(volume.resolve("kept.txt"), "in the volume");
        helper.engine.volumes.put("appcache", volume); // the fixture's container mounted volume appcache
        Path file = mine.resolve("web-cp1.tar.zst.age");
        List<String> notes = new ArrayList<>();
        ExportInfo r = service.exportCheckpoint(base, "web", "cp1", "zstd", true,
                new ArchiveCrypto.Encryption.ToRecipients(ArchiveCrypto.recipients(pubA + "\n# b\n" + pubB)), file,
                new TransferListener() {
                    @Override
                    public void note(String message) {
                        notes.add(message);
                    }
                });
        assertEquals("zstd, age, 2 recipients", r.compression());
        assertEquals(Files.size(file), r.archiveBytes(), "the encrypted file's size");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(notes.contains("volumes are copied as they are now, not as they were at the checkpoint"), notes.toString());
        String header = new String(Files.readAllBytes(file), 0, 200, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("age-encryption.org/v1\n-> X25519 "), header);

        for (Path key : List.of(keyA, keyB)) {
            Path plain = dir.resolve("plain-" + key.getFileName() + ".tar.zst");
            Output d = exec(age, "-d", "-i", key.toString(), "-o", plain.toString(), file.toString());
            assertEquals(0, d.exit(), d.text());
            List<String> entries = tarEntries(plain);
            assertTrue(entries.contains("checkpoint/pages-1.img"), entries.toString());
            assertTrue(entries.contains("volumes/appcache.tar"), entries.toString());
        }
        Path out = Files.createDirectory(dir.resolve("x"));
        Output x = exec(List.of(List.of(age, "-d", "-i", keyA.toString(), file.toString()), List.of("zstd", "-d", "-q"),
                List.of("tar", "-x", "-C", out.toString())));
        assertEquals(0, x.exit(), x.text());
        assertArrayEquals(Files.readAllBytes(base.resolve("web/cp1/pages-1.img")),
                Files.readAllBytes(out.resolve("checkpoint/pages-1.img")));
    }

    @Test
    void aFileAgeEncryptedImportsWithItsKeyFileAndAWrongKeyLeavesNothing() throws Exception {
        Path plain = mine.resolve("plain.tar.zst");
        service.exportCheckpoint(base, "web", "cp1", "zstd", plain, TransferListener.NONE);
        Path key = dir.resolve("key.txt");
        Path wrong = dir.resolve("wrong.txt");
        String pub = keygen(key);
        keygen(wrong);
        Path enc = mine.resolve("by-age.tar.zst.age");
        Output e = exec(age, "-r", pub, "-o", enc.toString(), plain.toString());
        assertEquals(0, e.exit(), e.text());

        ArchiveCrypto.Lock lock = ArchiveCrypto.lockOf(enc).orElseThrow();
        assertTrue(lock.needsIdentity());
        assertEquals("to 1 recipient", lock.describe());
        assertTrue(ArchiveCrypto.lockOf(plain).isEmpty(), "a plain archive is no age file");

        DcpException refused = assertThrows(DcpException.class, () -> service.importArchive(enc, other, null, "fromage",
                new ArchiveCrypto.Decryption.WithIdentity(wrong), TransferListener.NONE));
        assertEquals(ErrorCode.DECRYPTION_FAILED, refused.code());
        // the command line's words (cli.EncryptedExportImportCommandTest)
        assertEquals("no identity in " + wrong + " matches the archive's 1 recipient", refused.getMessage());
        assertEquals(List.of(), everything(other), "nothing is left behind");

        DcpException without = assertThrows(DcpException.class, () -> service.importArchive(enc, other, null, "fromage",
                TransferListener.NONE));
        assertEquals(ErrorCode.ENCRYPTED_ARCHIVE, without.code());
        assertEquals(List.of(), everything(other));

        ImportInfo r = service.importArchive(enc, other, null, "fromage", new ArchiveCrypto.Decryption.WithIdentity(key),
                TransferListener.NONE);
        assertEquals("web/fromage", r.container() + "/" + r.name());
        assertTrue(r.verified());
        assertArrayEquals(Files.readAllBytes(base.resolve("web/cp1/pages-1.img")),
                Files.readAllBytes(other.resolve("web/fromage/pages-1.img")));

        // age's armored form too
        Path armored = mine.resolve("armored.age");
        assertEquals(0, exec(age, "-a", "-r", pub, "-o", armored.toString(), plain.toString()).exit());
        assertEquals("to 1 recipient", ArchiveCrypto.lockOf(armored).orElseThrow().describe(), "read under its armor");
        service.importArchive(armored, other, null, "armored", new ArchiveCrypto.Decryption.WithIdentity(key),
                TransferListener.NONE);
        assertTrue(Files.isRegularFile(other.resolve("web/armored/pages-1.img")));
    }

    @Test
    void aPassphraseExportDecryptsWithAgeAndAWrongPassphraseIsRefusedBeforeAnythingIsStored() throws Exception {
        String secret = "correct horse battery staple";
        Path file = mine.resolve("web-cp1.tar.zst.age");
        char[] typed = secret.toCharArray();
        ExportInfo r = service.exportCheckpoint(base, "web", "cp1", "zstd", false,
                new ArchiveCrypto.Encryption.WithPassphrase(typed), file, TransferListener.NONE);
        assertEquals("zstd, age, passphrase", r.compression());
        assertTrue(new String(Files.readAllBytes(file), 0, 40, StandardCharsets.ISO_8859_1)
                .startsWith("age-encryption.org/v1\n-> scrypt "));
        Path plain = dir.resolve("dec.tar.zst");
        Output d = onTerminal(List.of(age, "-d", "-o", plain.toString(), file.toString()), "Enter passphrase", secret);
        assertEquals(0, d.exit(), d.text());
        assertTrue(tarEntries(plain).contains("checkpoint/pages-1.img"));

        assertTrue(ArchiveCrypto.lockOf(file).orElseThrow().passphrase());
        DcpException refused = assertThrows(DcpException.class, () -> service.importArchive(file, other, null, null,
                new ArchiveCrypto.Decryption.WithPassphrase("correct horse battery stapel".toCharArray()),
                TransferListener.NONE));
        assertEquals(ErrorCode.DECRYPTION_FAILED, refused.code());
        assertEquals("the passphrase does not decrypt the archive", refused.getMessage());
        assertEquals("check the passphrase; nothing was imported", refused.hint());
        assertEquals(List.of(), everything(other), "nothing is left behind");
        service.importArchive(file, other, null, null, new ArchiveCrypto.Decryption.WithPassphrase(
                Arrays.copyOf(typed, typed.length)), TransferListener.NONE);
        assertArrayEquals(Files.readAllBytes(base.resolve("web/cp1/pages-1.img")),
                Files.readAllBytes(other.resolve("web/cp1/pages-1.img")));
    }
}
