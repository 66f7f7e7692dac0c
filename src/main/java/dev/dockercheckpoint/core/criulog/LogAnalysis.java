package dev.dockercheckpoint.core.criulog;

import java.util.List;
import java.util.Locale;

/**
 * Everything {@link CriuLogAnalyzer} learnt from one log.
 *
 * @param kind                 dump, pre-dump or restore, from the log's content
 * @param verdict              success, failure or incomplete
 * @param lineCount            lines in the log
 * @param criuLineCount        lines with CRIU's timestamp prefix or an Error/Warn prefix, plus runc logrus
 *                             lines
 * @param errorCount           Error lines (including harmless ones)
 * @param warningCount         Warn lines (including harmless ones)
 * @param harmlessErrorCount   Error lines known to be harmless
 * @param harmlessWarningCount Warn lines known to be harmless
 * @param verdictLine          CRIU's success or failure line, or null
 * @param decisiveLine         the first real Error line (not harmless, and a cause rather than a
 *                             summary when there is one), or null
 * @param decisiveContext      the decisive line with up to {@value CriuLogAnalyzer#CONTEXT_BEFORE}
 *                             lines before and {@value CriuLogAnalyzer#CONTEXT_AFTER} after; the last
 *                             lines of the log when there is no decisive line
 * @param errors               the first (up to {@value CriuLogAnalyzer#MAX_ERRORS}) Error lines that are
 *                             not harmless
 * @param warnings             the first (up to {@value CriuLogAnalyzer#MAX_WARNINGS}) Warn lines that are
 *                             not harmless, each with the pattern that explains it (or none)
 * @param harmlessSeen         ids of the {@link KnownNoise} rules the harmless lines matched, in order of
 *                             first appearance
 * @param match                the knowledge-base pattern explaining the failure, or null
 * @param phases               the timeline, ordered by start
 * @param startTime            first timestamp (seconds), NaN without timestamps
 * @param endTime              last timestamp (seconds), NaN without timestamps
 */
public record LogAnalysis(LogKind kind, Verdict verdict, long lineCount, long criuLineCount, long errorCount,
        long warningCount, long harmlessErrorCount, long harmlessWarningCount, LogLine verdictLine,
        LogLine decisiveLine, List<LogLine> decisiveContext, List<LogLine> errors, List<NotableLine> warnings,
        List<String> harmlessSeen, PatternMatch match, List<PhaseTiming> phases, double startTime, double endTime) {
    public LogAnalysis {
        decisiveContext = List.copyOf(decisiveContext);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        harmlessSeen = List.copyOf(harmlessSeen);
        phases = List.copyOf(phases);
    }

    /** False when nothing in the input looks like a CRIU (or runc) log. */
    public boolean isCriuLog() {
        return criuLineCount > 0;
    }

    /** Error lines not known to be harmless. */
    public long realErrorCount() {
        return errorCount - harmlessErrorCount;
    }

    /** Warn lines not known to be harmless. */
    public long realWarningCount() {
        return warningCount - harmlessWarningCount;
    }

    /**
     * True when {@code line}, a line of this log, is an Error or Warn line known to be harmless, as
     * {@link LineClassifier} judged it while the log was read.
     */
    public boolean isHarmless(LogLine line) {
        boolean afterRestoreFailure = verdict == Verdict.FAILURE && kind == LogKind.RESTORE && verdictLine != null
                && line.number() > verdictLine.number();
        return LineClassifier.harmless(line, afterRestoreFailure) != null;
    }

    /** Seconds from the first to the last timestamp, NaN without timestamps. */
    public double duration() {
        return endTime - startTime;
    }

    /** The verdict explained: the known cause and its fix, or a general explanation. */
    public Diagnosis diagnosis() {
        String what = kind.title();
        switch (verdict) {
            case SUCCESS -> {
                String title = kind == LogKind.UNKNOWN ? "CRIU finished successfully"
                        : capitalize(what) + " finished successfully";
                long realErrors = realErrorCount();
                long realWarnings = realWarningCount();
                String took = Double.isNaN(duration()) ? "" : String.format(Locale.ROOT, " in %.3f s", duration());
                String explanation = "CRIU completed the " + what + took + "."
                        + (realErrors + realWarnings == 0
                                ? (errorCount + warningCount == 0 ? "" : " The " + count(errorCount, "error")
                                        + " and " + count(warningCount, "warning")
                                        + " in the log are known to be harmless.")
                                : " The log still has " + count(realErrors, "error") + " and "
                                        + count(realWarnings, "warning") + " not known to be harmless.");
                return new Diagnosis(verdict, kind, title, explanation, "", null, null, null, verdictLine,
                        verdictLine == null ? List.of() : List.of(verdictLine));
            }
            case FAILURE -> {
                String title;
                if (match != null) {
                    DiagnosisPattern p = match.pattern();
                    return new Diagnosis(verdict, kind, p.title(), match.explanation(), match.fix(), p.fixKind(),
                            p.id(), p.option(), decisiveLine != null ? decisiveLine : match.line(),
                            decisiveLine != null ? decisiveContext : List.of(match.line()));
                }
                title = kind == LogKind.UNKNOWN ? "CRIU failed" : capitalize(what) + " failed";
                LogLine at = decisiveLine;
                String explanation = at == null
                        ? "CRIU reported the failure without an error line before it."
                        : "CRIU stopped at line " + at.number() + ": \"" + at.message() + "\". This is not"
                                + " one of the known causes; the lines before it usually name what CRIU was"
                                + " handling (a file, socket, mount or process).";
                String fix = "Read the lines above the error; \"criu check --all\" shows missing kernel"
                        + " features. Report the log if the cause stays unclear.";
                return new Diagnosis(verdict, kind, title + ": unknown cause", explanation, fix, FixKind.UNKNOWN,
                        null, null, at, decisiveContext);
            }
            default -> {
                String explanation = "The log ends without CRIU's success or failure line and without an"
                        + " error: CRIU was killed (timeout, out of memory), is still running, or the log was"
                        + " cut off.";
                String fix = "Check whether CRIU is still running, and read the output of the caller (runc,"
                        + " docker) for why it stopped.";
                return new Diagnosis(verdict, kind, "The " + what + " log ends without a result", explanation,
                        fix, FixKind.UNKNOWN, null, null, null, decisiveContext);
            }
        }
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
