package dev.dockercheckpoint.core;

import java.nio.file.Path;

/** A finished checkpoint: where it is and its manifest. */
public record CheckpointResult(Path dir, Manifest manifest) {
}
