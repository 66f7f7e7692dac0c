package dev.dockercheckpoint.core;

/**
 * Receives the progress of an archive moving between a client and the helper (an export or an
 * import), and tells it whether to stop. Called from the transfer's threads; must be quick.
 */
public interface TransferListener {
    TransferListener NONE = new TransferListener() {
    };

    /**
     * {@code bytes} of the archive have been written to the file (export) or read from it
     * (import); {@code fraction} of the whole is done, in [0,1], or -1 when not known.
     */
    default void progress(long bytes, double fraction) {
    }

    /** A remark for the user (an entry left out, a check that could not be made). */
    default void note(String message) {
    }

    /** Polled while the transfer runs: true stops it, and a stopped import keeps nothing. */
    default boolean isCancelled() {
        return false;
    }
}
