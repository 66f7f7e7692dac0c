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
                if (e.frozen() && view != null && view.running() && view.runcPaused() && !view.dockerPaused()) {
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
