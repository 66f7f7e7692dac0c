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

    /**
     * As {@link #run(List, java.util.Map, Duration)}, telling {@code started} the process as soon
     * as it runs (the journal records it before it can change anything).
     */
    default ProcessResult run(List<String> command, java.util.Map<String, String> extraEnv, Duration timeout,
            java.util.function.Consumer<ProcessHandle> started) {
        return run(command, extraEnv, timeout);
    }
}
