package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A stored checkpoint as listed: where it is, when it was made, its size and options, and the
 * application's downtime (CRIU frozen time, null when unknown) for comparing checkpoints.
 */
public record CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
        CheckpointOptions options, Double downtimeMillis) {
    public CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
            CheckpointOptions options) {
        this(container, name, dir, createdAt, sizeBytes, options, null);
    }
}
