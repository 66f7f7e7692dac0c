package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A container's cgroup freezer, through runc: the freeze before a dump and the thaw after it. */
final class Freezer {
    private static final Logger LOG = LoggerFactory.getLogger(Freezer.class);
    /** Attempts at freezing when the freezer gives up in time. */
    static final int FREEZE_TRIES = 3;

    private Freezer() {
    }

    /** Freezes the container's processes (cgroup freezer) so that nothing changes until the dump. */
    static void freeze(ProcessRunner runner, String runc, String runcRoot, ContainerInfo info,
            String dockerHost) {
        ProcessResult r = runner.run(List.of(runc, "--root", runcRoot, "pause", info.id()),
                Duration.ofSeconds(30));
        // the cgroup v1 freezer gives up when a task does not stop in time (a busy host); runc
        // leaves the cgroup thawed then, and another try usually succeeds
        for (int attempt = 2; !r.ok() && r.lastMessage().contains("unable to freeze") && attempt <= FREEZE_TRIES;
                attempt++) {
            LOG.info("freezing {} did not finish in time; trying again ({} of {})", info.name(), attempt,
                    FREEZE_TRIES);
            r = runner.run(List.of(runc, "--root", runcRoot, "pause", info.id()), Duration.ofSeconds(30));
        }
        if (!r.ok()) {
            String why = r.lastMessage();
            throw new DcpException(ErrorCode.CRIU_FAILED, "cannot freeze container " + info.name() + ": " + why,
                    why.contains("cgroups not configured") ? "runc cannot see the engine's cgroups from this mount"
                            + " namespace (the engine is in another one, with another cgroup layout): run"
                            + " docker-checkpoint in the engine's mount namespace: " + Doctor.nsenter(dockerHost)
                            + " docker-checkpoint ... (docker-checkpoint doctor compares the two)"
                            : why.contains("unable to freeze") ? "a process of the container did not stop in"
                            + " time " + FREEZE_TRIES + " times (a very busy host, or a process in"
                            + " uninterruptible I/O): try again when the host is calmer"
                            : "check that the container is running and not paused (docker ps)");
        }
    }

    /** Thaws the container after a dump that left it running. */
    static void thaw(ProcessRunner runner, String runc, String runcRoot, ContainerInfo info) {
        ProcessResult r = runner.run(List.of(runc, "--root", runcRoot, "resume", info.id()),
                Duration.ofSeconds(30));
        if (!r.ok()) {
            throw new DcpException(ErrorCode.CRIU_FAILED, "container " + info.name() + " was checkpointed but"
                    + " cannot be thawed: " + r.lastMessage(), "run: runc --root " + runcRoot + " resume "
                            + info.id());
        }
    }

    /**
     * Ends every process of a frozen container without letting any of them run again: each gets
     * SIGKILL while frozen (runc lists them from the container's cgroup), then the container is
     * thawed, and a thawed task with a pending SIGKILL dies before it executes one more
     * instruction. Throws when the processes cannot be listed or the container cannot be thawed.
     */
    static void killFrozen(ProcessRunner runner, String runc, String runcRoot, String id, String name) {
        ProcessResult ps = runner.run(List.of(runc, "--root", runcRoot, "ps", "--format", "json", id),
                Duration.ofSeconds(10));
        if (!ps.ok()) {
            throw new DcpException(ErrorCode.CRIU_FAILED, "cannot list the processes of frozen container " + name
                    + ": " + ps.lastMessage(), "it stays frozen; remove it yourself: docker rm -f " + name);
        }
        try {
            for (com.fasterxml.jackson.databind.JsonNode pid : dev.dockercheckpoint.core.Json.mapper()
                    .readTree(ps.stdout())) {
                ProcessHandle.of(pid.asLong()).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (java.io.IOException e) {
            throw new DcpException(ErrorCode.CRIU_FAILED, "runc listed the processes of " + name + " in a form not"
                    + " understood: " + ps.stdout(), "it stays frozen; remove it yourself: docker rm -f " + name);
        }
        ProcessResult resume = runner.run(List.of(runc, "--root", runcRoot, "resume", id), Duration.ofSeconds(30));
        if (!resume.ok()) {
            throw new DcpException(ErrorCode.CRIU_FAILED, "cannot thaw container " + name + " to let its killed"
                    + " processes end: " + resume.lastMessage(), "remove it yourself: docker rm -f " + name);
        }
    }

    /** After a failed dump the container must not stay frozen. Returns true when it thawed it. */
    static boolean ensureNotFrozen(ProcessRunner runner, ContainerInfo info, ContainerRuntime runtime) {
        try {
            String runc = runtime.runc();
            String runcRoot = runtime.runcRoot();
            ProcessResult state = runner.run(List.of(runc, "--root", runcRoot, "state", info.id()),
                    Duration.ofSeconds(10));
            if (state.ok() && state.stdout().contains("\"paused\"")) {
                LOG.warn("thawing container {}: a dump that did not finish left it frozen", info.name());
                ProcessResult resume = runner.run(List.of(runc, "--root", runcRoot, "resume", info.id()),
                        Duration.ofSeconds(30));
                return resume.ok();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not check the freezer state of {}: {}", info.name(), e.getMessage());
        }
        return false;
    }
}
