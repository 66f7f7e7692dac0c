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

    /** The first Error line that is not a summary of an earlier one. */
    private final Candidate cause = new Candidate();
    /** The first summary ("Dumping FAILED."), used when there is no cause. */
    private final Candidate summary = new Candidate();
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
        if (cause.line == null && !isSummary) {
            cause.take(line, kind);
            return;
        }
        if (cause.line == null && summary.line == null) {
            summary.take(line, kind);
            return;
        }
        if (errorMatch == null && cause.match == null && errorAttempts < CriuLogAnalyzer.MAX_MATCH_ATTEMPTS) {
            errorAttempts++;
            errorMatch = knowledgeBase.matchCause(line, kind).orElse(null);
        }
    }

    /** A Warn line not known to be harmless, or a plain line that may be a cause, of a log of {@code kind}. */
    void warning(LogLine line, LogKind kind) {
        if (warnMatch == null && cause.match == null && warnAttempts < CriuLogAnalyzer.MAX_MATCH_ATTEMPTS) {
            warnAttempts++;
            warnMatch = knowledgeBase.matchCause(line, kind).orElse(null);
        }
    }

    /** True while the lines after the cause or the summary are still wanted as their context. */
    boolean wantsNextLine() {
        return cause.after > 0 || summary.after > 0;
    }

    /** The line after the cause or the summary (while {@link #wantsNextLine()}). */
    void nextLine(LogLine after) {
        cause.next(after);
        summary.next(after);
    }

    /** True once a cause (not a summary) is found: the lines before it are known. */
    boolean hasCause() {
        return cause.line != null;
    }

    /** True when an Error line was found that can decide the run, a cause or a summary. */
    boolean found() {
        return cause.line != null || summary.line != null;
    }

    /** The cause, else the summary, else null. */
    LogLine line() {
        return cause.line != null ? cause.line : summary.line;
    }

    /** The decisive line with the lines around it; without one, the last lines read. */
    List<LogLine> context() {
        return cause.line != null ? cause.context : summary.line != null ? summary.context : ring.lines();
    }

    /** The pattern that explains the run: of the cause, the summary, other errors, then warnings. */
    PatternMatch match() {
        return Optional.ofNullable(cause.match)
                .or(() -> Optional.ofNullable(cause.line == null ? summary.match : null))
                .or(() -> Optional.ofNullable(errorMatch))
                .or(() -> Optional.ofNullable(summary.match))
                .or(() -> Optional.ofNullable(warnMatch))
                .orElse(null);
    }

    /** A line that may decide the run: itself, the lines around it, and the pattern that explains it. */
    private final class Candidate {
        private LogLine line;
        private List<LogLine> context;
        private int after;
        private PatternMatch match;

        void take(LogLine decisive, LogKind kind) {
            line = decisive;
            context = ring.lines();
            context.add(decisive);
            after = CriuLogAnalyzer.CONTEXT_AFTER;
            match = knowledgeBase.matchCause(decisive, kind).orElse(null);
        }

        /** The next line of the log, kept while lines after this one are wanted. */
        void next(LogLine next) {
            if (after > 0) {
                context.add(next);
                after--;
            }
        }
    }
}
