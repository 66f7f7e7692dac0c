package dev.dockercheckpoint.core.criulog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A log's diagnosis in plain values, for the wire and the GUI: verdict, cause, explanation, fix,
 * the decisive lines (numbered), the phase timeline, and the Error and Warn lines not known to be
 * harmless, so that a reader is shown them and not only their number.
 *
 * @param decisiveLine 1-based number of the line the verdict rests on, or 0
 * @param lines        the decisive line with its neighbours, as "number: text"
 * @param errorCount   Error lines not known to be harmless
 * @param warningCount Warn lines not known to be harmless
 * @param errors       the first (up to {@value #MAX_SHOWN}) of those Error lines
 * @param warnings     the first (up to {@value #MAX_SHOWN}) of those Warn lines, each with the
 *                     pattern that explains it when there is one
 */
public record LogReport(Verdict verdict, LogKind kind, String title, String explanation, String fix,
        String patternId, long decisiveLine, List<String> lines, List<PhaseTiming> phases, long errorCount,
        long warningCount, double durationSeconds, List<Notice> errors, List<Notice> warnings) {
    /** Most lines of each level a report lists; the counts tell how many more there are. */
    public static final int MAX_SHOWN = 20;
    /** Longest line text a notice carries, in characters. */
    public static final int MAX_TEXT = 400;

    public LogReport {
        lines = lines == null ? List.of() : List.copyOf(lines);
        phases = phases == null ? List.of() : List.copyOf(phases);
        errors = errors == null ? List.of() : List.copyOf(errors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * An Error or Warn line not known to be harmless.
     *
     * @param number    1-based line number
     * @param text      the line as written, cut to {@value LogReport#MAX_TEXT} characters
     * @param patternId the knowledge-base pattern that explains it, or null
     * @param title     that pattern's title, or null
     * @param fix       that pattern's fix, or null
     */
    public record Notice(long number, String text, String patternId, String title, String fix) {
        public Notice {
            Objects.requireNonNull(text, "text");
        }

        static Notice of(LogLine line, PatternMatch match) {
            String text = line.text();
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT) + "\u2026";
            }
            return match == null ? new Notice(line.number(), text, null, null, null)
                    : new Notice(line.number(), text, match.pattern().id(), match.pattern().title(), match.fix());
        }
    }

    /** Warn lines not known to be harmless that {@link #warnings()} leaves out. */
    public long warningsNotShown() {
        return Math.max(0, warningCount - warnings.size());
    }

    /** Error lines not known to be harmless that {@link #errors()} leaves out. */
    public long errorsNotShown() {
        return Math.max(0, errorCount - errors.size());
    }

    public static LogReport of(LogAnalysis analysis) {
        Diagnosis d = analysis.diagnosis();
        List<Notice> errors = new ArrayList<>();
        for (LogLine l : analysis.errors()) {
            if (errors.size() == MAX_SHOWN) {
                break;
            }
            errors.add(Notice.of(l, null));
        }
        List<Notice> warnings = new ArrayList<>();
        for (NotableLine w : analysis.warnings()) {
            if (warnings.size() == MAX_SHOWN) {
                break;
            }
            warnings.add(Notice.of(w.line(), w.match()));
        }
        return new LogReport(d.verdict(), d.kind(), d.title(), d.explanation(), d.fix(), d.patternId(),
                d.decisiveLine() == null ? 0 : d.decisiveLine().number(),
                d.decisiveLines().stream().map(l -> l.number() + ": " + l.text()).toList(), analysis.phases(),
                analysis.realErrorCount(), analysis.realWarningCount(), analysis.duration(), errors, warnings);
    }
}
