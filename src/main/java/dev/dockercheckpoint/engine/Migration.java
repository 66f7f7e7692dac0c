package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live migration: the original is frozen, dumped and kept frozen while the checkpoint reaches
 * the target, is restored there and verified; only then is the original removed. Any failure or
 * cancel before that removes the copy and thaws the original, which runs on as if nothing had
 * happened. The original never runs while its copy does: each step is recorded in the journal
 * first, so that a crash is repaired the same way at the next start ({@link JournalRepair}).
 */
final class Migration {
    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

    private Migration() {
    }

    static MigrationResult run(Engine source, MigrationTarget target, MigrationRequest request,
            ProgressListener listener) {
        Names.requireValid("container name", request.container());
        String copyName = request.copyName();
        Names.requireValid("new container name", copyName);
        listener.phase("checking " + target.describe(), 0.01);
        if (source.docker().host().equals(target.localHost())) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the target is the engine the container runs on ("
                    + source.docker().host() + ")", "name another engine with --to; within one engine, checkpoint"
                            + " and restore instead");
        }
        JsonNode json = source.docker().inspectContainer(request.container());
        if (json == null) {
            throw new DcpException(ErrorCode.CONTAINER_NOT_FOUND, "no container named " + request.container()
                    + " on " + source.docker().host(), "docker ps shows the running containers");
        }
        ContainerInfo info = ContainerInfo.of(NetnsHolder.asOriginal(source.docker(), json));
        target.preflight(copyName, info.spec(), source.docker().host(), scaled(listener, 0.01, 0.02));
        String checkpointName = "migrate-" + Long.toString(System.currentTimeMillis(), 36);

