package dev.dockercheckpoint.core;

import java.util.List;

/** Everything about one stored checkpoint: summary, manifest and its files with sizes. */
public record CheckpointDetails(CheckpointSummary summary, Manifest manifest, List<FileEntry> files) {
    public CheckpointDetails {
        files = List.copyOf(files);
    }

    /** A file of the checkpoint, relative to its directory. */
    public record FileEntry(String name, long sizeBytes) {
    }
}
