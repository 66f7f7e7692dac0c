package dev.dockercheckpoint.cli;

import java.util.List;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.engine.CheckpointEngine;
import java.nio.file.Path;

/** The command line's work done in this process, on the engine (as root). */
record EngineTarget(CheckpointEngine engine) implements CommandTarget {
    @Override
    public CheckpointReport checkpoint(CheckpointRequest request, ProgressListener listener) {
        return CheckpointReport.of(engine.checkpoint(request, listener));
    }

    @Override
    public RestoreReport restore(RestoreRequest request, ProgressListener listener) {
        return RestoreReport.of(engine.restore(request, listener));
    }

    @Override
    public CheckpointContents inspect(Path dir, String container, String name) {
        return engine.inspect(dir, container, name);
    }

    @Override
    public IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener) {
        return new CheckpointStore(dir).verifyIntegrity(container, name, listener);
    }

    @Override
    public List<CheckpointSummary> listCheckpoints(Path dir) {
        CheckpointStore store = new CheckpointStore(dir);
        return store.list().stream().map(store::summary).toList();
    }

    @Override
    public Path defaultDir() {
        return CheckpointStore.DEFAULT_BASE;
    }

    @Override
    public void close() {
        engine.close();
    }
}
