package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.engine.HostTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our encrypted archives against the age tool itself (Debian's {@code age} package; no Docker):
 * {@code age -d} decrypts our exports into a zstd tar that {@code zstd -d | tar -t} and our import
 * read, files that {@code age -r}, {@code age -a} and {@code age -p} made import, and our terminal
 * prompt asks without echo. age reads passphrases from a terminal only, so those runs go through a
 * pseudo-terminal (Python's pty module, an argument list, no shell).
 */
class AgeInteropTest {
    private static final String PTY = "import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))";
    /** Runs argv[2:] with its standard output into the file argv[1]. */
    private static final String REDIRECT_STDOUT = "import os, sys\nfd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT"
            + " | os.O_TRUNC, 0o600)\nos.dup2(fd, 1)\nos.execvp(sys.argv[2], sys.argv[2:])";
    private static String age;
    private static String ageKeygen;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        age = HostTools.which("age").map(Path::toString).orElse(null);
        ageKeygen = HostTools.which("age-keygen").map(Path::toString).orElse(null);
        if (age == null || ageKeygen == null) {
            String why = "the age tool is not installed (scripts/setup-host installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run dcp(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    record Output(int exit, String text) {
    }

    /** Runs a pipeline of argument lists; stdout of the last and stderr of all, merged in order of arrival. */
    private static Output exec(List<List<String>> commands) throws Exception {
        List<ProcessBuilder> builders = new ArrayList<>();
        Path err = Files.createTempFile("dcp-age", ".err");
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

    /**
     * Runs {@code command} on a pseudo-terminal, answering each prompt in turn (the answer typed
     * once the prompt shows, as a person does); returns the exit code and the terminal's text.
     */
    static Output onTerminal(List<String> command, List<String> prompts, List<String> answers) throws Exception {
        List<String> argv = new ArrayList<>(List.of("python3", "-c", PTY));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().remove(Passphrase.ENV);
        Process p = pb.start();
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
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
        reader.start();
        OutputStream keys = p.getOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int from = 0;
        for (int i = 0; i < prompts.size(); i++) {
            synchronized (screen) {
                int at;
                while ((at = screen.toString(StandardCharsets.UTF_8).indexOf(prompts.get(i), from)) < 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !p.isAlive() && !reader.isAlive()) {
                        p.destroyForcibly();
                        fail("no prompt '" + prompts.get(i) + "' on the terminal:\n" + screen);
                    }
                    screen.wait(100);
                }
                from = at + prompts.get(i).length();
            }
            Thread.sleep(200); // the prompt is printed before the echo is off: type after it, as a person does
            keys.write((answers.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish on the terminal:\n" + screen);
        }
        reader.join(5000);
        keys.close();
        synchronized (screen) {
            return new Output(p.exitValue(), screen.toString(StandardCharsets.UTF_8));
        }
    }

    private Path checkpoint() throws Exception {
        Path base = tmp.resolve("src");
        CheckpointStore.Pending p = new CheckpointStore(base).create("myapp", "cp1");
        byte[] pages = new byte[3 << 20];
        new Random(9).nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
        return base;
    }

    /** A key made by age-keygen; returns its public key. */
    private String keygen(Path file) throws Exception {
        Output made = exec(ageKeygen, "-o", file.toString());
        assertEquals(0, made.exit(), made.text());
        Output pub = exec(ageKeygen, "-y", file.toString());
        assertEquals(0, pub.exit(), pub.text());
        return pub.text().strip();
    }

    private Path plainExport(Path base) {
        Path plain = tmp.resolve("plain.tar.zst");
        Run e = dcp("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", plain.toString());
        assertEquals(0, e.exit(), e.err());
        return plain;
    }

    private void assertImported(Path base, Path dst, String name) throws IOException {
        assertArrayEquals(Files.readAllBytes(base.resolve("myapp/cp1/pages-1.img")),
                Files.readAllBytes(dst.resolve("myapp").resolve(name).resolve("pages-1.img")));
    }

    @Test
    void ageDecryptsOurExportToSeveralRecipientsIntoAZstdTarThatTarAndOurImportRead() throws Exception {
        Path base = checkpoint();
        Path keyA = tmp.resolve("a.txt");
        Path keyB = tmp.resolve("b.txt");
        String pubA = keygen(keyA);
        String pubB = keygen(keyB);
        Path enc = tmp.resolve("myapp.tar.zst.age");
        Path list = tmp.resolve("recipients.txt");
        Files.writeString(list, "# the second machine\n" + pubB + "\n");
        Run e = dcp("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", enc.toString(),
                "--recipient", pubA, "--recipients-file", list.toString());
        assertEquals(0, e.exit(), e.err());
        assertTrue(e.out().contains("(zstd, age, 2 recipients)"), e.out());

        for (Path key : List.of(keyA, keyB)) {
            Path dec = tmp.resolve("dec-" + key.getFileName() + ".tar.zst");
            Output d = exec(age, "-d", "-i", key.toString(), "-o", dec.toString(), enc.toString());
            assertEquals(0, d.exit(), d.text());
            Output t = exec(List.of(List.of("zstd", "-d", "-q", "-c", dec.toString()), List.of("tar", "-t")));
            assertEquals(0, t.exit(), t.text());
            assertTrue(t.text().contains("checkpoint/pages-1.img"), t.text());
            assertTrue(t.text().lines().anyMatch("docker-checkpoint-manifest.json"::equals), t.text());
            Path dst = tmp.resolve("dst-" + key.getFileName());
            Run i = dcp("import", dec.toString(), "-dir", dst.toString());
            assertEquals(0, i.exit(), i.err());
            assertImported(base, dst, "cp1");
        }
    }

    @Test
    void filesAgeEncryptedToARecipientImportWithTheIdentityBinaryAndArmored() throws Exception {
        Path base = checkpoint();
        Path plain = plainExport(base);
        Path key = tmp.resolve("key.txt");
        String pub = keygen(key);
        Path enc = tmp.resolve("by-age.bin");
        Output a = exec(age, "-r", pub, "-o", enc.toString(), plain.toString());
        assertEquals(0, a.exit(), a.text());
        Path armored = tmp.resolve("by-age.pem");
        a = exec(age, "-a", "-r", pub, "-o", armored.toString(), plain.toString());
        assertEquals(0, a.exit(), a.text());
        assertTrue(Files.readString(armored).startsWith("-----BEGIN AGE ENCRYPTED FILE-----"));

        Run none = dcp("import", enc.toString(), "-dir", tmp.resolve("none").toString());
        assertEquals(1, none.exit());
        assertEquals("error: the archive is encrypted with age (to 1 recipient)\nhint: pass --identity FILE, the key"
                + " file of one of its recipients\n", none.err());
        assertFalse(Files.exists(tmp.resolve("none")));

        Run i = dcp("import", enc.toString(), "-dir", tmp.resolve("dst").toString(), "--identity", key.toString());
        assertEquals(0, i.exit(), i.err());
        assertImported(base, tmp.resolve("dst"), "cp1");
        i = dcp("import", armored.toString(), "-dir", tmp.resolve("dst").toString(), "-name", "armored",
                "--identity", key.toString());
        assertEquals(0, i.exit(), i.err());
        assertImported(base, tmp.resolve("dst"), "armored");
    }

    @Test
    void aFileAgeEncryptedWithAPassphraseImportsAndOurPassphraseExportDecryptsWithAge() throws Exception {
        Path base = checkpoint();
        Path plain = plainExport(base);
        String secret = "tr0ub4dor & 3 ünïcode";
        Path enc = tmp.resolve("by-age-p.age");
        Output a = onTerminal(List.of(age, "-p", "-o", enc.toString(), plain.toString()),
                List.of("Enter passphrase", "Confirm passphrase"), List.of(secret, secret));
        assertEquals(0, a.exit(), a.text());
        assertFalse(a.text().contains(secret), "age does not echo: " + a.text());
        Path file = tmp.resolve("pass.txt");
        Files.writeString(file, secret + "\n");
        Run i = dcp("import", enc.toString(), "-dir", tmp.resolve("dst").toString(), "--passphrase-file",
                file.toString());
        assertEquals(0, i.exit(), i.err());
        assertImported(base, tmp.resolve("dst"), "cp1");

        Path ours = tmp.resolve("ours.age");
        Run e = dcp("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", ours.toString(),
                "--passphrase-file", file.toString());
        assertEquals(0, e.exit(), e.err());
        assertTrue(e.out().contains("(zstd, age, passphrase)"), e.out());
        Path dec = tmp.resolve("ours.tar.zst");
        Output d = onTerminal(List.of(age, "-d", "-o", dec.toString(), ours.toString()), List.of("Enter passphrase"),
                List.of(secret));
        assertEquals(0, d.exit(), d.text());
        Output t = exec(List.of(List.of("zstd", "-d", "-q", "-c", dec.toString()), List.of("tar", "-t")));
        assertTrue(t.text().contains("checkpoint/pages-1.img"), t.text());
    }

    @Test
    void ourCommandAsksForThePassphraseTwiceOnTheTerminalWithoutEcho() throws Exception {
        Path base = checkpoint();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "export", "-container", "myapp",
                "-name", "cp1", "-dir", base.toString(), "--passphrase", "-o"));
        String secret = "typed on a terminal 42";
        Path enc = tmp.resolve("typed.age");
        List<String> ok = new ArrayList<>(cmd);
        ok.add(enc.toString());
        Output typed = onTerminal(ok, List.of("Passphrase: ", "Passphrase again: "), List.of(secret, secret));
        assertEquals(0, typed.exit(), typed.text());
        assertFalse(typed.text().contains(secret), "no echo:\n" + typed.text());
        assertTrue(typed.text().contains("(zstd, age, passphrase)"), typed.text());

        List<String> mismatch = new ArrayList<>(cmd);
        mismatch.add(tmp.resolve("never.age").toString());
        Output differ = onTerminal(mismatch, List.of("Passphrase: ", "Passphrase again: "),
                List.of(secret, secret + "!"));
        assertEquals(1, differ.exit(), differ.text());
        assertTrue(differ.text().contains("error: the two passphrases differ"), differ.text());
        assertFalse(Files.exists(tmp.resolve("never.age")));

        // standard output a pipe (export -o - | ...): the terminal is still asked, through /dev/tty
        Path piped = tmp.resolve("piped.age");
        List<String> toStdout = new ArrayList<>(List.of("python3", "-c", REDIRECT_STDOUT, piped.toString()));
        toStdout.addAll(cmd);
        toStdout.add("-");
        Output viaTty = onTerminal(toStdout, List.of("Passphrase: ", "Passphrase again: "), List.of(secret, secret));
        assertEquals(0, viaTty.exit(), viaTty.text());
        assertFalse(viaTty.text().contains(secret), "no echo:\n" + viaTty.text());
        assertTrue(Files.readString(piped, StandardCharsets.ISO_8859_1).startsWith("age-encryption.org/v1\n-> scrypt "));
        Path file = tmp.resolve("pass.txt");
        Files.writeString(file, secret + "\n");
        Run i = dcp("import", piped.toString(), "-dir", tmp.resolve("dst").toString(), "--passphrase-file",
                file.toString());
        assertEquals(0, i.exit(), i.err());

        // age, asked on the terminal, takes what was typed into ours
        Path dec = tmp.resolve("typed.tar.zst");
        Output d = onTerminal(List.of(age, "-d", "-o", dec.toString(), enc.toString()), List.of("Enter passphrase"),
                List.of(secret));
        assertEquals(0, d.exit(), d.text());
        assertEquals(0x28, Files.readAllBytes(dec)[0] & 0xff);
    }
}
