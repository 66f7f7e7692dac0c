package dev.dockercheckpoint.core;

import java.nio.file.Path;

/**
 * A live migration of a running container to another Docker engine: the name of its copy there
 * (null: the same name), where the checkpoint is kept on the way ({@code baseDir}), the CRIU
 * options (leave-running is implied: the original stays frozen until its copy runs), and whether
 * the checkpoint is kept afterwards (it is removed otherwise).
 */
public record MigrationRequest(String container, String newName, Path baseDir, CheckpointOptions options,
        boolean keepCheckpoint) {
    public MigrationRequest {
        baseDir = baseDir == null ? CheckpointStore.DEFAULT_BASE : baseDir;
        options = (options == null ? CheckpointOptions.defaults() : options).withLeaveRunning(true)
                .withPreDump(false);
    }

    /** The copy's name: {@code newName}, or the original's. */
    public String copyName() {
        return newName == null || newName.isEmpty() ? container : newName;
    }
}
