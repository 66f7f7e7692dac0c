package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.util.Map;

/** A finished restore: the new container, the copied restore.log, timings and the verification. */
public record RestoreResult(String containerName, String containerId, Path restoreLog, Map<String, Long> timingsMillis,
        VerificationReport verification) {
}
