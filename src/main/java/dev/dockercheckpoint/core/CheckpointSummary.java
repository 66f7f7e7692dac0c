package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A stored checkpoint as listed: where it is, when it was made, its size and options, the
 * application's downtime (null when unknown) for comparing checkpoints, and why it is
 * incomplete (null when it is complete).
 */
public record CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
        CheckpointOptions options, Double downtimeMillis, String incomplete) {
    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options, Double downtimeMillis) {
        this(container, name, dir, createdAt, sizeBytes, options, downtimeMillis, null);
    }

    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options) {
        this(container, name, dir, createdAt, sizeBytes, options, null);
    }
}
