package dev.dockercheckpoint.engine;

import static dev.dockercheckpoint.engine.CriuRuns.DUMP_LOG;
import static dev.dockercheckpoint.engine.CriuRuns.checkCancelled;
import static dev.dockercheckpoint.engine.CriuRuns.criuFailure;
import static dev.dockercheckpoint.engine.CriuRuns.millisSince;
import static dev.dockercheckpoint.engine.CriuRuns.readStats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.PortableImages;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.criulog.CriuStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One checkpoint of a running container: the container frozen, its writable layer saved while
 * frozen, CRIU's dump through runc (after a pre-dump when asked), the thaw (leave-running) or the
 * container ended by CRIU, the checksums of every file (after the thaw), and container.json with the
 * versions, timings and statistics; every
 * change to the host recorded in the journal first. Keeps the versions of the tools it probed, so
 * one instance serves the checkpoints of its engine.
 */
final class Checkpointer {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(30);
    private static final Executor VIRTUAL = Executors.newVirtualThreadPerTaskExecutor();

    private final Docker docker;
    private final HostTools tools;
    private final RuncCriuConfig criuConfig;
    private final Journal journal;
    /** Containers whose interrupted checkpoint is still being repaired: refused (see {@link Recovery}). */
    private final Set<String> repairing;
    private volatile Manifest.Versions versions;

    Checkpointer(Docker docker, HostTools tools, RuncCriuConfig criuConfig, Journal journal, Set<String> repairing) {
        this.docker = docker;
        this.tools = tools;
        this.criuConfig = criuConfig;
        this.journal = journal;
        this.repairing = repairing;
    }

