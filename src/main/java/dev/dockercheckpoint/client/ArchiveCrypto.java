package dev.dockercheckpoint.client;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.core.archive.AgeDecryption;
import dev.dockercheckpoint.core.archive.AgeEncryption;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import dev.dockercheckpoint.core.archive.CountingOutputStream;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.ImportInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Archives encrypted with age on this side of the helper's socket, as the command line does: an
 * export is encrypted here as its bytes arrive from the helper, an import decrypted here before its
 * bytes go to the helper, so that no key or passphrase ever reaches the helper. Also what a client
 * checks before it starts: the public keys given, an identity file, and whether a file is
 * encrypted at all. Neither a secret key nor a passphrase appears in a message.
 */
public final class ArchiveCrypto {
    private ArchiveCrypto() {
    }

    /** How an export is encrypted: not at all, to age public keys, or with a passphrase. */
    public sealed interface Encryption {
        /** Not encrypted. */
        Encryption NONE = new None();

        /** Not encrypted. */
        record None() implements Encryption {
        }

        /** To these {@code age1...} public keys (checked with {@link #recipients(String)}); any one decrypts. */
        record ToRecipients(List<String> keys) implements Encryption {
            public ToRecipients {
                keys = List.copyOf(keys);
            }
        }

        /** With a passphrase (scrypt, age's work factor); the caller clears the characters after the export. */
        record WithPassphrase(char[] passphrase) implements Encryption {
            @Override
            public String toString() {
                return "WithPassphrase[hidden]";
            }
        }
    }

    /** What an import decrypts with: nothing (not encrypted), an identity file, or a passphrase. */
    public sealed interface Decryption {
        /** The archive is not encrypted. */
        Decryption NONE = new None();

        /** Nothing to decrypt with. */
        record None() implements Decryption {
        }

        /** The X25519 identities of a key file as {@code age-keygen} writes it. */
        record WithIdentity(Path file) implements Decryption {
        }

        /** A passphrase; the caller clears the characters after the import. */
        record WithPassphrase(char[] passphrase) implements Decryption {
            @Override
            public String toString() {
                return "WithPassphrase[hidden]";
            }
        }
    }

    /** How an archive file is encrypted: with a passphrase, to some recipients, or to kinds not read here. */
    public record Lock(boolean passphrase, int recipients, List<String> otherKinds) {
        public Lock {
            otherKinds = List.copyOf(otherKinds);
        }

        /** Opened with an identity file (X25519 recipients). */
        public boolean needsIdentity() {
            return !passphrase && recipients > 0;
        }

        /** Neither a passphrase nor an X25519 recipient: this tool cannot open it. */
        public boolean unreadable() {
            return !passphrase && recipients == 0;
        }

        /** "with a passphrase", "to 1 recipient", "to 3 recipients". */
        public String describe() {
            if (passphrase) {
                return "with a passphrase";
            }
            if (recipients > 0) {
                return "to " + recipients + (recipients == 1 ? " recipient" : " recipients");
            }
            return otherKinds.isEmpty() ? "in a way this tool does not read"
                    : "to recipients of a kind this tool does not read (" + String.join(", ", otherKinds) + ")";
        }
    }

