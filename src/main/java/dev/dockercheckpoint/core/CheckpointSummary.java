package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A stored checkpoint as listed: where it is, when it was made, its size and options, the
 * application's downtime (null when unknown) for comparing checkpoints, why it is
 * incomplete (null when it is complete), and what is known of its integrity without reading its
 * files (null when not looked at).
 */
public record CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
        CheckpointOptions options, Double downtimeMillis, String incomplete, Integrity integrity) {
    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options, Double downtimeMillis, String incomplete) {
        this(container, name, dir, createdAt, sizeBytes, options, downtimeMillis, incomplete, null);
    }

    /** This summary with {@code integrity} in place of what it said. */
    public CheckpointSummary withIntegrity(Integrity integrity) {
        return new CheckpointSummary(container, name, dir, createdAt, sizeBytes, options, downtimeMillis, incomplete,
                integrity);
    }

    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options, Double downtimeMillis) {
        this(container, name, dir, createdAt, sizeBytes, options, downtimeMillis, null);
    }

    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options) {
        this(container, name, dir, createdAt, sizeBytes, options, null);
    }
}