    /**
     * Checkpoints a running container. The container is frozen first; its writable layer is saved
     * while it is frozen, then CRIU dumps it, so files and memory describe the same instant; then
     * it is thawed (leave-running) or CRIU has ended it. Without leave-running, a restart policy
     * is suspended around the dump so Docker does not start the original again, and once CRIU has
     * ended the container the checkpoint is never deleted: a later failure keeps it, marked
     * incomplete with the reason. Before each change to the host (the temporary directory, the
     * restart policy, the freeze, every process started) the journal records it, so that a crash
     * is repaired at the next start ({@link Recovery}).
     */
    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
        return run(request, listener, false).result();
    }

    /**
     * As {@link #checkpoint}, with leave-running, but the container stays frozen after CRIU's dump
     * (CRIU leaves a cgroup that was frozen before it started frozen): the caller decides, through
     * the returned handle, whether it is thawed or removed. Until then the journal entry says it is
     * frozen, so a crash has it thawed at the next start.
     */
    FrozenCheckpoint checkpointFrozen(CheckpointRequest request, ProgressListener listener) {
        return run(new CheckpointRequest(request.container(), request.name(), request.baseDir(),
                request.options().withLeaveRunning(true)), listener, true);
    }

    private FrozenCheckpoint run(CheckpointRequest request, ProgressListener listener, boolean keepFrozen) {
        long start = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        Names.requireValid("container name", request.container());
        Names.requireValid("checkpoint name", request.name());
        CheckpointOptions options = request.options();
        CheckpointStore store = new CheckpointStore(request.baseDir());

        listener.phase("inspecting container", 0.02);
        ContainerInfo info = runningContainer(request.container());
        if (options.preDump() && !tools.memoryDirtyTracking()) {
            throw new DcpException(ErrorCode.UNSUPPORTED,
                    "pre-dump needs memory dirty tracking, which this kernel lacks (CONFIG_MEM_SOFT_DIRTY;"
                            + " criu check --feature mem_dirty_track fails)",
                    "checkpoint without -pre-dump, or use a kernel built with CONFIG_MEM_SOFT_DIRTY=y");
        }
        ContainerRuntime runtime = tools.runtime(info.id());
        String runc = runtime.runc();
        String runcRoot = runtime.runcRoot();
        tools.criu();
        FilesystemChanges.Layer layer = FilesystemChanges.layerOf(info);
        List<String> lost = lostProcesses(info, options);
        // tool versions for container.json are probed while CRIU works
        CompletableFuture<Manifest.Versions> probedVersions = CompletableFuture.supplyAsync(() -> versions(runc),
                VIRTUAL);
        timings.put("inspect", millisSince(start));

        if (repairing.contains(info.id())) {
            throw new DcpException(ErrorCode.BUSY, "an interrupted checkpoint of " + info.name() + " is still being"
                    + " repaired (its CRIU may still be at work)", "try again in a moment; the helper's log says"
                    + " when the repair is done");
        }
        String partial = CheckpointStore.partialName(request.name());
        Journal.Entry entry = journal.begin(JournalEntry.checkpoint(info.id(), info.name(), store.base(),
                request.name(), partial));
        ProcessRunner runner = entry.recording(tools.runner());
        CheckpointStore.Pending pending;
        try {
            pending = store.create(info.name(), request.name(), partial);
        } catch (RuntimeException e) {
            entry.close();
            throw e;
        }
        Path dir = pending.dir();
        Attempt attempt = new Attempt();
        RestartPolicySuspension suspension = RestartPolicySuspension.NONE;
        try {
            Map<String, String> criuEnv = NetnsHolder.needed(docker.serverVersion(), info.spec())
                    ? dumpConfig(runtime, info, dir) : Map.of();
            saveRuntimeSpec(runtime, dir);
            if (!options.leaveRunning() && RestartPolicySuspension.restarts(info.spec().restartPolicy())) {
                entry.update(e -> e.withSuspendedRestartPolicy(info.spec().restartPolicy()));
                suspension = RestartPolicySuspension.suspend(docker, info);
            }
            criuConfig.forDump(options, () -> {
                if (options.preDump()) {
                    listener.phase("pre-dump: copying memory while the container runs", 0.1);
                    long t = System.nanoTime();
                    Files.createDirectory(dir.resolve(RuncCommands.PREDUMP_DIR));
                    runCriu(runner, RuncCommands.preDump(runc, runcRoot, info.id(), dir, options), criuEnv,
                            dir.resolve(RuncCommands.PREDUMP_DIR).resolve(DUMP_LOG), listener, info);
                    timings.put("preDump", millisSince(t));
                }
                checkCancelled(listener);
                // written before the freeze (nothing slow while frozen): a dump interrupted after its
                // end is recognised by it and kept (see Recovery)
                pending.writeManifest(manifest(request, info, options, timings, null, null, null, lost)
                        .withIncomplete(INTERRUPTED));
                listener.phase("freezing the container", options.preDump() ? 0.35 : 0.1);
                entry.update(e -> e.withFrozen(true));
                Freezer.freeze(runner, runc, runcRoot, info, docker.host());
                attempt.frozenAt = System.nanoTime();
                listener.phase("saving the writable layer (container frozen)", options.preDump() ? 0.4 : 0.2);
                attempt.filesystem = FilesystemChanges.capture(runner, layer, mountPoints(info), dir);
                timings.put("filesystem", millisSince(attempt.frozenAt));
                checkCancelled(listener);
                listener.phase("dumping with CRIU", options.preDump() ? 0.5 : 0.3);
                long t = System.nanoTime();
                runCriu(runner, RuncCommands.checkpoint(runc, runcRoot, info.id(), dir, options), criuEnv,
                        dir.resolve(DUMP_LOG), listener, info);
                timings.put("dump", millisSince(t));
                attempt.dumped = true;
                if (options.leaveRunning() && !keepFrozen) {
                    Freezer.thaw(runner, runc, runcRoot, info);
                    entry.note(e -> e.withFrozen(false));
                }
                timings.put(Manifest.FROZEN_TIMING, millisSince(attempt.frozenAt));
                if (keepFrozen) {
                    attempt.frozenSince = attempt.frozenAt;
                }
                attempt.frozenAt = 0;
                return null;
            });
            portable(dir);
            if (options.leaveRunning()) {
                // without leave-running CRIU has ended the container: the checkpoint is all that is
                // left of it, so a late cancel is ignored and the checkpoint is kept
                checkCancelled(listener);
            }
            // after the thaw: hashing never adds to the downtime
            long t = System.nanoTime();
            pending.writeChecksums(IntegrityCheck.record(dir, listener, 0.85, 0.9));
            timings.put("checksums", millisSince(t));
            listener.phase("writing container.json", 0.9);
            timings.put("total", millisSince(start));
            Manifest manifest = manifest(request, info, options, timings, probedVersions.join(), attempt.filesystem,
                    readStats(dir.resolve("stats-dump")), lost);
            pending.writeManifest(manifest);
            Path finalDir = pending.commit();
            attempt.committed = true;
            listener.phase("done", 1.0);
            LOG.info("checkpoint {} written to {}", request.name(), finalDir);
            if (keepFrozen) {
                attempt.handedOver = true;
                return new FrozenCheckpoint(new CheckpointResult(finalDir, manifest, "frozen", sizeOf(finalDir)),
                        attempt.frozenSince,
                        entry, runner, runc, runcRoot, info, docker);
            }
            return new FrozenCheckpoint(new CheckpointResult(finalDir, manifest, containerState(info.id(),
                    !options.leaveRunning()), sizeOf(finalDir)));
        } catch (DcpException e) {
            throw keepIfEnded(preserveFailedLog(e, pending), pending, attempt, options, e.getMessage());
        } catch (Exception e) {
            DcpException failure = new DcpException(ErrorCode.INTERNAL, "checkpoint failed: " + e,
                    "run with -v for details", e);
            throw keepIfEnded(failure, pending, attempt, options, failure.getMessage());
        } finally {
            // a cancelled dump arrives here interrupted: clean up first, then keep the flag
            boolean interrupted = Thread.interrupted();
            try {
                if (!attempt.committed) {
                    if (!pending.abort()) {
                        attempt.keptForRecovery = true; // its temporary directory is removed at the next start
                    }
                    if (!attempt.dumped || options.leaveRunning()) {
                        Freezer.ensureNotFrozen(tools.runner(), info, runtime);
                    }
                }
            } finally {
                if (suspension.restore()) {
                    entry.note(e -> e.withSuspendedRestartPolicy(null));
                } else {
                    attempt.keptForRecovery = true; // the next start puts the policy back
                }
                if (attempt.keptForRecovery) {
                    entry.keep();
                } else if (!attempt.handedOver) {
                    entry.close();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Docker's word for the container's state (running, exited, restarting...), or null. After
     * CRIU ended the container, Docker learns of the exit a moment later: up to 10 s are given
     * for that, so the report is Docker's real view rather than a stale "running".
     */
    private String containerState(String id, boolean ended) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            while (true) {
                JsonNode json = docker.inspectContainer(id);
                if (json == null) {
                    return "removed";
                }
                String status = json.path("State").path("Status").asText(null);
                if (!ended || !"running".equals(status) || System.nanoTime() > deadline) {
                    return status;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * CRIU settings of this dump alone, passed through {@code CRIU_CONFIG_FILE}: the external
     * mark of a network namespace runc created, on engines whose restores go through a holder's
     * namespace (Docker 28 and newer, see {@link NetworkNamespace} and {@link NetnsHolder}; older
     * runc dumps such a namespace whole and recreates it at restore).
     * The file lives in the checkpoint's temporary directory and is removed with the rest when the
     * dump fails; a finished checkpoint keeps it as a record.
     */
    private static Map<String, String> dumpConfig(ContainerRuntime runtime, ContainerInfo info, Path dir) {
        if (!NetworkNamespace.madeByRunc(runtime.bundle())) {
            return Map.of();
        }
        try {
            Path conf = dir.resolve(DUMP_CONFIG);
            Files.writeString(conf, NetworkNamespace.externalMark(info.pid()) + "\n");
            Files.setPosixFilePermissions(conf, Posix.FILE_PRIVATE);
            return Map.of("CRIU_CONFIG_FILE", conf.toString());
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot write the dump's CRIU settings: " + e.getMessage(),
                    "check free space in the checkpoint directory", e);
        }
    }

    /**
     * Keeps the OCI runtime spec runc ran the container with ({@code config.json} of its bundle) as
     * {@link CheckpointStore#RUNTIME_SPEC}: an export gives it to Podman as {@code spec.dump}, which Podman restores
     * from. A bundle without one (an engine that keeps it elsewhere) is logged and skipped: the
     * export then makes a spec from container.json.
     */
    private static void saveRuntimeSpec(ContainerRuntime runtime, Path dir) {
        Path spec = runtime.bundle().resolve("config.json");
        try {
            Files.copy(spec, dir.resolve(CheckpointStore.RUNTIME_SPEC), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(dir.resolve(CheckpointStore.RUNTIME_SPEC), Posix.FILE_PRIVATE);
        } catch (IOException e) {
            LOG.warn("the runtime spec {} was not kept with the checkpoint: {}", spec, e.toString());
        }
    }

    /**
     * Leaves the host's facts out of CRIU's images ({@link PortableImages}) once the container is
     * thawed, so another engine can restore them. A failure is logged: the checkpoint still restores
     * here.
     */
    /** The size of the checkpoint's files (told to clients that may not read them), null when unreadable. */
    private static Long sizeOf(Path dir) {
        try {
            return Posix.treeSize(dir);
        } catch (IOException e) {
            return null;
        }
    }

    private static void portable(Path dir) {
        try {
            PortableImages.Result r = PortableImages.apply(dir);
            LOG.debug("portable images: rewrote {}", r.rewritten());
        } catch (IOException e) {
            LOG.warn("CRIU's images in {} keep this host's root mount group and root mode: {}", dir, e.toString());
        }
    }

    /** The CRIU config file of a dump (see {@link #dumpConfig}). */
    static final String DUMP_CONFIG = "criu-dump.conf";

    /** Reason recorded in a checkpoint whose writing was interrupted after the files were saved. */
    static final String INTERRUPTED = "the checkpoint was interrupted before it was finished";

    /** State of one checkpoint attempt, shared between its steps. */
    private static final class Attempt {
        long frozenAt;
        Manifest.FilesystemChanges filesystem;
        boolean dumped;
        boolean committed;
        /** With keep-frozen: when the freeze began (System.nanoTime). */
        long frozenSince;
        /** With keep-frozen: the frozen container and the journal entry went to the caller. */
        boolean handedOver;
        /** Something is left for the next start's recovery: the journal entry stays. */
        boolean keptForRecovery;
    }

    private Manifest manifest(CheckpointRequest request, ContainerInfo info, CheckpointOptions options,
            Map<String, Long> timings, Manifest.Versions versions, Manifest.FilesystemChanges fs, CriuStats stats,
            List<String> lost) {
        return new Manifest(Manifest.FORMAT_VERSION, request.name(), info.name(), info.id(), Instant.now(),
                info.spec(), options, timings, versions, fs, options.preDump() ? RuncCommands.PREDUMP_DIR : null,
                stats, null, lost);
    }

    /**
     * After CRIU has ended the container, its checkpoint is the only copy of its state: a later
     * failure keeps it, marked incomplete with the reason, instead of deleting it.
     */
    private static DcpException keepIfEnded(DcpException failure, CheckpointStore.Pending pending, Attempt attempt,
            CheckpointOptions options, String reason) {
        if (!attempt.dumped || options.leaveRunning() || attempt.committed) {
            return failure;
        }
        try {
            pending.writeManifest(pending.readManifest().withIncomplete(reason));
        } catch (RuntimeException e) {
            LOG.warn("cannot mark {} incomplete: {}", pending.dir(), e.getMessage());
        }
        Path kept;
        try {
            kept = pending.commit();
        } catch (RuntimeException e) {
            kept = pending.dir();
            pending.keep();
            attempt.keptForRecovery = true; // the next start renames it into place
        }
        attempt.committed = true;
        LOG.warn("checkpoint kept as incomplete at {}: {}", kept, reason);
        return new DcpException(failure.code(), failure.getMessage() + "; the container was already stopped by the"
                + " dump, so its checkpoint is kept (marked incomplete) in " + kept,
                "restore it with -restore, or delete it when it is not needed", failure.details(), failure.logFile(),
                failure.getCause());
    }

    /** Mount destinations of the container: their content is not part of its writable layer. */
    private static List<String> mountPoints(ContainerInfo info) {
        return info.spec().mounts().stream().map(m -> m.destination()).toList();
    }

    /**
     * Processes CRIU would leave out; refuses when there are any, unless the options allow it
     * (then they are recorded in container.json).
     */
    private List<String> lostProcesses(ContainerInfo info, CheckpointOptions options) {
        List<ContainerProcesses.Task> tasks = ContainerProcesses.fromCgroup(info.pid());
        if (tasks == null) {
            tasks = ContainerProcesses.parseTop(docker.top(info.id()));
        }
        List<ContainerProcesses.Task> outside = ContainerProcesses.outsideInitTree(tasks, info.pid());
        if (outside.isEmpty()) {
            return List.of();
        }
        List<String> described = outside.stream().map(ContainerProcesses.Task::toString).toList();
        if (options.allowLostProcesses()) {
            LOG.warn("checkpointing {} without {} process(es) outside its init's tree: {}", info.name(),
                    outside.size(), described);
            return described;
        }
        throw new DcpException(ErrorCode.LOST_PROCESSES, "container " + info.name() + " runs " + outside.size()
                + (outside.size() == 1 ? " process" : " processes") + " outside its init's process tree, which"
                + " CRIU would leave out: " + String.join(", ", described),
                "such processes are usually started with docker exec: stop them first, or checkpoint with"
                        + " -allow-lost-processes to leave them out", described, null, null);
    }


    private ContainerInfo runningContainer(String ref) {
        JsonNode json = docker.inspectContainer(ref);
        if (json == null) {
            throw new DcpException(ErrorCode.CONTAINER_NOT_FOUND, "no container named " + ref,
                    "docker ps shows the running containers");
        }
        ContainerInfo info = ContainerInfo.of(NetnsHolder.asOriginal(docker, json));
        if (info.paused()) {
            throw new DcpException(ErrorCode.CONTAINER_NOT_RUNNING, "container " + info.name() + " is paused",
                    "unpause it first: docker unpause " + info.name());
        }
        if (!info.running()) {
            throw new DcpException(ErrorCode.CONTAINER_NOT_RUNNING,
                    "container " + info.name() + " is not running (status: " + info.status() + ")",
                    "start it first (docker start " + info.name() + "), or restore one of its checkpoints");
        }
        return info;
    }

    /** Runs one runc checkpoint/pre-dump, streaming CRIU's log; throws with the decisive lines on failure. */
    private static void runCriu(ProcessRunner runner, List<String> command, Map<String, String> env, Path log,
            ProgressListener listener, ContainerInfo info) {
        ProcessResult result;
        try (LogTailer tail = new LogTailer(log, listener::logLine)) {
            result = runner.run(command, env, DUMP_TIMEOUT);
        }
        if (!result.ok()) {
            throw criuFailure("CRIU could not checkpoint container " + info.name(),
                    log, result.lastMessage());
        }
    }

    /** Moves a failed dump's log next to the checkpoint name so the user can read it. */
    private static DcpException preserveFailedLog(DcpException e, CheckpointStore.Pending pending) {
        Path kept = pending.keepLog(e.logFile());
        if (kept == null) {
            return e;
        }
        return new DcpException(e.code(), e.getMessage(), e.hint(), e.details(), kept, e.getCause());
    }


    /** Versions of Docker, the engine's runc, CRIU and the kernel, and the engine's endpoint; probed once. */
    private Manifest.Versions versions(String runc) {
        Manifest.Versions v = versions;
        if (v == null) {
            JsonNode json = docker.version();
            v = new Manifest.Versions(Engine.toolVersion(), json == null ? null : json.path("Version").asText(null),
                    json == null ? null : json.path("ApiVersion").asText(null), tools.versionOf(runc),
                    tools.criuVersion(), HostTools.kernel(), docker.host());
            versions = v;
        }
        return v;
    }
}
