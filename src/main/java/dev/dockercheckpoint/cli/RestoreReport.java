package dev.dockercheckpoint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.protocol.Trees;
import java.util.ArrayList;
import java.util.List;

/**
 * What the command line says of a finished restore: the new container, how long it took, CRIU's
 * log and restore times (null: unknown), the verification and the warnings. Read from the
 * engine's result, or from the fields of the helper's answer, as {@link CheckpointReport} is.
 */
record RestoreReport(String containerName, String containerId, long totalMillis, String restoreLog,
        Long restoreTimeUs, Long forkingTimeUs, Long pagesRestored, VerificationReport verification,
        List<String> warnings) {

    static RestoreReport of(RestoreResult r) {
        var st = r.restoreStats();
        return new RestoreReport(r.containerName(), r.containerId(), r.timingsMillis().getOrDefault("total", 0L),
                r.restoreLog() == null ? null : r.restoreLog().toString(), st == null ? null : st.restoreTimeUs(),
                st == null ? null : st.forkingTimeUs(), st == null ? null : st.pagesRestored(), r.verification(),
                r.warnings());
    }

    /** From the helper's answer to a restore request (a {@link RestoreResult} as JSON). */
    static RestoreReport of(JsonNode r) {
        JsonNode st = r.path("restoreStats");
        JsonNode v = r.path("verification");
        List<String> warnings = new ArrayList<>();
        r.path("warnings").forEach(w -> warnings.add(w.asText()));
        return new RestoreReport(Trees.text(r, "containerName"), Trees.text(r, "containerId"),
                r.path("timingsMillis").path("total").asLong(0), Trees.text(r, "restoreLog"),
                Trees.number(st, "restoreTimeUs"), Trees.number(st, "forkingTimeUs"), Trees.number(st, "pagesRestored"),
                new VerificationReport(Trees.text(v, "container"), Trees.checks(v)), List.copyOf(warnings));
    }
}
