package dev.dockercheckpoint.core;

import java.nio.file.Path;

/**
 * A finished checkpoint: where it is, its manifest, the state Docker reports for the container
 * right after it (for example "running", or "exited" without leave-running; null when unknown),
 * and the size of its files (null when unknown: a client may not be allowed to read them).
 */
public record CheckpointResult(Path dir, Manifest manifest, String containerState, Long sizeBytes) {
    public CheckpointResult(Path dir, Manifest manifest, String containerState) {
        this(dir, manifest, containerState, null);
    }

    public CheckpointResult(Path dir, Manifest manifest) {
        this(dir, manifest, null, null);
    }
}
