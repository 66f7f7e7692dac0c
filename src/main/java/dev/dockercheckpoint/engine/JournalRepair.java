package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What to repair for one journal entry left by an interrupted operation, and nothing more: wait
 * for the runc/CRIU processes it started (by pid and start time, so a reused pid is not waited
 * for), thaw the container it froze, keep its finished dump (renamed into place, marked
 * incomplete) or remove its own temporary directory, put back the restart policy it suspended.
 * The host is behind {@link Host}, so that the decisions are tested without one.
 */
final class JournalRepair {
    /** The host as the repairs see it. */
    interface Host {
        boolean alive(JournalEntry.Pid process);

        void pause(Duration duration) throws InterruptedException;

        /** Docker's and runc's view of a container, or null when it no longer exists. */
        ContainerView container(String id);

        /** Thaws a container frozen by the cgroup freezer; true when it did. */
        boolean thaw(String id);

        void setRestartPolicy(String id, RestartPolicySpec policy);

        /**
         * Removes a migration's copy, container {@code name} and its network namespace's holder, on
         * the engine at {@code dockerHost}; true when none is left.
         */
        boolean removeCopy(String dockerHost, String name);

        /** Ends and removes a frozen container without letting it run (its copy runs elsewhere). */
        void removeFrozen(String id);

        /** {@link CheckpointStore#repairPartial} in base {@code base}; a finished dump is kept only when {@code mayKeep}. */
        CheckpointStore.Repaired repairPartial(Path base, String container, String partial, boolean mayKeep);
    }

    /**
     * A container as Docker and runc see it: running, paused by Docker (docker pause: the user's
     * choice, left alone), frozen according to runc, and the name of its restart policy.
     */
    record ContainerView(String name, boolean running, boolean dockerPaused, boolean runcPaused,
            String restartPolicy) {
    }

    /**
     * The result: {@code done} when the entry may be removed; the repairs made and the problems
     * met, for the log.
     */
    record Outcome(boolean done, List<String> repairs, List<String> problems) {
    }

    private JournalRepair() {
    }

