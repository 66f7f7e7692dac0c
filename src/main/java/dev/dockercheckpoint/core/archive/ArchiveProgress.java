package dev.dockercheckpoint.core.archive;

/** Progress of an export or an import, called from the working thread; must be quick. */
public interface ArchiveProgress {
    ArchiveProgress NONE = new ArchiveProgress() {
    };

    /**
     * {@code done} bytes of file content of {@code total} (-1 when not known yet) have been
     * written or read; {@code entry} is the archive entry being worked on.
     */
    default void bytes(long done, long total, String entry) {
    }

    /** A remark for the user (an entry left out, a check made). */
    default void note(String message) {
    }

    /** Polled between chunks: true stops the work, which then leaves nothing behind. */
    default boolean isCancelled() {
        return false;
    }
}
