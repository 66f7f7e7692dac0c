package dev.dockercheckpoint.core.archive;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an export encrypts to, in the age format (age-encryption.org/v1, through jagged): one or
 * more X25519 recipients ({@code age1...} public keys, as {@code age-keygen} makes them), or one
 * passphrase (scrypt). The encryption wraps the compressed tar: tar, then zstd, then age. A
 * passphrase is held as bytes until {@link #destroy()}; it never appears in a message.
 */
public final class AgeEncryption {
    /** An age X25519 public key: Bech32, human-readable part "age", 32 bytes of key. */
    private static final Pattern PUBLIC_KEY = Pattern.compile("age1[02-9ac-hj-np-z]{58}");

    private final List<String> recipients;
    private final byte[] passphrase;
    private final int workFactor;

    private AgeEncryption(List<String> recipients, byte[] passphrase, int workFactor) {
        this.recipients = recipients;
        this.passphrase = passphrase;
        this.workFactor = workFactor;
    }

    /** Encryption to these X25519 public keys (duplicates counted once); each can decrypt alone. */
    public static AgeEncryption toRecipients(List<String> publicKeys) {
        Set<String> keys = new LinkedHashSet<>();
        for (String k : publicKeys) {
            String key = k.strip();
            if (!PUBLIC_KEY.matcher(key).matches()) {
                throw notAPublicKey(key);
            }
            try {
                X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(key);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw notAPublicKey(key);
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no age recipient given",
                    "pass --recipient age1... (age-keygen -y KEYFILE prints it) or --recipients-file FILE");
        }
        return new AgeEncryption(List.copyOf(keys), null, 0);
    }

    private static DcpException notAPublicKey(String key) {
        String shown = key.length() > 70 ? key.substring(0, 12) + "..." : key;
        if (key.toUpperCase(Locale.ROOT).startsWith("AGE-SECRET-KEY-")) {
            // a secret key given by mistake: never repeated back
            return new DcpException(ErrorCode.INVALID_INPUT, "a recipient is a secret key (AGE-SECRET-KEY-1...),"
                    + " not a public key", "pass its public key instead: age-keygen -y KEYFILE prints it");
        }
        if (key.startsWith("ssh-")) {
            return new DcpException(ErrorCode.INVALID_INPUT, "recipient " + shown + " is an SSH key; only age X25519"
                    + " keys are supported", "make a key with age-keygen and pass its age1... public key");
        }
        return new DcpException(ErrorCode.INVALID_INPUT, "recipient " + shown + " is not an age public key"
                + " (age1... of 62 characters)", "age-keygen -y KEYFILE prints the public key of a key file");
    }

    /**
     * The recipients listed in {@code file}, one a line, as {@code age -R} reads them: blank lines
     * and lines starting with '#' are skipped.
     */
    public static List<String> readRecipientsFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no such recipients file " + file,
                    "pass a file of age1... public keys, one a line");
        } catch (MalformedInputException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " is not a text file of age public keys",
                    "pass a file of age1... public keys, one a line");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read the recipients file " + file,
                    "check that it is a readable file");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.toUpperCase(Locale.ROOT).startsWith("AGE-SECRET-KEY-")) {
                throw new DcpException(ErrorCode.INVALID_INPUT, file + " line " + (i + 1) + " is a secret key, not a"
                        + " recipient", "list public keys (age-keygen -y KEYFILE); pass the key file to import's"
                        + " --identity instead");
            }
            if (!PUBLIC_KEY.matcher(line).matches()) {
                throw new DcpException(ErrorCode.INVALID_INPUT, file + " line " + (i + 1) + " is not an age public"
                        + " key (age1...)", "list age1... public keys, one a line ('#' starts a comment)");
            }
            keys.add(line);
        }
        if (keys.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " lists no recipient",
                    "list age1... public keys, one a line");
        }
        return keys;
    }

    /** Encryption with a passphrase (scrypt at age's default work factor); the bytes are copied. */
    public static AgeEncryption withPassphrase(byte[] passphrase) {
        return withPassphrase(passphrase, ScryptStanza.DEFAULT_WORK_FACTOR);
    }

    /** The same with another scrypt work factor (log2 of N), 1 to 20; tests use a small one. */
    public static AgeEncryption withPassphrase(byte[] passphrase, int workFactor) {
        if (passphrase == null || passphrase.length == 0) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the passphrase is empty",
                    "give a passphrase of at least one character");
        }
        if (workFactor < 1 || workFactor > ScryptStanza.MAX_WORK_FACTOR) {
            throw new IllegalArgumentException("scrypt work factor " + workFactor);
        }
        return new AgeEncryption(List.of(), passphrase.clone(), workFactor);
    }

    /** "age, 2 recipients" or "age, passphrase": for reports, never the secret. */
    public String describe() {
        return passphrase != null ? "age, passphrase"
                : "age, " + recipients.size() + (recipients.size() == 1 ? " recipient" : " recipients");
    }

    /** The X25519 recipients (public keys), empty for a passphrase. */
    public List<String> recipients() {
        return recipients;
    }

    /**
     * Wraps {@code out}: what is written to the result is encrypted into {@code out}; closing the
     * result writes the last chunk and leaves {@code out} open (flushed).
     */
    public OutputStream encrypt(OutputStream out) throws IOException {
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        ScryptStanza.Writer scrypt = null;
        try {
            if (passphrase != null) {
                scrypt = ScryptStanza.writer(passphrase, workFactor);
                writers.add(scrypt);
            } else {
                for (String key : recipients) {
                    writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(key));
                }
            }
            WritableByteChannel channel = new StandardEncryptingChannelFactory().newEncryptingChannel(
                    new StreamChannel(out), writers);
            return Channels.newOutputStream(channel);
        } catch (GeneralSecurityException e) {
            throw new DcpException(ErrorCode.INTERNAL, "cannot encrypt with age: " + e.getClass().getSimpleName(),
                    "this Java runtime lacks X25519 or ChaCha20-Poly1305; use Java 21 or newer");
        } finally {
            if (scrypt != null) {
                scrypt.destroy();
            }
        }
    }

    /** Clears the passphrase held. */
    public void destroy() {
        if (passphrase != null) {
            java.util.Arrays.fill(passphrase, (byte) 0);
        }
    }

    /** The caller's stream as a channel that writes heap buffers in one call and never closes the stream. */
    private static final class StreamChannel implements WritableByteChannel {
        private final OutputStream out;
        private boolean open = true;

        StreamChannel(OutputStream out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (src.hasArray()) {
                out.write(src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.limit());
            } else {
                byte[] b = new byte[n];
                src.get(b);
                out.write(b);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            out.flush();
        }
    }
}
