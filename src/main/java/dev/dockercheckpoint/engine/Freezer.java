package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's cgroup freezer: the freeze before a dump and the thaw after it. Written directly
 * when the container's cgroup is found here (what {@code runc pause} and {@code runc resume}
 * write, without starting runc: about 25 ms less per checkpoint, half of it inside the
 * application's downtime); through runc otherwise, and whenever a direct freeze does not finish.
 * Either way runc sees the container paused ({@code runc state} reads the freezer).
 */
final class Freezer {
    private static final Logger LOG = LoggerFactory.getLogger(Freezer.class);
    /** Attempts at freezing when the freezer gives up in time. */
    static final int FREEZE_TRIES = 3;

    private Freezer() {
    }

    /** Freezes the container's processes (cgroup freezer) so that nothing changes until the dump. */
    static void freeze(ProcessRunner runner, String runc, String runcRoot, ContainerInfo info,
            String dockerHost) {
        Direct direct = Direct.of(info);
        if (direct != null && direct.freeze(DIRECT_FREEZE_MAX)) {
            return;
        }
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
        Direct direct = Direct.of(info);
        if (direct != null && direct.thaw()) {
            return;
        }
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

    /** How long a direct freeze may take before it is undone and runc tries (with its own retries). */
    static final Duration DIRECT_FREEZE_MAX = Duration.ofSeconds(1);

    /**
     * The freezer of one container's cgroup, written directly: cgroup v1's {@code freezer.state}
     * (FROZEN / THAWED, read back until FROZEN) or cgroup v2's {@code cgroup.freeze} (1 / 0,
     * {@code cgroup.events} says when it is frozen). Only a cgroup named after the container's
     * id is used: anything else (another layout, another namespace) goes through runc.
     */
    record Direct(Path dir, boolean v2) {
        private static final Duration POLL = Duration.ofNanos(200_000);

        static Direct of(ContainerInfo info) {
            return of(Path.of("/proc"), Path.of("/sys/fs/cgroup"), info.pid(), info.id());
        }

        static Direct of(Path proc, Path cgroupRoot, int pid, String id) {
            if (pid <= 1 || id == null || id.isEmpty()) {
                return null;
            }
            try {
                Path dir = ContainerProcesses.cgroupDir(Files.readAllLines(proc.resolve(Integer.toString(pid))
                        .resolve("cgroup")), cgroupRoot);
                if (dir == null || dir.getFileName() == null || !dir.getFileName().toString().contains(id)) {
                    return null;
                }
                if (Files.isRegularFile(dir.resolve("freezer.state"))) {
                    return new Direct(dir, false);
                }
                if (Files.isRegularFile(dir.resolve("cgroup.freeze"))
                        && Files.isRegularFile(dir.resolve("cgroup.events"))) {
                    return new Direct(dir, true);
                }
                return null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** Freezes; true once frozen. A freeze not finished within {@code max} is undone: false. */
        boolean freeze(Duration max) {
            try {
                write(v2 ? "cgroup.freeze" : "freezer.state", v2 ? "1" : "FROZEN");
                long deadline = System.nanoTime() + max.toNanos();
                while (!frozen()) {
                    if (System.nanoTime() > deadline) {
                        LOG.info("the freezer of {} did not finish within {} ms; runc tries", dir, max.toMillis());
                        thaw();
                        return false;
                    }
                    LockSupport.parkNanos(POLL.toNanos());
                }
                return true;
            } catch (IOException e) {
                LOG.debug("cannot freeze {} directly: {}", dir, e.toString());
                thaw();
                return false;
            }
        }

        /** Thaws; false when the freezer cannot be written (then runc is asked). */
        boolean thaw() {
            try {
                write(v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED");
                return true;
            } catch (IOException e) {
                LOG.debug("cannot thaw {} directly: {}", dir, e.toString());
                return false;
            }
        }

        boolean frozen() throws IOException {
            if (v2) {
                return Files.readAllLines(dir.resolve("cgroup.events")).contains("frozen 1");
            }
            return Files.readString(dir.resolve("freezer.state")).strip().equals("FROZEN");
        }

        private void write(String file, String value) throws IOException {
            // no CREATE: a control file that is not there is not made
            Files.write(dir.resolve(file), value.getBytes(StandardCharsets.US_ASCII),
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        }
    }
}
