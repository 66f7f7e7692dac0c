package dev.dockercheckpoint.cli;

import java.util.List;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import java.nio.file.Path;

/** The command line's work sent to the privileged helper (without root). */
record HelperTarget(HelperClient client) implements CommandTarget {
    @Override
    public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
        return client.checkpoint(request, listener);
    }

    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        return client.restore(request, listener);
    }

    @Override
    public CheckpointContents inspect(Path dir, String container, String name) {
        return client.inspect(dir.toAbsolutePath(), container, name);
    }

    @Override
    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return client.listCheckpoints(dir.toAbsolutePath());
    }

    /**
     * Migrates a container of this connection's engine to the helper's engine {@code to}; when
     * {@code listener} says cancel (Ctrl-C), the helper is asked to stop: it removes the copy and
     * thaws the original.
     */
    MigrationResult migrate(MigrationRequest r, String to, ProgressListener listener) {
        return client.migrate(r, to, listener);
    }

    /** The helper's engine this command's requests go to (its default when none was picked). */
    String engine() {
        return client.engine();
    }

    @Override
    public Path defaultDir() {
        List<String> served = client.lastHello() == null ? List.of() : client.lastHello().baseDirs();
        return served.isEmpty() ? CheckpointStore.DEFAULT_BASE : Path.of(served.getFirst());
    }

    @Override
    public void close() {
        client.close();
    }
}
