package dev.dockercheckpoint.core.archive;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import com.exceptionfactory.jagged.framework.codec.CanonicalBase64;
import com.exceptionfactory.jagged.framework.crypto.CipherKey;
import com.exceptionfactory.jagged.framework.crypto.EncryptedFileKey;
import com.exceptionfactory.jagged.framework.crypto.FileKeyDecryptorFactory;
import com.exceptionfactory.jagged.framework.crypto.FileKeyEncryptorFactory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's passphrase recipient, the {@code scrypt} stanza (age-encryption.org/v1, "The scrypt
 * recipient type"): the file key is wrapped with ChaCha20-Poly1305 under the key scrypt derives
 * from the passphrase and {@code "age-encryption.org/v1/scrypt" || salt}, N = 2^work factor, r = 8,
 * p = 1. Its stanza must be the only one of a file. The scrypt function is Bouncy Castle's, the
 * stanza plumbing and the key wrapping jagged's.
 */
final class ScryptStanza {
    static final String TYPE = "scrypt";
    /** age's default: about a second of work and 256 MiB of memory. */
    static final int DEFAULT_WORK_FACTOR = 18;
    /** The most an import accepts: 1 GiB of memory for scrypt; age itself writes 18. */
    static final int MAX_WORK_FACTOR = 20;
    private static final byte[] LABEL = "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScryptStanza() {
    }

    /** Thrown by the reader when the stanza's work factor is beyond {@link #MAX_WORK_FACTOR}. */
    static final class TooCostly extends UnsupportedRecipientStanzaException {
        private static final long serialVersionUID = 1L;
        final int workFactor;

        TooCostly(int workFactor) {
            super("scrypt work factor " + workFactor + " over " + MAX_WORK_FACTOR);
            this.workFactor = workFactor;
        }
    }

    /** A writer of one scrypt stanza; it keeps its own copy of the passphrase until {@link #destroy}. */
    static Writer writer(byte[] passphrase, int workFactor) {
        return new Writer(passphrase.clone(), workFactor);
    }

    /** A reader of a file whose only stanza is a scrypt one; it keeps its own copy of the passphrase. */
    static Reader reader(byte[] passphrase) {
        return new Reader(passphrase.clone());
    }

    static final class Writer implements RecipientStanzaWriter {
        private final byte[] passphrase;
        private final int workFactor;

        private Writer(byte[] passphrase, int workFactor) {
            if (workFactor < 1 || workFactor > MAX_WORK_FACTOR) {
                throw new IllegalArgumentException("scrypt work factor " + workFactor);
            }
            this.passphrase = passphrase;
            this.workFactor = workFactor;
        }

        @Override
        public Iterable<RecipientStanza> getRecipientStanzas(FileKey fileKey) throws GeneralSecurityException {
            byte[] salt = new byte[SALT];
            RANDOM.nextBytes(salt);
            CipherKey wrapKey = wrapKey(passphrase, salt, workFactor);
            try {
                EncryptedFileKey wrapped = new FileKeyEncryptorFactory().newFileKeyEncryptor()
                        .getEncryptedFileKey(fileKey, wrapKey);
                return List.of(new Stanza(List.of(CanonicalBase64.getEncoder().encodeToString(salt),
                        Integer.toString(workFactor)), wrapped.getEncoded()));
            } finally {
                wrapKey.destroy();
            }
        }

        void destroy() {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    static final class Reader implements RecipientStanzaReader {
        private final byte[] passphrase;

        private Reader(byte[] passphrase) {
            this.passphrase = passphrase;
        }

        @Override
        public FileKey getFileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
            Iterator<RecipientStanza> it = stanzas.iterator();
            if (!it.hasNext()) {
                throw new UnsupportedRecipientStanzaException("no recipient stanza");
            }
            RecipientStanza stanza = it.next();
            if (!TYPE.equals(stanza.getType())) {
                throw new UnsupportedRecipientStanzaException(stanza.getType() + " stanza, not scrypt");
            }
            if (it.hasNext()) {
                throw new UnsupportedRecipientStanzaException("a scrypt stanza must be the only one");
            }
            List<String> args = stanza.getArguments();
            if (args.size() != 2 || args.get(0).length() != 22 || !args.get(1).matches("[1-9][0-9]?")) {
                throw new UnsupportedRecipientStanzaException("malformed scrypt stanza");
            }
            byte[] salt;
            try {
                salt = CanonicalBase64.getDecoder().decode(args.get(0).getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedRecipientStanzaException("malformed scrypt salt");
            }
            int workFactor = Integer.parseInt(args.get(1));
            if (salt.length != SALT) {
                throw new UnsupportedRecipientStanzaException("malformed scrypt salt");
            }
            if (workFactor > MAX_WORK_FACTOR) {
                throw new TooCostly(workFactor);
            }
            byte[] body = stanza.getBody();
            if (body.length != 32) {
                throw new UnsupportedRecipientStanzaException("malformed scrypt stanza body");
            }
            CipherKey wrapKey = wrapKey(passphrase, salt, workFactor);
            try {
                return new FileKeyDecryptorFactory().newFileKeyDecryptor().getFileKey(new EncryptedFileKey(body),
                        wrapKey);
            } finally {
                wrapKey.destroy();
            }
        }

        void destroy() {
            Arrays.fill(passphrase, (byte) 0);
        }
    }

    private static CipherKey wrapKey(byte[] passphrase, byte[] salt, int workFactor) {
        byte[] labelled = new byte[LABEL.length + salt.length];
        System.arraycopy(LABEL, 0, labelled, 0, LABEL.length);
        System.arraycopy(salt, 0, labelled, LABEL.length, salt.length);
        // the key holds the array itself: destroy() clears it
        return new CipherKey(SCrypt.generate(passphrase, labelled, 1 << workFactor, 8, 1, 32));
    }

    private record Stanza(List<String> arguments, byte[] body) implements RecipientStanza {
        @Override
        public String getType() {
            return TYPE;
        }

        @Override
        public List<String> getArguments() {
            return arguments;
        }

        @Override
        public byte[] getBody() {
            return body.clone();
        }
    }
}
