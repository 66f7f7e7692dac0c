package dev.dockercheckpoint.core.criulog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Error and Warn lines of one log, counted: all of them and the known harmless ones (with the
 * rules they matched), and the first {@value CriuLogAnalyzer#MAX_ERRORS} Error and
 * {@value CriuLogAnalyzer#MAX_WARNINGS} Warn lines of the others kept, each warning with the
 * pattern that explains it. One {@link LineClassifier} follows the log in order, so the lines must
 * come in the log's order.
 */
final class LineCounts {
    private final KnowledgeBase knowledgeBase;
    private final LineClassifier classifier = new LineClassifier();

    private long errors;
    private long warnings;
    private long harmlessErrors;
    private long harmlessWarnings;
    private final List<LogLine> realErrors = new ArrayList<>();
    private final List<NotableLine> realWarnings = new ArrayList<>();
    private final Set<String> harmlessSeen = new LinkedHashSet<>();

    LineCounts(KnowledgeBase knowledgeBase) {
        this.knowledgeBase = knowledgeBase;
    }

    /** Counts an Error line; true when it is not known to be harmless. */
    boolean error(LogLine line) {
        errors++;
        if (isHarmless(line)) {
            harmlessErrors++;
            return false;
        }
        if (realErrors.size() < CriuLogAnalyzer.MAX_ERRORS) {
            realErrors.add(line);
        }
        return true;
    }

    /** Counts a Warn line of a log of {@code kind}; true when it is not known to be harmless. */
    boolean warning(LogLine line, LogKind kind) {
        warnings++;
        if (isHarmless(line)) {
            harmlessWarnings++;
            return false;
        }
        if (realWarnings.size() < CriuLogAnalyzer.MAX_WARNINGS) {
            realWarnings.add(new NotableLine(line, knowledgeBase.match(line, kind).orElse(null)));
        }
        return true;
    }

    /** Classifies {@code line}; a known harmless one has its rule noted. */
    private boolean isHarmless(LogLine line) {
        LineClassifier.Classification c = classifier.classify(line);
        if (c.isHarmless()) {
            harmlessSeen.add(c.harmless().id());
        }
        return c.isHarmless();
    }

    long errors() {
        return errors;
    }

    long warnings() {
        return warnings;
    }

    long harmlessErrors() {
        return harmlessErrors;
    }

    long harmlessWarnings() {
        return harmlessWarnings;
    }

    List<LogLine> realErrors() {
        return realErrors;
    }

    List<NotableLine> realWarnings() {
        return realWarnings;
    }

    /** Ids of the harmless rules matched, in order of first appearance. */
    List<String> harmlessSeen() {
        return List.copyOf(harmlessSeen);
    }
}
