package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.time.Instant;

/** A stored checkpoint as listed: where it is, when it was made, its size and options. */
public record CheckpointSummary(String container, String name, Path dir, Instant createdAt, long sizeBytes,
        CheckpointOptions options) {
}
