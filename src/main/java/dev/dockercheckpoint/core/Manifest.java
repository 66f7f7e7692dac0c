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
        CriuStats dumpStats,
        String incomplete,
        java.util.List<String> lostProcesses) {

    /**
     * 2: the writable layer is read from the storage driver's upper directory while the
     * container is frozen; {@code incomplete} and {@code lostProcesses} appear.
     */
    public static final int FORMAT_VERSION = 2;
    /** Timing key of the wall-clock time the container's processes were frozen, in ms. */
    public static final String FROZEN_TIMING = "frozen";

    /** A manifest of a complete checkpoint with nothing left out. */
    public Manifest(int formatVersion, String checkpointName, String containerName, String containerId,
            Instant createdAt, ContainerSpec spec, CheckpointOptions options, Map<String, Long> timingsMillis,
            Versions versions, FilesystemChanges filesystem, String parent, CriuStats dumpStats) {
        this(formatVersion, checkpointName, containerName, containerId, createdAt, spec, options, timingsMillis,
                versions, filesystem, parent, dumpStats, null, null);
    }

    /** This manifest marked incomplete for {@code reason} (null: complete). */
    public Manifest withIncomplete(String reason) {
        return new Manifest(formatVersion, checkpointName, containerName, containerId, createdAt, spec, options,
                timingsMillis, versions, filesystem, parent, dumpStats, reason, lostProcesses);
    }

    /** A manifest without CRIU statistics (older checkpoints, tests). */
    public Manifest(int formatVersion, String checkpointName, String containerName, String containerId,
            Instant createdAt, ContainerSpec spec, CheckpointOptions options, Map<String, Long> timingsMillis,
            Versions versions, FilesystemChanges filesystem, String parent) {
        this(formatVersion, checkpointName, containerName, containerId, createdAt, spec, options, timingsMillis,
                versions, filesystem, parent, null);
    }

    /**
     * Application downtime in ms (null when unknown): how long the processes were frozen, from
     * the freeze before the files were saved to the thaw (or the end of the dump, without
     * leave-running); for older checkpoints, CRIU's frozen time.
     */
    public Double downtimeMillis() {
        Long frozen = timingsMillis.get(FROZEN_TIMING);
        if (frozen != null) {
            return frozen.doubleValue();
        }
        return dumpStats == null || dumpStats.frozenTimeUs() == null ? null : dumpStats.frozenTimeUs() / 1000.0;
    }
    public static final String FILE_NAME = "container.json";

    public Manifest {
        timingsMillis = timingsMillis == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timingsMillis));
        lostProcesses = lostProcesses == null || lostProcesses.isEmpty() ? null : java.util.List.copyOf(lostProcesses);
    }

    /** Versions of the components that produced the checkpoint, and the engine's endpoint. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Versions(String tool, String docker, String dockerApi, String runc, String criu, String kernel,
            String dockerHost) {
        public Versions(String tool, String docker, String dockerApi, String runc, String criu, String kernel) {
            this(tool, docker, dockerApi, runc, criu, kernel, null);
        }
    }

    /** Summary of the captured filesystem changes (the files themselves are in the checkpoint). */
    public record FilesystemChanges(int added, int changed, int deleted, long archiveBytes) {
    }
}
