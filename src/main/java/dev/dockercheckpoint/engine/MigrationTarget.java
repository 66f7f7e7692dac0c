package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.VerificationReport;

/**
 * Where a migration's copy is made: another engine of this host ({@link LocalMigrationTarget}),
 * or a docker-checkpoint reached through a transport command ({@link TransportMigrationTarget}).
 * The copy is restored and verified, then either told to stay ({@link #commit}) or removed
 * ({@link #discard}).
 */
public interface MigrationTarget extends AutoCloseable {
    /** The copy restored and running: when it ran, and the phases' durations. */
    record Restored(String containerId, long runningAtNanos, long transferMillis, long restoreMillis,
            long verifyMillis, VerificationReport verification) {
    }

    /** The target for messages: an engine's name or socket, or the transport's command. */
    String describe();

    /** The engine on this host ({@code unix://PATH}) the copy is made on, or null when it is made elsewhere. */
    String localHost();

    /**
     * Checks and preparations made before the original is frozen: the copy's name is free there,
     * its image is there (copied from {@code sourceHost}, the original's engine, when it can be).
     */
    void preflight(String copyName, ContainerSpec spec, String sourceHost, ProgressListener listener);

    /**
     * Makes the copy {@code copyName} from the checkpoint and verifies it; a failure leaves no
     * copy behind. The copy runs from {@link Restored#runningAtNanos()} on.
     */
    Restored restore(CheckpointStore.Stored checkpoint, String copyName, ProgressListener listener);

    /** The copy stays; throws when the target does not confirm it. */
    void commit();

    /** Removes the copy, if one was made; throws when one may be left. */
    void discard();

    @Override
    void close();
}
