package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.CriuStats;
import dev.dockercheckpoint.core.criulog.CriuStatsReader;
import dev.dockercheckpoint.core.criulog.Diagnosis;
import dev.dockercheckpoint.core.criulog.LogAnalysis;
import dev.dockercheckpoint.core.criulog.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dump and the restore share about a CRIU run: the names of its log, the failure
 * explained from that log, its statistics, the points where a cancel takes effect, and timings.
 */
final class CriuRuns {
    private static final Logger LOG = LoggerFactory.getLogger(CriuRuns.class);
    static final String DUMP_LOG = "dump.log";
    static final String RESTORE_LOG = "restore.log";

    private CriuRuns() {
    }

    /**
     * A cancel takes effect here, between steps, never in the middle of a CRIU run (which cannot be
     * stopped safely once it has seized the processes).
     */
    static void checkCancelled(ProgressListener listener) {
        if (listener.isCancelled()) {
            throw new DcpException(ErrorCode.CANCELLED, "cancelled", "nothing was kept; run it again when ready");
        }
    }

    /**
     * A CRIU failure explained from its log: the diagnosis's cause in the message, the decisive line
     * and the other real errors as details, the fix as the hint.
     */
    static DcpException criuFailure(String what, Path log, String fallback) {
        LogAnalysis analysis = null;
        if (log != null && Files.isRegularFile(log)) {
            try {
                analysis = CriuLogAnalyzer.analyze(log);
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot analyse {}", log, e);
            }
        }
        if (analysis == null || analysis.decisiveLine() == null) {
            return new DcpException(ErrorCode.CRIU_FAILED, what, "read the CRIU log for the lines before the first"
                    + " Error", List.of(fallback), analysis == null ? null : log, null);
        }
        Diagnosis d = analysis.diagnosis();
        List<String> details = new ArrayList<>();
        details.add(analysis.decisiveLine().text().strip());
        for (LogLine e : analysis.errors()) {
            if (details.size() >= 6) {
                break;
            }
            if (e.number() != analysis.decisiveLine().number()) {
                details.add(e.text().strip());
            }
        }
        String hint = d.fix().isEmpty() ? "read the CRIU log for the lines before the first Error" : d.fix();
        return new DcpException(ErrorCode.CRIU_FAILED, what + (d.known() ? ": " + d.title() : ""), hint, details,
                log, null);
    }

    /** CRIU's statistics of a dump or restore, or null when the file is absent or unreadable. */
    static CriuStats readStats(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return CriuStatsReader.read(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
            return null;
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