    /** How {@code file} is encrypted with age (by its header, whatever its name); empty when it is not, or unreadable. */
    public static Optional<Lock> lockOf(Path file) {
        try {
            AgeDecryption.Header h = AgeDecryption.peek(file);
            return h == null ? Optional.empty()
                    : Optional.of(new Lock(h.passphrase(), (int) h.x25519(), h.otherKinds()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the import itself says why it cannot read the file
        }
    }

    /**
     * The public keys in {@code text}, one a line (blank lines and lines starting with '#'
     * skipped, as in age's recipients files), each checked; every line that is no age public key
     * is named in one error (a secret key pasted by mistake is never repeated back).
     */
    public static List<String> recipients(String text) {
        List<String> keys = new ArrayList<>();
        List<String> notKeys = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        String[] lines = text == null ? new String[0] : text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.toUpperCase(Locale.ROOT).startsWith("AGE-SECRET-KEY-")) {
                secrets.add(String.valueOf(i + 1));
                continue;
            }
            try {
                AgeEncryption.toRecipients(List.of(line));
                keys.add(line);
            } catch (DcpException e) {
                notKeys.add((i + 1) + " (" + (line.length() > 16 ? line.substring(0, 12) + "…" : line) + ")");
            }
        }
        if (!notKeys.isEmpty() || !secrets.isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (!notKeys.isEmpty()) {
                parts.add(lines(notKeys) + (notKeys.size() == 1 ? " is not an age public key" : " are not age public"
                        + " keys"));
            }
            if (!secrets.isEmpty()) {
                parts.add(lines(secrets) + (secrets.size() == 1 ? " is a secret key" : " are secret keys")
                        + " (AGE-SECRET-KEY-1…), not a public key");
            }
            throw new DcpException(ErrorCode.INVALID_INPUT, String.join(", and ", parts), secrets.isEmpty()
                    ? "give one age1… public key of 62 characters a line (age-keygen -y KEYFILE prints it)"
                    : "give the public key instead (age-keygen -y KEYFILE prints it) and keep the secret key for"
                            + " the import");
        }
        if (keys.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no age recipient given",
                    "give one age1… public key a line, or add them from a file");
        }
        return List.copyOf(new java.util.LinkedHashSet<>(keys));
    }

    /** "line 2", "lines 2 and 5", "lines 2, 3 and 5". */
    private static String lines(List<String> items) {
        if (items.size() == 1) {
            return "line " + items.getFirst();
        }
        return "lines " + String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.getLast();
    }

    /** The public keys of a recipients file, as {@code age -R} reads it; a bad line is named. */
    public static List<String> recipientsFile(Path file) {
        return AgeEncryption.readRecipientsFile(file);
    }

    /** Checks that {@code file} is an age identity file (as age-keygen writes it); nothing of it is kept. */
    public static void checkIdentityFile(Path file) {
        AgeDecryption.withIdentityFiles(List.of(file)).destroy();
    }

    /**
     * Exports through the helper into {@code sink} (left open), encrypted here when
     * {@code encryption} says so; the result then counts the encrypted bytes written and its
     * compression says "zstd, age, 1 recipient".
     */
    public static ExportInfo export(HelperClient client, Path dir, String container, String name, String compression,
            boolean withVolumes, Encryption encryption, OutputStream sink, TransferListener listener) {
        if (encryption instanceof Encryption.None || encryption == null) {
            return client.export(dir, container, name, compression, withVolumes, sink, listener);
        }
        AgeEncryption age = switch (encryption) {
            case Encryption.ToRecipients r -> AgeEncryption.toRecipients(r.keys());
            case Encryption.WithPassphrase p -> {
                byte[] secret = utf8(p.passphrase());
                try {
                    yield AgeEncryption.withPassphrase(secret);
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
            case Encryption.None n -> throw new IllegalStateException();
        };
        try {
            CountingOutputStream counted = new CountingOutputStream(sink);
            OutputStream sealed = age.encrypt(counted);
            ExportInfo r = client.export(dir, container, name, compression, withVolumes, sealed, listener);
            sealed.close(); // the last age chunk; the sink stays open
            return new ExportInfo(r.container(), r.name(), r.entries(), r.contentBytes(), counted.count(),
                    r.compression() + ", " + age.describe(), r.millis());
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot write the encrypted archive: " + e.getMessage(),
                    "check free space where the archive is written");
        } finally {
            age.destroy();
        }
    }

    /**
     * Imports {@code in} ({@code size} bytes, -1 when not known) through the helper, decrypted here
     * first when it is encrypted; a key or passphrase that does not open it fails before the helper
     * is asked anything (DECRYPTION_FAILED), and an encrypted archive without one fails with
     * ENCRYPTED_ARCHIVE.
     */
    public static ImportInfo importArchive(HelperClient client, Path dir, String container, String name,
            Decryption decryption, InputStream in, long size, TransferListener listener) {
        AgeDecryption age = switch (decryption == null ? Decryption.NONE : decryption) {
            case Decryption.None n -> null;
            case Decryption.WithIdentity i -> AgeDecryption.withIdentityFiles(List.of(i.file()));
            case Decryption.WithPassphrase p -> {
                byte[] secret = utf8(p.passphrase());
                try {
                    yield AgeDecryption.withPassphrase(secret);
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
        };
        try {
            InputStream plain = AgeDecryption.open(in, age, new ArchiveProgress() {
                @Override
                public void note(String message) {
                    listener.note(message);
                }
            });
            return client.importArchive(dir, container, name, 0, plain, size, listener);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read the archive: " + e.getMessage(),
                    "check that the file is readable");
        } finally {
            if (age != null) {
                age.destroy();
            }
        }
    }

    /** UTF-8 bytes of {@code chars}, for the caller to clear; the encoder's buffer is cleared. */
    public static byte[] utf8(char[] chars) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return out;
    }
}
