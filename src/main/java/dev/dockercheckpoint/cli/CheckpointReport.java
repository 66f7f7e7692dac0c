package dev.dockercheckpoint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Posix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the command line says of a finished checkpoint: where it is, its size (-1: unknown), how
 * long it took, the application's downtime (null: unknown), the processes left out (null: none),
 * the container's name and its state right after (null: unknown). Read from the engine's result,
 * or from the fields of the helper's answer: binding the whole answer (the container's complete
 * settings) would cost a tiny checkpoint's command line more than the rest of its start-up.
 */
record CheckpointReport(Path dir, long sizeBytes, long totalMillis, Double downtimeMillis, List<String> lostProcesses,
        String containerName, String containerState) {

    static CheckpointReport of(CheckpointResult r) {
        Manifest m = r.manifest();
        return new CheckpointReport(r.dir(), size(r.sizeBytes(), r.dir()), m.timingsMillis().getOrDefault("total", 0L),
                m.downtimeMillis(), m.lostProcesses(), m.containerName(), r.containerState());
    }

    /** From the helper's answer to a checkpoint request (a {@link CheckpointResult} as JSON). */
    static CheckpointReport of(JsonNode r) {
        Path dir = Path.of(r.path("dir").asText());
        JsonNode m = r.path("manifest");
        JsonNode timings = m.path("timingsMillis");
        Double downtime = null;
        if (timings.hasNonNull(Manifest.FROZEN_TIMING)) {
            downtime = timings.get(Manifest.FROZEN_TIMING).asDouble();
        } else if (m.path("dumpStats").hasNonNull("frozenTimeUs")) {
            downtime = m.path("dumpStats").get("frozenTimeUs").asDouble() / 1000.0;
        }
        List<String> lost = null;
        if (m.path("lostProcesses").isArray() && !m.path("lostProcesses").isEmpty()) {
            lost = new ArrayList<>();
            for (JsonNode p : m.path("lostProcesses")) {
                lost.add(p.asText());
            }
        }
        Long size = r.hasNonNull("sizeBytes") ? r.get("sizeBytes").asLong() : null;
        return new CheckpointReport(dir, size(size, dir), timings.path("total").asLong(0), downtime, lost,
                m.path("containerName").asText(null), r.hasNonNull("containerState")
                        ? r.get("containerState").asText() : null);
    }

    private static long size(Long known, Path dir) {
        if (known != null) {
            return known;
        }
        try {
            return Posix.treeSize(dir);
        } catch (IOException e) {
            return -1;
        }
    }
}
