package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation in flight, as the {@link Journal} keeps it: what it is, which container, which
 * temporary directory it made, and every change to the host that a crash could leave behind (a
 * frozen container, a suspended restart policy, runc/CRIU processes still running), so that the
 * next start repairs exactly these and nothing else.
 *
 * @param kind {@link #CHECKPOINT} or {@link #DELETE}
 * @param owner the process that wrote the entry; while it lives the operation is not interrupted
 * @param containerId Docker's id of the container (checkpoints)
 * @param container the container directory's name in the store
 * @param baseDir the checkpoint base directory
 * @param checkpoint the checkpoint's name
 * @param partialDir the name of the temporary directory in the container directory that the
 *     operation made (a new checkpoint's, or a deleted one's before its files are removed)
 * @param frozen whether the container was (or was about to be) frozen by the operation
 * @param suspendedRestartPolicy the restart policy set to "no" for the dump, to put back
 * @param processes the processes the operation started (runc, CRIU, tar), with their start times
 * @param migration a migration's progress while the container is kept frozen: null (none),
 *     {@link #RESTORING} (the copy is being made: a repair removes it and thaws the original),
 *     {@link #COMMITTING} (the copy was told to stay but did not confirm: left frozen, for the user to
 *     decide), {@link #COMMITTED} (the copy runs: a repair removes the original, never thaws it)
 * @param migrationTarget the engine on this host the copy is made on ({@code unix://PATH}), or
 *     null when it is made elsewhere (the remote side removes a copy it was not told to keep)
 * @param migrationCopy the copy's container name
 */
public record JournalEntry(int format, String id, String kind, Instant started, Pid owner, String containerId,
        String container, String baseDir, String checkpoint, String partialDir, boolean frozen,
        RestartPolicySpec suspendedRestartPolicy, List<Pid> processes, String dockerHost, String migration,
        String migrationTarget, String migrationCopy) {
    public static final int FORMAT = 1;
    public static final String RESTORING = "restoring";
    public static final String COMMITTING = "committing";
    public static final String COMMITTED = "committed";
    public static final String CHECKPOINT = "checkpoint";
    public static final String DELETE = "delete";
    /** At most this many processes are recorded per operation. */
    static final int MAX_PROCESSES = 64;

    public JournalEntry {
        processes = processes == null ? List.of() : List.copyOf(processes);
    }

    /** A checkpoint of container {@code containerId} about to be written into {@code partialDir}. */
    public static JournalEntry checkpoint(String containerId, String container, Path baseDir, String checkpoint,
            String partialDir) {
        return new JournalEntry(FORMAT, null, CHECKPOINT, Instant.now(), null, containerId, container,
                baseDir.toString(), checkpoint, partialDir, false, null, List.of(), null, null, null, null);
    }

    /** A deletion of a checkpoint about to be renamed to {@code trashDir} and removed. */
    public static JournalEntry delete(String container, Path baseDir, String checkpoint, String trashDir) {
        return new JournalEntry(FORMAT, null, DELETE, Instant.now(), null, null, container, baseDir.toString(),
                checkpoint, trashDir, false, null, List.of(), null, null, null, null);
    }

    /** With the id and the writing process (the journal sets both when the entry is begun). */
    public JournalEntry withId(String newId, Pid newOwner) {
        return new JournalEntry(format, newId, kind, started, newOwner, containerId, container, baseDir, checkpoint,
                partialDir, frozen, suspendedRestartPolicy, processes, dockerHost, migration, migrationTarget, migrationCopy);
    }

    /** With the Docker engine it was made on ({@code unix://PATH}; null: the journal's default engine). */
    public JournalEntry withDockerHost(String host) {
        return new JournalEntry(format, id, kind, started, owner, containerId, container, baseDir, checkpoint,
                partialDir, frozen, suspendedRestartPolicy, processes, host, migration, migrationTarget, migrationCopy);
    }

    public JournalEntry withFrozen(boolean value) {
        return new JournalEntry(format, id, kind, started, owner, containerId, container, baseDir, checkpoint,
                partialDir, value, suspendedRestartPolicy, processes, dockerHost, migration, migrationTarget, migrationCopy);
    }

    public JournalEntry withSuspendedRestartPolicy(RestartPolicySpec policy) {
        return new JournalEntry(format, id, kind, started, owner, containerId, container, baseDir, checkpoint,
                partialDir, frozen, policy, processes, dockerHost, migration, migrationTarget, migrationCopy);
    }

    /** With a migration's state, its target engine on this host (null: elsewhere) and its copy's name. */
    public JournalEntry withMigration(String state, String target, String copy) {
        return new JournalEntry(format, id, kind, started, owner, containerId, container, baseDir, checkpoint,
                partialDir, frozen, suspendedRestartPolicy, processes, dockerHost, state, target, copy);
    }

    /** With {@code p} added to the processes (once; at most {@link #MAX_PROCESSES}). */
    public JournalEntry withProcess(Pid p) {
        if (processes.contains(p) || processes.size() >= MAX_PROCESSES) {
            return this;
        }
        List<Pid> more = new ArrayList<>(processes);
        more.add(p);
        return new JournalEntry(format, id, kind, started, owner, containerId, container, baseDir, checkpoint,
                partialDir, frozen, suspendedRestartPolicy, more, dockerHost, migration, migrationTarget, migrationCopy);
    }

    /**
     * A process as the kernel knows it: its pid and its start time in clock ticks after boot
     * (field 22 of {@code /proc/<pid>/stat}), which tells it from a later process that got the
     * same pid.
     */
    public record Pid(long pid, long startTime, String command) {
        /** The process {@code handle}, or null when it is gone already. */
        public static Pid of(ProcessHandle handle) {
            long start = startTime(handle.pid());
            return start < 0 ? null : new Pid(handle.pid(), start, handle.info().command().orElse("?"));
        }

        /** Whether this very process still runs (same pid, same start time). */
        public boolean alive() {
            return startTime >= 0 && startTime(pid) == startTime;
        }

        /** Field 22 of {@code /proc/<pid>/stat}, or -1 when there is no such process. */
        static long startTime(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the command (field 2) is in parentheses and may hold spaces and parentheses itself
                String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(rest[19]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
