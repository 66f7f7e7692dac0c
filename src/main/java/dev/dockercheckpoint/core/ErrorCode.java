package dev.dockercheckpoint.core;

/** Stable machine-readable codes for every failure a user can meet. */
public enum ErrorCode {
    INVALID_INPUT,
    UNSAFE_DIRECTORY,
    DIRECTORY_NOT_ALLOWED,
    CONTAINER_NOT_FOUND,
    CONTAINER_NOT_RUNNING,
    CHECKPOINT_EXISTS,
    CHECKPOINT_NOT_FOUND,
    CHECKPOINT_INCOMPLETE,
    /** A file of a checkpoint or an archive differs from what its manifest recorded. */
    CHECKPOINT_DAMAGED,
    /** An archive is encrypted (age) and no identity or passphrase was given. */
    ENCRYPTED_ARCHIVE,
    /** The identity or passphrase given does not decrypt the archive. */
    DECRYPTION_FAILED,
    NAME_IN_USE,
    UNSUPPORTED,
    LOST_PROCESSES,
    CRIU_FAILED,
    DOCKER_UNAVAILABLE,
    HELPER_UNAVAILABLE,
    DOCKER_ERROR,
    TOOL_MISSING,
    PERMISSION_DENIED,
    IO_ERROR,
    CANCELLED,
    BUSY,
    INTERNAL,
    /** A restored copy failed its verification (a migration then keeps the original). */
    VERIFICATION_FAILED
}
