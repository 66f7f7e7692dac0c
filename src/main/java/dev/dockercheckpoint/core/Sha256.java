package dev.dockercheckpoint.core;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.HexFormat;

/**
 * The SHA-256 that a checkpoint's and an archive's checksums are computed with: Amazon Corretto
 * Crypto Provider's (native, AWS-LC, with the processor's SHA instructions) when its library loads
 * on this machine, the JDK's otherwise. It is used for this digest alone, never installed as a security provider. A
 * checkpoint's memory image is gigabytes: the JDK's SHA-256 runs at about half the native speed
 * here, and in a short-lived command mostly before the JIT has compiled it.
 */
public final class Sha256 {
    private static final Provider NATIVE = nativeProvider();

    private Sha256() {
    }

    private static Provider nativeProvider() {
        try {
            AmazonCorrettoCryptoProvider p = AmazonCorrettoCryptoProvider.INSTANCE;
            if (p.getLoadingError() != null) {
                return null;
            }
            MessageDigest probe = MessageDigest.getInstance("SHA-256", p);
            byte[] abc = probe.digest("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(abc).equals(
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") ? p : null;
        } catch (NoSuchAlgorithmException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The name of the implementation in use ("AmazonCorrettoCryptoProvider" or "SUN"). */
    public static String implementation() {
        return newDigest().getProvider().getName();
    }

    public static MessageDigest newDigest() {
        try {
            return NATIVE != null ? MessageDigest.getInstance("SHA-256", NATIVE) : MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(newDigest().digest(data));
    }
}
