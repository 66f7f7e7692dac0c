package dev.dockercheckpoint.core;

import java.nio.file.Path;

/** What to checkpoint, where, and how. */
public record CheckpointRequest(String container, String name, Path baseDir, CheckpointOptions options) {
    public static final String DEFAULT_NAME = "checkpoint1";

    public CheckpointRequest {
        name = name == null ? DEFAULT_NAME : name;
        baseDir = baseDir == null ? CheckpointStore.DEFAULT_BASE : baseDir;
        options = options == null ? CheckpointOptions.defaults() : options;
    }
}
