package dev.dockercheckpoint.core;

import dev.dockercheckpoint.core.criulog.CriuStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A finished restore: the new container, restore.log, timings, the verification, CRIU's restore
 * statistics (null when CRIU left none), and warnings for the user (such as a checkpoint made
 * without checksums, whose files could not be checked).
 */
public record RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
        VerificationReport verification, CriuStats restoreStats, List<String> warnings) {
    public RestoreResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
            VerificationReport verification, CriuStats restoreStats) {
        this(containerName, containerId, restoreLog, timingsMillis, verification, restoreStats, List.of());
    }

    public RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
            VerificationReport verification) {
        this(containerName, containerId, restoreLog, timingsMillis, verification, null);
    }
}
