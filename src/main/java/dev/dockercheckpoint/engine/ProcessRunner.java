package dev.dockercheckpoint.engine;

import java.time.Duration;
import java.util.List;

/**
 * Runs external programs from an argument list (never a shell string). Tests replace it to
 * observe the exact arguments.
 */
public interface ProcessRunner {
    ProcessResult run(List<String> command, Duration timeout);

    /** Runs with {@code extraEnv} added to the environment. */
    default ProcessResult run(List<String> command, java.util.Map<String, String> extraEnv, Duration timeout) {
        return run(command, timeout);
    }
}
