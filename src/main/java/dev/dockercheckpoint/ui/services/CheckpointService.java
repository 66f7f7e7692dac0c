package dev.dockercheckpoint.ui.services;

import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.protocol.HelloInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the view-models may ask of the privileged helper. The application's implementation is
 * {@link HelperCheckpointService}; unit tests of view-model logic use a recording fake.
 */
public interface CheckpointService {
    HelloInfo hello();

    /**
     * Sends what follows to the helper's engine {@code name} (one of {@link HelloInfo#engines()});
     * the next {@link #hello()} confirms the pick or refuses it.
     */
    void selectEngine(String name);

    List<ContainerSummary> listContainers(boolean all);

    /** Calls {@code onChange} (any thread) with the name of each container that changed; close to stop. */
    AutoCloseable subscribe(Consumer<String> onChange);

    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreResult restore(RestoreRequest request, ProgressListener listener);

    VerificationReport verify(String container, ProgressListener listener);

    /**
     * Moves a running container of the current engine to the helper's engine {@code to} (one of
     * the others in {@link HelloInfo#engines()}): frozen until its copy runs and is verified
     * there, then removed; on failure or cancel (the listener's flag) the original is thawed.
     */
    MigrationResult migrate(MigrationRequest request, String to, ProgressListener listener);

    List<CheckpointSummary> listCheckpoints(Path dir);

    CheckpointDetails details(Path dir, String container, String name);

    LogPage readLog(Path dir, String container, String name, String log, long offset, int maxLines);

    LogReport diagnose(Path dir, String container, String name, String log);

    CheckpointContents inspect(Path dir, String container, String name);

    void delete(Path dir, String container, String name);

    DoctorReport doctor();
}
