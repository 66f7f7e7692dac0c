package dev.dockercheckpoint.core;

import java.nio.file.Path;

/**
 * A finished checkpoint: where it is, its manifest, and the state Docker reports for the
 * container right after it (for example "running", or "exited" without leave-running; null
 * when unknown).
 */
public record CheckpointResult(Path dir, Manifest manifest, String containerState) {
    public CheckpointResult(Path dir, Manifest manifest) {
        this(dir, manifest, null);
    }
}
