package dev.dockercheckpoint.core.criulog;

import java.util.List;
import java.util.Optional;

/**
 * Picks, as a log is read, the line that decided a failure, the lines around it and the
 * knowledge-base pattern that explains it (the rules are in {@link CriuLogAnalyzer}'s comment).
 * Told of the Error and Warn lines not known to be harmless, in the log's order, and of every line
 * while {@link #wantsNextLine()}.
 */
final class DecisiveError {
    private final KnowledgeBase knowledgeBase;
    private final ContextRing ring;

    private LogLine cause;
    private List<LogLine> causeContext;
    private int causeAfter;
    private PatternMatch causeMatch;
    private LogLine summary;
    private List<LogLine> summaryContext;
    private int summaryAfter;
    private PatternMatch summaryMatch;
    private PatternMatch errorMatch;
    private PatternMatch warnMatch;
    private int errorAttempts;
    private int warnAttempts;

    /** {@code ring} holds the lines before the one being read, for the context before a decisive line. */
    DecisiveError(KnowledgeBase knowledgeBase, ContextRing ring) {
        this.knowledgeBase = knowledgeBase;
        this.ring = ring;
    }

    /** An Error line, not known to be harmless, of a log of {@code kind}. */
    void error(LogLine line, LogKind kind) {
        boolean isSummary = KnownNoise.isConsequence(line.message());
        if (cause == null && !isSummary) {
            cause = line;
            causeContext = ring.lines();
            causeContext.add(line);
            causeAfter = CriuLogAnalyzer.CONTEXT_AFTER;
            causeMatch = knowledgeBase.matchCause(line, kind).orElse(null);
            return;
        }
        if (cause == null && summary == null) {
            summary = line;
            summaryContext = ring.lines();
            summaryContext.add(line);
            summaryAfter = CriuLogAnalyzer.CONTEXT_AFTER;
            summaryMatch = knowledgeBase.matchCause(line, kind).orElse(null);
            return;
        }
        if (errorMatch == null && causeMatch == null && errorAttempts < CriuLogAnalyzer.MAX_MATCH_ATTEMPTS) {
            errorAttempts++;
            errorMatch = knowledgeBase.matchCause(line, kind).orElse(null);
        }
    }

    /** A Warn line not known to be harmless, or a plain line that may be a cause, of a log of {@code kind}. */
    void warning(LogLine line, LogKind kind) {
        if (warnMatch == null && causeMatch == null && warnAttempts < CriuLogAnalyzer.MAX_MATCH_ATTEMPTS) {
            warnAttempts++;
            warnMatch = knowledgeBase.matchCause(line, kind).orElse(null);
        }
    }

    /** True while the lines after the cause or the summary are still wanted as their context. */
    boolean wantsNextLine() {
        return causeAfter > 0 || summaryAfter > 0;
    }

    /** The line after the cause or the summary (while {@link #wantsNextLine()}). */
    void nextLine(LogLine after) {
        if (causeAfter > 0) {
            causeContext.add(after);
            causeAfter--;
        }
        if (summaryAfter > 0) {
            summaryContext.add(after);
            summaryAfter--;
        }
    }

    /** True once a cause (not a summary) is found: the lines before it are known. */
    boolean hasCause() {
        return cause != null;
    }

    /** True when an Error line was found that can decide the run, a cause or a summary. */
    boolean found() {
        return cause != null || summary != null;
    }

    /** The cause, else the summary, else null. */
    LogLine line() {
        return cause != null ? cause : summary;
    }

    /** The decisive line with the lines around it; without one, the last lines read. */
    List<LogLine> context() {
        return cause != null ? causeContext : summary != null ? summaryContext : ring.lines();
    }

    /** The pattern that explains the run: of the cause, the summary, other errors, then warnings. */
    PatternMatch match() {
        return Optional.ofNullable(causeMatch)
                .or(() -> Optional.ofNullable(cause == null ? summaryMatch : null))
                .or(() -> Optional.ofNullable(errorMatch))
                .or(() -> Optional.ofNullable(summaryMatch))
                .or(() -> Optional.ofNullable(warnMatch))
                .orElse(null);
    }
}
