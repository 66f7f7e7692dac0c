package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ManifestFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encryption options of export and import (no Docker, no age tool): where a passphrase comes
 * from, which options go together, and that no passphrase or secret key ever reaches the output,
 * an error or the log (everything the process writes to its standard streams is captured).
 */
class EncryptedExportImportCommandTest {
    @TempDir
    Path tmp;

    private final Supplier<OutputStream> savedOut = ExportCommand.stdout;
    private final Supplier<InputStream> savedIn = ImportCommand.stdin;
    private final Supplier<Passphrase.Terminal> savedTerminal = Passphrase.terminal;
    private final Function<String, String> savedEnv = Passphrase.environment;
    private final PrintStream savedSystemErr = System.err;
    private final PrintStream savedSystemOut = System.out;
    /** All the process wrote: the log (SLF4J's simple logger writes to System.err), stray prints, and each run's output. */
    private final ByteArrayOutputStream everything = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        PrintStream both = new PrintStream(everything, true, StandardCharsets.UTF_8);
        System.setErr(both);
        System.setOut(both);
        Passphrase.environment = name -> null;
        Passphrase.terminal = () -> null;
    }

    @AfterEach
    void restore() {
        System.setErr(savedSystemErr);
        System.setOut(savedSystemOut);
        ExportCommand.stdout = savedOut;
        ImportCommand.stdin = savedIn;
        Passphrase.terminal = savedTerminal;
        Passphrase.environment = savedEnv;
    }

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        synchronized (everything) {
            everything.writeBytes(out.toString().getBytes(StandardCharsets.UTF_8));
            everything.writeBytes(err.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new Run(exit, out.toString(), err.toString());
    }

    private String captured() {
        synchronized (everything) {
            return everything.toString(StandardCharsets.UTF_8);
        }
    }

    private Path checkpoint() throws Exception {
        Path base = tmp.resolve("src");
        CheckpointStore.Pending p = new CheckpointStore(base).create("myapp", "cp1");
        byte[] pages = new byte[1 << 20];
        new Random(4).nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
        return base;
    }

    private static List<String> list(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPassphraseFromTheEnvironmentOrAFileNeverShowsInOutputErrorsOrTheLog() throws Exception {
        Path base = checkpoint();
        String secret = "s3cret-passphrase-" + System.nanoTime();
        Passphrase.environment = Map.of(Passphrase.ENV, secret)::get;
        Path enc = tmp.resolve("env.age");
        Run e = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", enc.toString(),
                "--passphrase");
        assertEquals(0, e.exit(), e.err());
        assertTrue(Files.readString(enc, StandardCharsets.ISO_8859_1).startsWith("age-encryption.org/v1\n-> scrypt "));

        Passphrase.environment = name -> null;
        Path wrongFile = tmp.resolve("wrong.txt");
        String wrong = secret + "-not";
        Files.writeString(wrongFile, wrong + "\n");
        Run bad = run("import", enc.toString(), "-dir", tmp.resolve("dst").toString(), "--passphrase-file",
                wrongFile.toString());
        assertEquals(1, bad.exit());
        assertEquals("error: the passphrase does not decrypt the archive\nhint: check the passphrase; nothing was"
                + " imported\n", bad.err());
        assertEquals(List.of(), list(tmp.resolve("dst")));

        Path rightFile = tmp.resolve("right.txt");
        Files.writeString(rightFile, secret + "\r\nsecond line is ignored\n");
        Run ok = run("import", enc.toString(), "-dir", tmp.resolve("dst").toString(), "--passphrase-file",
                rightFile.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertArrayEquals(Files.readAllBytes(base.resolve("myapp/cp1/pages-1.img")),
                Files.readAllBytes(tmp.resolve("dst/myapp/cp1/pages-1.img")));

        String all = captured();
        assertTrue(all.contains("Imported myapp/cp1"), all);
        assertFalse(all.contains(secret), all);
        assertFalse(all.contains("s3cret"), all);
    }

    @Test
    void secretKeysNeverShowInOutputErrorsOrTheLogAndAnEncryptedPipeWorks() throws Exception {
        Path base = checkpoint();
        KeyPair right = new X25519KeyPairGenerator().generateKeyPair();
        KeyPair wrong = new X25519KeyPairGenerator().generateKeyPair();
        Path rightKey = tmp.resolve("right.txt");
        Path wrongKey = tmp.resolve("wrong.txt");
        Files.writeString(rightKey, right.getPrivate() + "\n");
        Files.writeString(wrongKey, "# public key: " + wrong.getPublic() + "\n" + wrong.getPrivate() + "\n");

        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        ExportCommand.stdout = () -> pipe;
        Run e = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o", "-",
                "--recipient", right.getPublic().toString());
        assertEquals(0, e.exit(), e.err());
        assertTrue(e.err().contains("(zstd, age, 1 recipient)"), e.err());

        ImportCommand.stdin = () -> new ByteArrayInputStream(pipe.toByteArray());
        Run bad = run("import", "-", "-dir", tmp.resolve("dst").toString(), "--identity", wrongKey.toString());
        assertEquals(1, bad.exit());
        assertEquals("error: no identity in " + wrongKey + " matches the archive's 1 recipient\nhint: pass --identity"
                + " with the key file of a recipient it was exported to; nothing was imported\n", bad.err());
        // a secret key passed where a public key belongs
        Run mistaken = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("x.age").toString(), "--recipient", right.getPrivate().toString());
        assertEquals(1, mistaken.exit());
        assertTrue(mistaken.err().startsWith("error: a recipient is a secret key"), mistaken.err());

        ImportCommand.stdin = () -> new ByteArrayInputStream(pipe.toByteArray());
        Run ok = run("import", "-", "-dir", tmp.resolve("dst").toString(), "--identity", wrongKey.toString(),
                "--identity", rightKey.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(Files.isRegularFile(tmp.resolve("dst/myapp/cp1/pages-1.img")));

        String all = captured();
        for (KeyPair k : List.of(right, wrong)) {
            String s = k.getPrivate().toString();
            assertFalse(all.contains(s.substring("AGE-SECRET-KEY-1".length(), 40)), all);
        }
        assertFalse(Files.exists(tmp.resolve("x.age")));
    }

    @Test
    void withoutATerminalThePassphraseMustComeFromAFileOrTheEnvironment() throws Exception {
        Path base = checkpoint();
        Run r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--passphrase");
        assertEquals(1, r.exit());
        assertEquals("error: there is no terminal to ask the passphrase on\nhint: pass --passphrase-file FILE (its first"
                + " line) or set DCP_PASSPHRASE\n", r.err());
        Passphrase.environment = Map.of(Passphrase.ENV, "")::get;
        r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--passphrase");
        assertEquals("error: DCP_PASSPHRASE is set but empty", r.err().lines().findFirst().orElseThrow());
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\nsecond\n");
        r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--passphrase-file", empty.toString());
        assertEquals("error: the first line of " + empty + " is empty", r.err().lines().findFirst().orElseThrow());
        assertEquals(List.of("empty.txt", "src"), list(tmp), "nothing was written");
    }

    @Test
    void onATerminalExportAsksTwiceAndRefusesTwoDifferentAnswers() throws Exception {
        Path base = checkpoint();
        Deque<String> typed = new ArrayDeque<>(List.of("one", "two"));
        List<String> prompts = new java.util.ArrayList<>();
        Passphrase.terminal = () -> prompt -> {
            prompts.add(prompt);
            return typed.removeFirst().toCharArray();
        };
        Run r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--passphrase");
        assertEquals(1, r.exit());
        assertEquals(List.of("Passphrase: ", "Passphrase again: "), prompts);
        assertEquals("error: the two passphrases differ\nhint: run it again and type the same passphrase twice\n",
                r.err());
        assertFalse(Files.exists(tmp.resolve("a.age")));

        typed.addAll(List.of(""));
        r = run("import", tmp.resolve("a.age").toString(), "--passphrase");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: no such file"), "the file is checked before the terminal asks: "
                + r.err());
        r = run("import", base.resolve("myapp/cp1/dump.log").toString(), "-dir", tmp.resolve("d").toString(),
                "--passphrase");
        assertEquals("error: no passphrase was given", r.err().lines().findFirst().orElseThrow());
    }

    @Test
    void recipientsAndPassphraseDoNotGoTogetherAndBadRecipientsAreRefusedFirst() throws Exception {
        Path base = checkpoint();
        String pub = new X25519KeyPairGenerator().generateKeyPair().getPublic().toString();
        Run r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--recipient", pub, "--passphrase");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: an archive is encrypted either to recipients or with a passphrase, not"
                + " both\nhint: "), r.err());
        r = run("import", "x", "--identity", "k", "--passphrase");
        assertTrue(r.err().startsWith("error: an archive is decrypted either with an identity or with a passphrase"),
                r.err());
        r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--recipient", "age1notakey");
        assertEquals("error: recipient age1notakey is not an age public key (age1... of 62 characters)\nhint: age-keygen"
                + " -y KEYFILE prints the public key of a key file\n", r.err());
        r = run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                tmp.resolve("a.age").toString(), "--recipients-file", tmp.resolve("none.txt").toString());
        assertTrue(r.err().startsWith("error: no such recipients file"), r.err());
        assertEquals(List.of("src"), list(tmp));
    }

    @Test
    void anUnencryptedArchiveImportsWithANoteWhenAKeyWasGiven() throws Exception {
        Path base = checkpoint();
        Path plain = tmp.resolve("plain.tar.zst");
        assertEquals(0, run("export", "-container", "myapp", "-name", "cp1", "-dir", base.toString(), "-o",
                plain.toString()).exit());
        Path key = tmp.resolve("key.txt");
        Files.writeString(key, new X25519KeyPairGenerator().generateKeyPair().getPrivate() + "\n");
        Run r = run("import", plain.toString(), "-dir", tmp.resolve("dst").toString(), "--identity", key.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("The archive is not encrypted: the identity was not needed."), r.err());
    }
}
