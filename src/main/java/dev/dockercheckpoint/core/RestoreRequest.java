package dev.dockercheckpoint.core;

import java.nio.file.Path;

/** Which stored checkpoint to restore, from where, and under which new container name. */
public record RestoreRequest(String container, String name, Path baseDir, String newName) {
    public RestoreRequest {
        name = name == null ? CheckpointRequest.DEFAULT_NAME : name;
        baseDir = baseDir == null ? CheckpointStore.DEFAULT_BASE : baseDir;
        newName = newName == null || newName.isEmpty() ? defaultNewName(container) : newName;
    }

    /** The seed's default: {@code <container>-restored}. */
    public static String defaultNewName(String container) {
        return container + "-restored";
    }
}