        FrozenCheckpoint frozen = source.checkpointFrozen(new CheckpointRequest(info.name(), checkpointName,
                request.baseDir(), request.options()), scaled(listener, 0.02, 0.4));
        long dumpDone = System.nanoTime();
        CheckpointStore.Stored stored = new CheckpointStore(request.baseDir()).open(info.name(), checkpointName);
        Outcome outcome = Outcome.ROLL_BACK;
        try {
            frozen.record(e -> e.withMigration(dev.dockercheckpoint.engine.JournalEntry.RESTORING,
                    target.localHost(), copyName));
            MigrationTarget.Restored restored = target.restore(stored, copyName, scaled(listener, 0.4, 0.92));
            if (!restored.verification().passed()) {
                throw new DcpException(ErrorCode.VERIFICATION_FAILED, "the copy " + copyName + " on "
                        + target.describe() + " failed " + restored.verification().failedCount() + " of its checks ("
                        + String.join(", ", restored.verification().checks().stream().filter(c -> !c.passed())
                                .map(CheckResult::name).toList()) + ")", "see the checks above; the original runs on");
            }
            CriuRuns.checkCancelled(listener);
            frozen.record(e -> e.withMigration(JournalEntry.COMMITTING, target.localHost(), copyName));
            outcome = Outcome.UNKNOWN;
            listener.phase("confirming the copy on " + target.describe(), 0.93);
            target.commit();
            frozen.record(e -> e.withMigration(JournalEntry.COMMITTED, target.localHost(), copyName));
            outcome = Outcome.COMMITTED;
            listener.phase("removing the original (frozen)", 0.95);
            long frozenMillis;
            try {
                frozen.remove();
                frozenMillis = (System.nanoTime() - frozen.frozenAtNanos()) / 1_000_000;
            } catch (DcpException e) {
                throw new DcpException(e.code(), "container " + info.name() + " was migrated (its copy " + copyName
                        + " runs on " + target.describe() + "), but the original cannot be removed: " + e.getMessage()
                        + "; it stays frozen", e.hint(), e);
            }
            // the phases add up to the downtime: what the target did not count as transfer is restore
            double downtime = (restored.runningAtNanos() - frozen.frozenAtNanos()) / 1e6;
            long dump = (dumpDone - frozen.frozenAtNanos()) / 1_000_000;
            long transfer = Math.min(restored.transferMillis(), Math.max(0, Math.round(downtime) - dump));
            Map<String, Long> phases = new LinkedHashMap<>();
            phases.put(MigrationResult.DUMP, dump);
            phases.put(MigrationResult.TRANSFER, transfer);
            phases.put(MigrationResult.RESTORE, Math.max(0, Math.round(downtime) - dump - transfer));
            phases.put(MigrationResult.VERIFY, restored.verifyMillis());
            String kept = null;
            if (request.keepCheckpoint()) {
                kept = stored.dir().toString();
            } else {
                deleteQuietly(source, request, info.name(), checkpointName);
            }
            listener.phase("done", 1.0);
            LOG.info("container {} migrated to {} as {}: downtime {} ms", info.name(), target.describe(), copyName,
                    Math.round(downtime));
            return new MigrationResult(info.name(), source.docker().host(), target.describe(), copyName,
                    restored.containerId(), downtime, phases, frozenMillis, restored.verification(), kept);
        } catch (DcpException e) {
            throw settle(outcome, e, frozen, target, info.name(), source, request, checkpointName);
        } catch (RuntimeException e) {
            throw settle(outcome, new DcpException(ErrorCode.INTERNAL, "migration failed: " + e, "run with -v for"
                    + " details", e), frozen, target, info.name(), source, request, checkpointName);
        }
    }

    /** How far a failed migration got. */
    private enum Outcome {
        /** The copy was not told to stay: it is removed and the original thawed. */
        ROLL_BACK,
        /** The copy was told to stay but did not confirm: nothing is touched. */
        UNKNOWN,
        /** The copy stays: the original is not thawed. */
        COMMITTED
    }

    private static DcpException settle(Outcome outcome, DcpException failure, FrozenCheckpoint frozen,
            MigrationTarget target, String container, Engine source, MigrationRequest request, String checkpoint) {
        boolean interrupted = Thread.interrupted(); // a cancel: clean up first, then keep the flag
        try {
            switch (outcome) {
                case ROLL_BACK -> {
                    try {
                        target.discard();
                    } catch (RuntimeException e) {
                        return new DcpException(failure.code(), failure.getMessage() + "; the copy on "
                                + target.describe() + " may be left (" + e.getMessage() + "), so " + container
                                + " stays frozen", "remove the copy there, then thaw the original: runc resume, or"
                                + " run docker-checkpoint migrate again (it repairs first)", failure.details(),
                                failure.logFile(), failure);
                    }
                    try {
                        frozen.thaw();
                    } catch (RuntimeException e) {
                        return new DcpException(failure.code(), failure.getMessage() + "; and " + container
                                + " cannot be thawed: " + e.getMessage(), failure.hint(), failure);
                    }
                    if (!request.keepCheckpoint()) {
                        deleteQuietly(source, request, container, checkpoint);
                    }
                    return new DcpException(failure.code(), failure.getMessage() + "; " + container
                            + " was thawed and runs on, nothing was left on " + target.describe(), failure.hint(),
                            failure.details(), failure.logFile(), failure);
                }
                case UNKNOWN -> {
                    return new DcpException(failure.code(), failure.getMessage() + "; " + target.describe()
                            + " was told to keep the copy but did not confirm, so " + container + " stays frozen",
                            "if the copy runs there, remove the original (docker rm -f " + container + "), otherwise"
                                    + " thaw it (runc resume)", failure.details(), failure.logFile(), failure);
                }
                default -> {
                    return failure;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteQuietly(Engine source, MigrationRequest request, String container, String checkpoint) {
        try {
            source.delete(request.baseDir(), container, checkpoint);
        } catch (RuntimeException e) {
            LOG.warn("cannot delete the migration's checkpoint {}/{}: {}", container, checkpoint, e.getMessage());
        }
    }

    /** {@code listener} with the fractions of a part mapped into [from, to]. */
    static ProgressListener scaled(ProgressListener listener, double from, double to) {
        return new ProgressListener() {
            @Override
            public void phase(String phase, double fraction) {
                if (!phase.equals("done")) {
                    listener.phase(phase, from + (to - from) * Math.max(0, Math.min(1, fraction)));
                }
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
    }
}
