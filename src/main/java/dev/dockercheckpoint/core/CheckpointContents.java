package dev.dockercheckpoint.core;

import dev.dockercheckpoint.core.criulog.CriuStats;
import java.util.List;

/**
 * What is inside a checkpoint: the process tree with each process's command, threads, memory
 * (pages written to the images) and open files, and CRIU's dump statistics.
 */
public record CheckpointContents(String container, String name, List<Process> processes, CriuStats stats) {
    public CheckpointContents {
        processes = List.copyOf(processes);
    }

    /** One process of the checkpoint. {@code files} are "fd: target" (plus cwd and root). */
    public record Process(int pid, int ppid, String command, int threads, long pages, long bytes,
            List<String> files) {
        public Process {
            files = List.copyOf(files);
        }
    }

    public long totalBytes() {
        return processes.stream().mapToLong(Process::bytes).sum();
    }
}
