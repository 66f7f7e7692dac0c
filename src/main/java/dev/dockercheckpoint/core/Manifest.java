package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dockercheckpoint.core.criulog.CriuStats;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of {@code container.json}: what was checkpointed, how to recreate it, the
 * options used, how long each phase took and the versions of the tools involved.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        int formatVersion,
        String checkpointName,
        String containerName,
        String containerId,
        Instant createdAt,
        ContainerSpec spec,
        CheckpointOptions options,
        Map<String, Long> timingsMillis,
        Versions versions,
        FilesystemChanges filesystem,
        String parent,
        CriuStats dumpStats) {

    public static final int FORMAT_VERSION = 1;

    /** A manifest without CRIU statistics (older checkpoints, tests). */
    public Manifest(int formatVersion, String checkpointName, String containerName, String containerId,
            Instant createdAt, ContainerSpec spec, CheckpointOptions options, Map<String, Long> timingsMillis,
            Versions versions, FilesystemChanges filesystem, String parent) {
        this(formatVersion, checkpointName, containerName, containerId, createdAt, spec, options, timingsMillis,
                versions, filesystem, parent, null);
    }

    /** Application downtime: how long CRIU kept the processes frozen, in ms (null when unknown). */
    public Double downtimeMillis() {
        return dumpStats == null || dumpStats.frozenTimeUs() == null ? null : dumpStats.frozenTimeUs() / 1000.0;
    }
    public static final String FILE_NAME = "container.json";

    public Manifest {
        timingsMillis = timingsMillis == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timingsMillis));
    }

    /** Versions of the components that produced the checkpoint. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Versions(String tool, String docker, String dockerApi, String runc, String criu, String kernel) {
    }

    /** Summary of the captured filesystem changes (the files themselves are in the checkpoint). */
    public record FilesystemChanges(int added, int changed, int deleted, long archiveBytes) {
    }
}
