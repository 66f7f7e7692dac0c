package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the helper asks of one Docker engine: checkpoint, restore and verify containers, read a
 * stored checkpoint's contents, list and follow containers, and check the host. {@link Engine}
 * does it on the real host; tests of the helper's dispatch use their own.
 */
public interface CheckpointEngine extends AutoCloseable {

    /** A change of a container, from Docker's event stream. */
    record ContainerEvent(String action, String containerId, String name, String image) {
    }

    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreResult restore(RestoreRequest request, ProgressListener listener);

    VerificationReport verify(String container, ProgressListener listener);

    /**
     * Migrates a running container of this engine to {@code target}, another engine of this host
     * called {@code targetName}: frozen, dumped, restored and verified there, then removed here;
     * on failure the copy is removed and the original thawed.
     */
    default MigrationResult migrate(MigrationRequest request, CheckpointEngine target, String targetName,
            ProgressListener listener) {
        throw new DcpException(ErrorCode.UNSUPPORTED, "this engine cannot migrate containers", "");
    }

    /**
     * The directory holding named volume {@code name}'s contents on this engine, for an export with
     * its volumes; null when the engine has no such volume.
     */
    default Path volumeMountpoint(String name) {
        throw new DcpException(ErrorCode.UNSUPPORTED, "this engine cannot read volumes",
                "export without --with-volumes");
    }

    /** Process tree, memory, open files and statistics of a stored checkpoint. */
    CheckpointContents inspect(Path baseDir, String container, String name);

    /** Deletes a stored checkpoint; returns its directory. */
    Path delete(Path baseDir, String container, String name);

    /** Containers known to Docker (all of them, or only running ones), sorted by name. */
    List<ContainerSummary> listContainers(boolean all);

    /** Follows container events until the returned handle is closed; {@code sink} runs on the engine's thread. */
    AutoCloseable subscribe(Consumer<ContainerEvent> sink);

    /** What this host and engine can do. */
    DoctorReport doctor();

    /** The full id of the container {@code ref} (a name or an id), or null when the engine does not know it. */
    String containerId(String ref);

    @Override
    void close();
}
