package dev.dockercheckpoint.core;

import dev.dockercheckpoint.core.criulog.CriuStats;
import java.nio.file.Path;
import java.util.Map;

/**
 * A finished restore: the new container, restore.log, timings, the verification, and CRIU's restore
 * statistics (null when CRIU left none).
 */
public record RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
        VerificationReport verification, CriuStats restoreStats) {
    public RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
            VerificationReport verification) {
        this(containerName, containerId, restoreLog, timingsMillis, verification, null);
    }
}
