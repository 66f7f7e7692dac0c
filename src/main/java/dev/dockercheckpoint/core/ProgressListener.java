package dev.dockercheckpoint.core;

/**
 * Receives progress of a long operation, and tells it whether to stop. Implementations must be quick and thread-safe;
 * the engine calls them from its worker thread.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
    };

    /** A new phase started; {@code fraction} is the overall progress in [0,1]. */
    default void phase(String phase, double fraction) {
    }

    /** A line CRIU (or runc) wrote to its log. */
    default void logLine(String line) {
    }

    /**
     * False when {@link #logLine} ignores its lines: an operation run elsewhere (the helper) then
     * need not send them.
     */
    default boolean wantsLogLines() {
        return true;
    }

    /** A verification check finished. */
    default void check(CheckResult result) {
    }

    /**
     * Polled by the engine between steps: true asks it to stop and keep nothing. A CRIU run in
     * progress is never interrupted (it cannot be stopped safely once it has seized the processes).
     */
    default boolean isCancelled() {
        return false;
    }
}
