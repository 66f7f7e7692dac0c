package dev.dockercheckpoint.core.criulog;

import java.util.List;

/**
 * A log's diagnosis in plain values, for the wire and the GUI: verdict, cause, explanation, fix,
 * the decisive lines (numbered) and the phase timeline.
 *
 * @param decisiveLine 1-based number of the line the verdict rests on, or 0
 * @param lines        the decisive line with its neighbours, as "number: text"
 */
public record LogReport(Verdict verdict, LogKind kind, String title, String explanation, String fix,
        String patternId, long decisiveLine, List<String> lines, List<PhaseTiming> phases, long errorCount,
        long warningCount, double durationSeconds) {
    public LogReport {
        lines = lines == null ? List.of() : List.copyOf(lines);
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    public static LogReport of(LogAnalysis analysis) {
        Diagnosis d = analysis.diagnosis();
        return new LogReport(d.verdict(), d.kind(), d.title(), d.explanation(), d.fix(), d.patternId(),
                d.decisiveLine() == null ? 0 : d.decisiveLine().number(),
                d.decisiveLines().stream().map(l -> l.number() + ": " + l.text()).toList(), analysis.phases(),
                analysis.realErrorCount(),
                analysis.realWarningCount(), analysis.duration());
    }
}
