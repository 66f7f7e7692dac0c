package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ManifestFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives encrypted with age (no Docker, no age tool): tar, zstd, then age; X25519 recipients and
 * passphrases round trip; the wrong key, the wrong passphrase, a missing one, a changed or cut
 * file are each one clear refusal that leaves nothing behind.
 */
class AgeArchiveTest {
    /** A small scrypt work factor keeps the tests fast; the format is the same. */
    private static final int FAST = 10;

    @TempDir
    Path tmp;

    private CheckpointStore.Stored checkpoint() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve("src"));
        CheckpointStore.Pending p = store.create("myapp", "cp1");
        byte[] pages = new byte[1 << 20];
        new Random(5).nextBytes(pages);
        Files.write(p.dir().resolve("pages-1.img"), pages);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pstree.img"), new byte[] {4, 5, 6});
        Files.writeString(p.dir().resolve("dump.log"), "Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.commit();
        return store.open("myapp", "cp1");
    }

    static KeyPair keyPair() throws Exception {
        return new X25519KeyPairGenerator().generateKeyPair();
    }

    private Path identityFile(KeyPair k, String name) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, "# created: 2026-12-01T00:00:00Z\n# public key: " + k.getPublic() + "\n"
                + k.getPrivate() + "\n");
        return f;
    }

    private static byte[] export(CheckpointStore.Stored stored, AgeEncryption encryption) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.export(stored, out, Compression.ZSTD, encryption, "test", ArchiveProgress.NONE);
        return out.toByteArray();
    }

    private ArchiveImporter.Result importInto(Path base, byte[] archive, AgeDecryption decryption) {
        return ArchiveImporter.importArchive(new ByteArrayInputStream(archive), new CheckpointStore(base), null, null,
                ArchiveImporter.Limits.DEFAULT, decryption, ArchiveProgress.NONE);
    }

    private static boolean empty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Test
    void anArchiveToARecipientIsAgeAroundZstdAndImportsWithItsIdentity() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        KeyPair k = keyPair();
        byte[] archive = export(stored, AgeEncryption.toRecipients(List.of(k.getPublic().toString())));
        String head = new String(archive, 0, 200, StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("age-encryption.org/v1\n-> X25519 "), head);

        // what age wraps is the zstd stream of the tar: decrypted by jagged alone, it starts with zstd's magic
        byte[] inner = Channels.newInputStream(new StandardDecryptingChannelFactory().newDecryptingChannel(
                Channels.newChannel(new ByteArrayInputStream(archive)),
                List.of(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(k.getPrivate().toString()))))
                .readAllBytes();
        assertEquals(0x28, inner[0] & 0xff);
        assertEquals(0xfd, inner[3] & 0xff);
        assertEquals(-1, indexOf(archive, "Dumping finished".getBytes(StandardCharsets.US_ASCII)),
                "nothing of the checkpoint shows in the encrypted file");

        Path dst = tmp.resolve("dst");
        ArchiveImporter.Result r = importInto(dst, archive, AgeDecryption.withIdentityFiles(
                List.of(identityFile(k, "key.txt"))));
        assertTrue(r.verified());
        assertArrayEquals(Files.readAllBytes(stored.dir().resolve("pages-1.img")),
                Files.readAllBytes(dst.resolve("myapp/cp1/pages-1.img")));
    }

    @Test
    void eachOfSeveralRecipientsDecryptsAlone() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        KeyPair a = keyPair();
        KeyPair b = keyPair();
        byte[] archive = export(stored, AgeEncryption.toRecipients(List.of(a.getPublic().toString(),
                b.getPublic().toString(), a.getPublic().toString())));
        assertEquals(2, countStanzas(archive, "X25519"), "a recipient given twice is written once");
        importInto(tmp.resolve("a"), archive, AgeDecryption.withIdentityFiles(List.of(identityFile(a, "a.txt"))));
        importInto(tmp.resolve("b"), archive, AgeDecryption.withIdentityFiles(List.of(identityFile(b, "b.txt"))));
        // an identity file that holds several keys, one of them right
        KeyPair other = keyPair();
        Path both = tmp.resolve("both.txt");
        Files.writeString(both, other.getPrivate() + "\n\n" + b.getPrivate() + "\n");
        importInto(tmp.resolve("c"), archive, AgeDecryption.withIdentityFiles(List.of(both)));
        assertTrue(Files.isRegularFile(tmp.resolve("c/myapp/cp1/pages-1.img")));
    }

    @Test
    void aPassphraseRoundTripsAndTheStanzaIsAges() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        byte[] secret = "correct horse battery".getBytes(StandardCharsets.UTF_8);
        byte[] archive = export(stored, AgeEncryption.withPassphrase(secret, FAST));
        String head = new String(archive, 0, 100, StandardCharsets.ISO_8859_1);
        assertTrue(head.matches("(?s)age-encryption\\.org/v1\n-> scrypt [A-Za-z0-9+/]{22} 10\n.*"), head);
        ArchiveImporter.Result r = importInto(tmp.resolve("dst"), archive, AgeDecryption.withPassphrase(secret));
        assertEquals("myapp", r.container());
        assertTrue(r.verified());
    }

    @Test
    void theWrongPassphraseIsRefusedAndLeavesNothing() throws Exception {
        byte[] archive = export(checkpoint(), AgeEncryption.withPassphrase("right".getBytes(StandardCharsets.UTF_8),
                FAST));
        Path dst = tmp.resolve("dst");
        DcpException e = assertThrows(DcpException.class, () -> importInto(dst, archive,
                AgeDecryption.withPassphrase("wrong".getBytes(StandardCharsets.UTF_8))));
        assertEquals(ErrorCode.DECRYPTION_FAILED, e.code());
        assertEquals("the passphrase does not decrypt the archive", e.getMessage());
        assertFalse(e.getMessage().contains("wrong") || e.hint().contains("wrong") || e.hint().contains("right"));
        assertTrue(empty(dst));
    }

    @Test
    void theWrongIdentityIsRefusedAndLeavesNothing() throws Exception {
        KeyPair right = keyPair();
        KeyPair wrong = keyPair();
        byte[] archive = export(checkpoint(), AgeEncryption.toRecipients(List.of(right.getPublic().toString())));
        Path key = identityFile(wrong, "wrong.txt");
        Path dst = tmp.resolve("dst");
        DcpException e = assertThrows(DcpException.class, () -> importInto(dst, archive,
                AgeDecryption.withIdentityFiles(List.of(key))));
        assertEquals(ErrorCode.DECRYPTION_FAILED, e.code());
        assertEquals("no identity in " + key + " matches the archive's 1 recipient", e.getMessage());
        assertFalse((e.getMessage() + e.hint()).contains(wrong.getPrivate().toString()));
        assertTrue(empty(dst));
    }

    @Test
    void anEncryptedArchiveWithoutAKeySaysWhatItNeeds() throws Exception {
        CheckpointStore.Stored stored = checkpoint();
        byte[] toKey = export(stored, AgeEncryption.toRecipients(List.of(keyPair().getPublic().toString())));
        DcpException e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("a"), toKey, null));
        assertEquals(ErrorCode.ENCRYPTED_ARCHIVE, e.code());
        assertEquals("the archive is encrypted with age (to 1 recipient)", e.getMessage());
        assertEquals("pass --identity FILE, the key file of one of its recipients", e.hint());

        byte[] withPassphrase = export(stored, AgeEncryption.withPassphrase(new byte[] {'x'}, FAST));
        e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("b"), withPassphrase, null));
        assertEquals("the archive is encrypted with age (with a passphrase)", e.getMessage());
        assertTrue(e.hint().startsWith("pass --passphrase"), e.hint());

        // and the kind of key that does not fit says which fits
        e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("c"), withPassphrase,
                AgeDecryption.withIdentityFiles(List.of(identityFile(keyPair(), "k.txt")))));
        assertEquals("the archive is encrypted with a passphrase, not to an age recipient", e.getMessage());
        e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("d"), toKey,
                AgeDecryption.withPassphrase(new byte[] {'x'})));
        assertEquals("the archive is encrypted to 1 age recipient, not with a passphrase", e.getMessage());
        // names given: the new checkpoint's directory is made before the first byte is read, and removed
        e = assertThrows(DcpException.class, () -> ArchiveImporter.importArchive(new ByteArrayInputStream(toKey),
                new CheckpointStore(tmp.resolve("e")), "other", "cp9", ArchiveImporter.Limits.DEFAULT, null,
                ArchiveProgress.NONE));
        assertEquals(ErrorCode.ENCRYPTED_ARCHIVE, e.code());
        for (String d : List.of("a", "b", "c", "d", "e")) {
            assertTrue(empty(tmp.resolve(d)), d);
        }
    }

    @Test
    void aChangedOrCutEncryptedArchiveIsRefusedAndLeavesNothing() throws Exception {
        KeyPair k = keyPair();
        byte[] archive = export(checkpoint(), AgeEncryption.toRecipients(List.of(k.getPublic().toString())));
        AgeDecryption d = AgeDecryption.withIdentityFiles(List.of(identityFile(k, "key.txt")));

        byte[] changed = archive.clone();
        changed[changed.length / 2] ^= 0x01;
        DcpException e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("changed"), changed, d));
        assertTrue(e.getMessage().contains("its encrypted data is damaged or truncated"), e.getMessage());
        assertTrue(empty(tmp.resolve("changed")));

        // cut at a chunk boundary (64 KiB + 16 bytes of tag each): only age's last-chunk flag tells
        int header = indexOf(archive, "\n--- ".getBytes(StandardCharsets.US_ASCII));
        int payloadStart = header + 5 + 43 + 1 + 16;
        byte[] cut = java.util.Arrays.copyOf(archive, payloadStart + 65536 + 16);
        assertTrue(cut.length < archive.length);
        e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("cut"), cut, d));
        assertTrue(e.getMessage().startsWith("cannot read the archive"), e.getMessage());
        assertTrue(empty(tmp.resolve("cut")));

        byte[] badHeader = archive.clone();
        int arg = indexOf(archive, "-> X25519 ".getBytes(StandardCharsets.US_ASCII)) + 12;
        badHeader[arg] = (byte) (badHeader[arg] == 'A' ? 'B' : 'A');
        e = assertThrows(DcpException.class, () -> importInto(tmp.resolve("header"), badHeader, d));
        assertTrue(e.code() == ErrorCode.DECRYPTION_FAILED || e.code() == ErrorCode.CHECKPOINT_DAMAGED, e.code()
                + ": " + e.getMessage());
        assertTrue(empty(tmp.resolve("header")));
    }

    @Test
    void anArchiveThatIsNotEncryptedImportsEvenWithAKeyAndSaysSo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveExporter.export(checkpoint(), out, Compression.ZSTD, "test", ArchiveProgress.NONE);
        List<String> notes = new ArrayList<>();
        ArchiveImporter.importArchive(new ByteArrayInputStream(out.toByteArray()),
                new CheckpointStore(tmp.resolve("dst")), null, null, ArchiveImporter.Limits.DEFAULT,
                AgeDecryption.withPassphrase(new byte[] {'p'}), new ArchiveProgress() {
                    @Override
                    public void note(String message) {
                        notes.add(message);
                    }
                });
        assertEquals(List.of("The archive is not encrypted: the passphrase was not needed."), notes);
    }

    @Test
    void badKeysAreOneClearErrorThatNeverRepeatsASecret() throws Exception {
        DcpException e = assertThrows(DcpException.class, () -> AgeEncryption.toRecipients(List.of("age1nope")));
        assertEquals("recipient age1nope is not an age public key (age1... of 62 characters)", e.getMessage());
        String secret = keyPair().getPrivate().toString();
        e = assertThrows(DcpException.class, () -> AgeEncryption.toRecipients(List.of(secret)));
        assertFalse(e.getMessage().contains(secret.substring(16)), e.getMessage());
        assertTrue(e.getMessage().contains("secret key"), e.getMessage());

        Path recipients = tmp.resolve("recipients.txt");
        Files.writeString(recipients, "# team\n" + keyPair().getPublic() + "\n\n" + secret + "\n");
        e = assertThrows(DcpException.class, () -> AgeEncryption.readRecipientsFile(recipients));
        assertEquals(recipients + " line 4 is a secret key, not a recipient", e.getMessage());

        Path identities = tmp.resolve("id.txt");
        String broken = secret.substring(0, secret.length() - 3) + "qqq";
        Files.writeString(identities, "# key\n" + broken + "\n");
        e = assertThrows(DcpException.class, () -> AgeDecryption.withIdentityFiles(List.of(identities)));
        assertEquals(identities + " line 2 is not a valid age identity", e.getMessage());
        assertFalse(e.getMessage().contains(broken.substring(16)) || e.hint().contains(broken.substring(16)));
        Files.writeString(identities, "ssh-ed25519 AAAAC3Nza\n");
        e = assertThrows(DcpException.class, () -> AgeDecryption.withIdentityFiles(List.of(identities)));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        e = assertThrows(DcpException.class, () -> AgeDecryption.withIdentityFiles(List.of(tmp.resolve("none"))));
        assertEquals("no such identity file " + tmp.resolve("none"), e.getMessage());
    }

    static int countStanzas(byte[] archive, String type) {
        String head = new String(archive, 0, Math.min(archive.length, 4096), StandardCharsets.ISO_8859_1);
        int n = 0;
        for (String line : head.split("\n")) {
            if (line.startsWith("---")) {
                break;
            }
            if (line.startsWith("-> " + type + " ")) {
                n++;
            }
        }
        return n;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
