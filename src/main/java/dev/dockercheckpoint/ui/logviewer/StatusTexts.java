package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.Plural;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/** The viewer's words for a document's state: its status line and what the empty list says. */
final class StatusTexts {
    private StatusTexts() {
    }

    /**
     * "N lines, indexing 42%" while indexing, "N lines, 3 errors, 12 warnings" when done, with the
     * known harmless ones named: "3 errors (1 known harmless)".
     */
    static String status(LogDocument doc) {
        String lines = count(doc.lineCount(), "line");
        if (doc.failure() != null) {
            return lines + ", read failed: " + message(doc.failure());
        }
        if (!doc.isDone()) {
            if (doc.isClosed()) {
                return lines + ", closed";
            }
            return lines + ", indexing " + (int) Math.floor(doc.progress() * 100) + "%";
        }
        return lines + ", " + count(doc.errorCount(), "error") + harmless(doc.harmlessErrorCount()) + ", "
                + count(doc.warningCount(), "warning") + harmless(doc.harmlessWarningCount());
    }

    /** What the list shows when it lists no line of {@code doc} (null: no document) in {@code filter}. */
    static String placeholder(LogDocument doc, LogDocument.Filter filter) {
        if (doc == null) {
            return "No log";
        }
        if (doc.failure() != null && doc.lineCount() == 0) {
            return "Cannot read " + doc.name() + ": " + message(doc.failure());
        } else if (!doc.isDone()) {
            return "Reading " + doc.name() + "\u2026";
        } else if (doc.lineCount() == 0) {
            return doc.name() + " is empty";
        }
        return "No " + (filter == LogDocument.Filter.ERRORS ? "errors" : "warnings or errors");
    }

    private static String harmless(int n) {
        return n == 0 ? "" : String.format(Locale.ROOT, " (%,d known harmless)", n);
    }

    /** "1 line", "2,000 lines". */
    static String count(int n, String noun) {
        return Plural.count(n, noun);
    }

    /** The message of {@code t}, or of its cause when it only wraps one. */
    static String message(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
