package dev.dockercheckpoint.ui.services;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.ImportInfo;
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

    /**
     * Checks every file of a stored checkpoint against the checksums recorded when it was made;
     * progress goes to {@code listener}, whose cancel stops the check.
     */
    IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener);

    void delete(Path dir, String container, String name);

    DoctorReport doctor();

    /**
     * Exports checkpoint {@code container}/{@code name} of {@code dir} as an archive compressed with
     * {@code compression} ({@code zstd}, {@code gzip}, {@code none}) into the new file {@code file},
     * which this process writes as its user; cancelled through the listener.
     */
    default ExportInfo exportCheckpoint(Path dir, String container, String name, String compression, Path file,
            TransferListener listener) {
        return exportCheckpoint(dir, container, name, compression, false, ArchiveCrypto.Encryption.NONE, file,
                listener);
    }

    /**
     * The same, with the contents of the named volumes the container mounted when
     * {@code withVolumes} (as they are now), encrypted with age in this process as
     * {@code encryption} says: no key or passphrase goes to the helper.
     */
    ExportInfo exportCheckpoint(Path dir, String container, String name, String compression, boolean withVolumes,
            ArchiveCrypto.Encryption encryption, Path file, TransferListener listener);

    /**
     * Imports the archive {@code file} (read by this process) into {@code dir}, under
     * {@code container} and {@code name} when not null (else the archive's); cancelled through the
     * listener, which then leaves nothing behind.
     */
    default ImportInfo importArchive(Path file, Path dir, String container, String name, TransferListener listener) {
        return importArchive(file, dir, container, name, ArchiveCrypto.Decryption.NONE, listener);
    }

    /**
     * The same for an archive encrypted with age, decrypted in this process with
     * {@code decryption} before its bytes go to the helper; a key or passphrase that does not open
     * it fails with DECRYPTION_FAILED before anything is stored.
     */
    ImportInfo importArchive(Path file, Path dir, String container, String name, ArchiveCrypto.Decryption decryption,
            TransferListener listener);
}
