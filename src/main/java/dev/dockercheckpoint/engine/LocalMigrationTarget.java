package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.CheckResult;

/**
 * Another Docker engine of this host: the checkpoint stays where it was written, and the
 * target's restore reads it from there (its images are linked, or copied across filesystems,
 * into the target's data root: the transfer).
 */
public final class LocalMigrationTarget implements MigrationTarget {
    private final Engine target;
    private final String label;
    private final boolean closeEngine;
    private volatile String copyId;
    private volatile String copyName;

    /** The engine {@code target}, called {@code label} in messages; closed with this when {@code closeEngine}. */
    public LocalMigrationTarget(Engine target, String label, boolean closeEngine) {
        this.target = target;
        this.label = label;
        this.closeEngine = closeEngine;
    }

    @Override
    public String describe() {
        return label;
    }

    @Override
    public String localHost() {
        return target.docker().host();
    }

    @Override
    public void preflight(String copyName, ContainerSpec spec, String sourceHost, ProgressListener listener) {
        requireFree(copyName);
        if (spec != null && sourceHost != null) {
            // before the freeze: a missing image would otherwise be copied while the application waits
            Restorer.carryImage(target.docker(), spec, sourceHost, listener);
        }
    }

    void requireFree(String copyName) {
        for (String name : new String[] {copyName, NetnsHolder.nameFor(copyName)}) {
            if (target.docker().inspectContainer(name) != null) {
                throw new DcpException(ErrorCode.NAME_IN_USE, "a container named " + name + " already exists on "
                        + label, "migrate with --new-name NAME, or remove that container there first");
            }
        }
    }

    @Override
    public Restored restore(CheckpointStore.Stored checkpoint, String name, ProgressListener listener) {
        long[] runningAt = {0};
        ProgressListener marking = new ProgressListener() {
            @Override
            public void phase(String phase, double fraction) {
                if (phase.equals("verifying") && runningAt[0] == 0) {
                    runningAt[0] = System.nanoTime(); // the restore is done: the copy runs
                }
                listener.phase(phase, fraction);
            }

            @Override
            public void logLine(String line) {
                listener.logLine(line);
            }

            @Override
            public void check(CheckResult result) {
                listener.check(result);
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }
        };
        copyName = name;
        RestoreResult r = target.restore(new RestoreRequest(checkpoint.container(), checkpoint.name(),
                checkpoint.dir().getParent().getParent(), name), marking);
        copyId = r.containerId();
        long done = System.nanoTime();
        long images = r.timingsMillis().getOrDefault("images", 0L);
        long total = r.timingsMillis().getOrDefault("total", 0L);
        long running = runningAt[0] == 0 ? done : runningAt[0];
        return new Restored(r.containerId(), running, images, Math.max(0, total - images),
                (done - running) / 1_000_000, r.verification());
    }

    @Override
    public void commit() {
        // the copy is made and running: nothing to tell
    }

    @Override
    public void discard() {
        if (copyId == null) {
            return; // a restore that failed removed what it made
        }
        target.docker().removeContainer(copyId);
        var holder = target.docker().inspectContainer(NetnsHolder.nameFor(copyName));
        if (holder != null && copyName.equals(holder.path("Config").path("Labels").path(NetnsHolder.LABEL)
                .asText(null))) {
            target.docker().removeContainer(holder.path("Id").asText());
        }
        if (target.docker().inspectContainer(copyId) != null) {
            throw new DcpException(ErrorCode.DOCKER_ERROR, "the copy " + copyName + " on " + label
                    + " cannot be removed", "remove it there: docker rm -f " + copyName);
        }
        copyId = null;
    }

    @Override
    public void close() {
        if (closeEngine) {
            target.close();
        }
    }
}
