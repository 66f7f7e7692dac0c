package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointResult;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint whose container was left frozen after the dump ({@link Engine#checkpointFrozen}):
 * it stays frozen, never running beside a copy restored from the checkpoint, until it is either
 * thawed (it runs on as if nothing happened) or removed (its copy took over). The journal entry
 * of the checkpoint stays open meanwhile, so a crash has it repaired at the next start. Closing
 * a handle that was neither thawed nor removed thaws the container.
 */
public final class FrozenCheckpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenCheckpoint.class);

    private final CheckpointResult result;
    private final long frozenAtNanos;
    private final Journal.Entry entry;
    private final ProcessRunner runner;
    private final String runc;
    private final String runcRoot;
    private final ContainerInfo info;
    private final Docker docker;
    private boolean resolved;

    /** A checkpoint that left nothing frozen (an ordinary one). */
    FrozenCheckpoint(CheckpointResult result) {
        this(result, 0, null, null, null, null, null, null);
        resolved = true;
    }

    FrozenCheckpoint(CheckpointResult result, long frozenAtNanos, Journal.Entry entry, ProcessRunner runner,
            String runc, String runcRoot, ContainerInfo info, Docker docker) {
        this.result = result;
        this.frozenAtNanos = frozenAtNanos;
        this.entry = entry;
        this.runner = runner;
        this.runc = runc;
        this.runcRoot = runcRoot;
        this.info = info;
        this.docker = docker;
    }

    public CheckpointResult result() {
        return result;
    }

    /** When the container was frozen ({@link System#nanoTime()}). */
    public long frozenAtNanos() {
        return frozenAtNanos;
    }

    public String containerName() {
        return info == null ? result.manifest().containerName() : info.name();
    }

    /** Records a change in the checkpoint's journal entry before it is made. */
    public void record(UnaryOperator<JournalEntry> change) {
        entry.update(change);
    }

    /** Thaws the container: it runs on. */
    public synchronized void thaw() {
        if (resolved) {
            return;
        }
        Freezer.thaw(runner, runc, runcRoot, info);
        resolved = true;
        entry.note(e -> e.withFrozen(false).withMigration(null, null, null));
        entry.close();
        LOG.info("container {} thawed", info.name());
    }

    /**
     * Removes the container without letting it run again: its restart policy set to "no" (Docker
     * would start it from scratch), every process killed while frozen, then {@code docker rm -f}.
     */
    public synchronized void remove() {
        if (resolved) {
            return;
        }
        if (RestartPolicySuspension.restarts(info.spec().restartPolicy())) {
            docker.updateRestartPolicy(info.id(), "no", 0);
        }
        String holder = holderOf(docker, info);
        Freezer.killFrozen(runner, runc, runcRoot, info.id(), info.name());
        resolved = true;
        entry.note(e -> e.withFrozen(false));
        docker.removeContainer(info.id());
        if (holder != null) {
            docker.removeContainer(holder);
        }
        entry.close();
        LOG.info("container {} removed; its copy runs on", info.name());
    }

    /** The holder of the container's network namespace (a restore's on Docker 28+), or null. */
    private static String holderOf(Docker docker, ContainerInfo info) {
        var json = docker.inspectContainer(info.id());
        String mode = json == null ? "" : json.path("HostConfig").path("NetworkMode").asText("");
        if (!mode.startsWith("container:")) {
            return null;
        }
        var holder = docker.inspectContainer(mode.substring("container:".length()));
        return holder != null && info.name().equals(holder.path("Config").path("Labels").path(NetnsHolder.LABEL)
                .asText(null)) ? holder.path("Id").asText(null) : null;
    }

    /** Thaws the container unless it was thawed or removed already. */
    @Override
    public void close() {
        thaw();
    }
}
