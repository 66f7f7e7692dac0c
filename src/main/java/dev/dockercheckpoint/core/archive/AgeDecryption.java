package dev.dockercheckpoint.core.archive;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.framework.armor.ArmoredDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an import decrypts an age-encrypted archive with: the X25519 identities of one or more
 * identity files (as {@code age-keygen} writes them), or a passphrase. An archive is recognised as
 * age by its header ({@code age-encryption.org/v1}, or age's armored form), whatever the file is
 * called. Neither a secret key nor a passphrase ever appears in a message.
 */
public final class AgeDecryption {
    static final String MAGIC = "age-encryption.org/v1\n";
    static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    private static final String X25519 = "X25519";
    private static final int PEEK = 1 << 16;

    private final List<String> identities;
    private final List<Path> files;
    private final byte[] passphrase;

    private AgeDecryption(List<String> identities, List<Path> files, byte[] passphrase) {
        this.identities = identities;
        this.files = files;
        this.passphrase = passphrase;
    }

    /** The X25519 identities ({@code AGE-SECRET-KEY-1...} lines) of these files; comments and blank lines skipped. */
    public static AgeDecryption withIdentityFiles(List<Path> identityFiles) {
        Set<String> keys = new LinkedHashSet<>();
        for (Path file : identityFiles) {
            keys.addAll(readIdentityFile(file));
        }
        return new AgeDecryption(List.copyOf(keys), List.copyOf(identityFiles), null);
    }

    /** Decryption with a passphrase; the bytes are copied. */
    public static AgeDecryption withPassphrase(byte[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the passphrase is empty",
                    "give the passphrase the archive was exported with");
        }
        return new AgeDecryption(List.of(), List.of(), passphrase.clone());
    }

    /** Clears the passphrase held. */
    public void destroy() {
        if (passphrase != null) {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    private static List<String> readIdentityFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no such identity file " + file,
                    "pass the key file age-keygen wrote (AGE-SECRET-KEY-1...)");
        } catch (MalformedInputException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " is not an age identity file",
                    "pass the key file age-keygen wrote (AGE-SECRET-KEY-1...)");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read the identity file " + file,
                    "check that it is a readable file (as root)");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // the line itself is never repeated in a message: it may be a secret
            if (line.startsWith(ARMOR_BEGIN) || line.startsWith("age-encryption.org/")) {
                throw new DcpException(ErrorCode.UNSUPPORTED, file + " is an encrypted identity file",
                        "decrypt it first (age -d -o KEYFILE " + file + "), pass that file, then remove it");
            }
            if (line.startsWith("-----BEGIN") || line.startsWith("ssh-")) {
                throw new DcpException(ErrorCode.UNSUPPORTED, file + " holds an SSH key; only age X25519 identities"
                        + " are supported", "pass a key file made by age-keygen");
            }
            if (!line.startsWith("AGE-SECRET-KEY-1")) {
                throw new DcpException(ErrorCode.INVALID_INPUT, file + " line " + (i + 1) + " is not an age identity"
                        + " (AGE-SECRET-KEY-1...)", "pass the key file age-keygen wrote");
            }
            try {
                X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(line);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new DcpException(ErrorCode.INVALID_INPUT, file + " line " + (i + 1) + " is not a valid age"
                        + " identity", "pass the key file age-keygen wrote, unchanged");
            }
            keys.add(line);
        }
        if (keys.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " holds no age identity",
                    "pass the key file age-keygen wrote (AGE-SECRET-KEY-1...)");
        }
        return keys;
    }

    /** What the first bytes of a stream say: not age, age, or armored age; and the recipients' kinds. */
    public record Header(boolean armored, List<String> stanzaTypes) {
        /** Encrypted with a passphrase (an scrypt stanza). */
        public boolean passphrase() {
            return stanzaTypes.contains(ScryptStanza.TYPE);
        }

        /** How many X25519 recipients it is encrypted to. */
        public long x25519() {
            return stanzaTypes.stream().filter(X25519::equals).count();
        }

        /** The kinds of recipient this tool does not read (ssh-ed25519, plugins), in order, once each. */
        public List<String> otherKinds() {
            return stanzaTypes.stream().filter(t -> !t.equals(X25519) && !t.equals(ScryptStanza.TYPE)).distinct()
                    .toList();
        }
    }

    /** The age header at the start of {@code file}, or null when it is not an age file. */
    public static Header peek(Path file) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), PEEK)) {
            return peek(in);
        }
    }

    /** The age header at the start of {@code in} (left where it was), or null when it is not age. */
    static Header peek(BufferedInputStream in) throws IOException {
        in.mark(PEEK);
        byte[] head = in.readNBytes(PEEK);
        in.reset();
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith(MAGIC)) {
            return new Header(false, stanzaTypes(text));
        }
        String trimmed = text.stripLeading();
        if (trimmed.startsWith(ARMOR_BEGIN)) {
            StringBuilder b64 = new StringBuilder();
            for (String line : trimmed.substring(ARMOR_BEGIN.length()).strip().split("\r?\n")) {
                if (line.startsWith("-----")) {
                    break;
                }
                b64.append(line.strip());
            }
            int usable = b64.length() / 4 * 4;
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(b64.substring(0, usable)), StandardCharsets.ISO_8859_1);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            return new Header(true, decoded.startsWith(MAGIC) ? stanzaTypes(decoded) : List.of());
        }
        return null;
    }

    private static List<String> stanzaTypes(String header) {
        List<String> types = new ArrayList<>();
        for (String line : header.split("\n")) {
            if (line.startsWith("---")) {
                break;
            }
            if (line.startsWith("-> ")) {
                String[] parts = line.substring(3).split(" ");
                types.add(parts.length > 0 ? parts[0] : "");
            }
        }
        return types;
    }

    /**
     * The content of {@code in}: decrypted with {@code decryption} when it is age, as it is otherwise
     * ({@code note} then hears that nothing needed decrypting). An encrypted archive without a
     * decryption, or with one that does not fit, is refused before anything is read past its header.
     * Closing the result leaves {@code in} open.
     */
    public static InputStream open(InputStream raw, AgeDecryption decryption, ArchiveProgress progress)
            throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, PEEK);
        Header header = peek(in);
        if (header == null) {
            if (decryption != null) {
                progress.note("The archive is not encrypted: " + (decryption.passphrase != null ? "the passphrase"
                        : "the identity") + " was not needed.");
            }
            return in;
        }
        if (decryption == null) {
            throw new DcpException(ErrorCode.ENCRYPTED_ARCHIVE, "the archive is encrypted with age"
                    + (header.passphrase() ? " (with a passphrase)" : header.x25519() > 0 ? " (to " + header.x25519()
                            + (header.x25519() == 1 ? " recipient)" : " recipients)") : ""),
                    header.passphrase() ? "pass --passphrase (or --passphrase-file FILE where there is no terminal)"
                            : header.x25519() > 0 ? "pass --identity FILE, the key file of one of its recipients"
                                    : "pass --identity FILE or --passphrase");
        }
        return decryption.decrypt(in, header);
    }

    private InputStream decrypt(BufferedInputStream in, Header header) throws IOException {
        boolean known = header.passphrase() || header.x25519() > 0;
        if (!known && !header.stanzaTypes().isEmpty()) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "the archive is encrypted with age to recipients of a kind"
                    + " this tool does not read (" + String.join(", ", new LinkedHashSet<>(header.stanzaTypes()))
                    + ")", "decrypt it with age first: age -d -i KEYFILE FILE | docker-checkpoint import -");
        }
        if (header.passphrase() && passphrase == null) {
            throw new DcpException(ErrorCode.DECRYPTION_FAILED, "the archive is encrypted with a passphrase, not to an"
                    + " age recipient", "pass --passphrase instead of --identity");
        }
        if (header.x25519() > 0 && passphrase != null) {
            throw new DcpException(ErrorCode.DECRYPTION_FAILED, "the archive is encrypted to " + header.x25519()
                    + " age recipient" + (header.x25519() == 1 ? "" : "s") + ", not with a passphrase",
                    "pass --identity FILE, the key file of one of its recipients");
        }
        List<RecipientStanzaReader> readers = new ArrayList<>();
        ScryptStanza.Reader scrypt = null;
        try {
            if (passphrase != null) {
                scrypt = ScryptStanza.reader(passphrase);
                readers.add(scrypt);
            } else {
                for (String key : identities) {
                    readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(key));
                }
            }
            StandardDecryptingChannelFactory factory = header.armored() ? new ArmoredDecryptingChannelFactory()
                    : new StandardDecryptingChannelFactory();
            ReadableByteChannel channel = factory.newDecryptingChannel(new StreamChannel(in), readers);
            return new PayloadStream(Channels.newInputStream(channel));
        } catch (ScryptStanza.TooCostly e) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "the archive's passphrase asks for scrypt work factor "
                    + e.workFactor + ", more than the " + ScryptStanza.MAX_WORK_FACTOR + " this tool accepts",
                    "decrypt it with age first: age -d FILE | docker-checkpoint import - ");
        } catch (GeneralSecurityException e) {
            if (headerMacFailed(e)) {
                throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive's age header is damaged (its MAC"
                        + " does not match)", "nothing was imported; copy the whole file again");
            }
            if (passphrase != null) {
                throw new DcpException(ErrorCode.DECRYPTION_FAILED, "the passphrase does not decrypt the archive",
                        "check the passphrase; nothing was imported");
            }
            throw new DcpException(ErrorCode.DECRYPTION_FAILED, "no identity in " + describeFiles()
                    + " matches the archive's " + header.x25519() + " recipient" + (header.x25519() == 1 ? "" : "s"),
                    "pass --identity with the key file of a recipient it was exported to; nothing was imported");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive's age header is damaged or truncated",
                    "nothing was imported; copy the whole file again");
        } finally {
            if (scrypt != null) {
                scrypt.destroy();
            }
        }
    }

    /** A key that opened a stanza but not the header's MAC: the header was changed. */
    private static boolean headerMacFailed(Throwable e) {
        if (e instanceof SignatureException) {
            return true;
        }
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof SignatureException) {
                return true;
            }
        }
        return false;
    }

    private String describeFiles() {
        return files.size() == 1 ? files.getFirst().toString() : files.size() + " identity files";
    }

    /** The stream as a channel that fills heap buffers in one read and never closes the stream. */
    private static final class StreamChannel implements ReadableByteChannel {
        private final InputStream in;
        private boolean open = true;

        StreamChannel(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n;
            if (dst.hasArray()) {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
            } else {
                byte[] b = new byte[dst.remaining()];
                n = in.read(b);
                if (n > 0) {
                    dst.put(b, 0, n);
                }
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** The decrypted payload; a chunk that fails its authentication is one plain error. */
    private static final class PayloadStream extends java.io.FilterInputStream {
        PayloadStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw damaged();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw damaged();
            }
        }

        private static IOException damaged() {
            return new IOException("its encrypted data is damaged or truncated (an age chunk failed authentication)");
        }
    }
}