    static Outcome repair(JournalEntry e, Host host, Duration maxWait) {
        List<String> repairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String what = describe(e);
        if (e.owner() != null && host.alive(e.owner())) {
            problems.add(what + " is still in progress in process " + e.owner().pid() + "; left to it");
            return new Outcome(false, repairs, problems);
        }
        try {
            if (!waitFor(e, host, maxWait, problems)) {
                return new Outcome(false, repairs, problems);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            problems.add("stopped while waiting for the processes of " + what);
            return new Outcome(false, repairs, problems);
        }
        boolean done = true;
        Path base = Path.of(e.baseDir());
        if (JournalEntry.CHECKPOINT.equals(e.kind())) {
            ContainerView view = null;
            try {
                view = e.containerId() == null ? null : host.container(e.containerId());
                if (e.migration() != null && e.frozen() && view != null && view.running()) {
                    done &= migration(e, view, host, repairs, problems);
                } else if (e.frozen() && view != null && view.running() && view.runcPaused() && !view.dockerPaused()) {
                    if (host.thaw(e.containerId())) {
                        repairs.add("container " + view.name() + " was left frozen by an interrupted dump and has"
                                + " been thawed");
                    } else {
                        problems.add("container " + view.name() + " was left frozen by an interrupted dump and"
                                + " cannot be thawed");
                        done = false;
                    }
                }
            } catch (RuntimeException ex) {
                problems.add("cannot check container " + e.container() + " of " + what + ": " + ex.getMessage());
                done = false;
            }
            done &= partial(e, base, true, host, repairs, problems);
            RestartPolicySpec policy = e.suspendedRestartPolicy();
            if (policy != null && view != null && "no".equals(view.restartPolicy())) {
                try {
                    host.setRestartPolicy(e.containerId(), policy);
                    repairs.add("put back restart policy " + policy.name() + " of container " + view.name()
                            + ", suspended by an interrupted dump");
                } catch (RuntimeException ex) {
                    problems.add("cannot put back restart policy " + policy.name() + " of container " + view.name()
                            + ": " + ex.getMessage() + "; run: docker update --restart " + policy.name() + " "
                            + view.name());
                    done = false;
                }
            }
        } else if (JournalEntry.DELETE.equals(e.kind())) {
            done = partial(e, base, false, host, repairs, problems);
        } else {
            problems.add("unknown operation " + e.kind() + " in journal entry " + e.id() + "; left alone");
        }
        return new Outcome(done, repairs, problems);
    }

    /**
     * A migration interrupted while the original was kept frozen: it must never run beside its
     * copy. Before the copy was told to stay, the copy is removed and the original thawed; once
     * it was confirmed, the original is removed; in between, neither is touched.
     */
    private static boolean migration(JournalEntry e, ContainerView view, Host host, List<String> repairs,
            List<String> problems) {
        String copy = e.migrationCopy() + (e.migrationTarget() == null ? "" : " on " + e.migrationTarget());
        switch (e.migration()) {
            case JournalEntry.RESTORING -> {
                if (e.migrationTarget() != null && e.migrationCopy() != null
                        && !host.removeCopy(e.migrationTarget(), e.migrationCopy())) {
                    problems.add("container " + view.name() + " was left frozen by an interrupted migration, and its"
                            + " copy " + copy + " cannot be removed: the original stays frozen; remove the copy,"
                            + " then thaw the original (runc resume)");
                    return false;
                }
                if (!view.runcPaused() || view.dockerPaused()) {
                    return true;
                }
                if (host.thaw(e.containerId())) {
                    repairs.add("container " + view.name() + " was left frozen by an interrupted migration and has"
                            + " been thawed" + (e.migrationTarget() == null ? "" : "; its copy " + copy
                                    + " was removed"));
                    return true;
                }
                problems.add("container " + view.name() + " was left frozen by an interrupted migration and cannot"
                        + " be thawed");
                return false;
            }
            case JournalEntry.COMMITTED -> {
                try {
                    host.removeFrozen(e.containerId());
                    repairs.add("container " + view.name() + " had been migrated (its copy " + copy + " runs) and"
                            + " was removed");
                    return true;
                } catch (RuntimeException ex) {
                    problems.add("container " + view.name() + " has been migrated but cannot be removed: "
                            + ex.getMessage() + "; it stays frozen: docker rm -f " + view.name());
                    return false;
                }
            }
            default -> {
                problems.add("container " + view.name() + " stays frozen: its migration was interrupted while the"
                        + " copy " + copy + " was told to take over, and did not confirm; if the copy runs, remove"
                        + " the original (docker rm -f " + view.name() + "), otherwise thaw it (runc resume)");
                return false;
            }
        }
    }

    /** Waits until none of the entry's processes runs; false when some still run after {@code maxWait}. */
    private static boolean waitFor(JournalEntry e, Host host, Duration maxWait, List<String> problems)
            throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            List<JournalEntry.Pid> running = e.processes().stream().filter(host::alive).toList();
            if (running.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                problems.add(describe(e) + ": its processes " + running.stream().map(p -> p.command() + " (pid "
                        + p.pid() + ")").toList() + " still run after " + maxWait.toMinutes() + " min; left for the"
                        + " next start");
                return false;
            }
            host.pause(Duration.ofMillis(500));
        }
    }

    private static boolean partial(JournalEntry e, Path base, boolean mayKeep, Host host, List<String> repairs,
            List<String> problems) {
        if (e.partialDir() == null || e.container() == null) {
            return true;
        }
        try {
            CheckpointStore.Repaired r = host.repairPartial(base, e.container(), e.partialDir(), mayKeep);
            switch (r.outcome()) {
                case KEPT -> repairs.add("kept the finished dump of an interrupted checkpoint as " + r.path()
                        + " (marked incomplete)");
                case REMOVED -> repairs.add((mayKeep ? "removed incomplete checkpoint directory "
                        : "removed what was left of deleted checkpoint ") + r.path());
                case LEFT -> problems.add("left " + r.path() + " alone: " + r.why());
                case ABSENT -> { }
            }
            return true;
        } catch (RuntimeException ex) {
            problems.add("cannot clean up " + base.resolve(e.container()).resolve(e.partialDir()) + ": "
                    + ex.getMessage());
            return false;
        }
    }

    private static String describe(JournalEntry e) {
        return "the interrupted " + e.kind() + " of " + e.container() + "/" + e.checkpoint();
    }
}
