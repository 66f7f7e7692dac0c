package dev.dockercheckpoint.ui.logviewer;

import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import javafx.application.Platform;

/**
 * The viewer's search for its search text: one at a time (a new one cancels the last), from the
 * selected line, its outcome in the control's search status and the match selected. FX thread only.
 */
final class ViewerSearch {
    private final LogViewer control;
    private final IntConsumer selectLine;
    private CompletableFuture<OptionalInt> pending;

    ViewerSearch(LogViewer control, IntConsumer selectLine) {
        this.control = control;
        this.selectLine = selectLine;
    }

    /** Searches {@code doc}'s lines in {@code filter} forward or backward from the selected line. */
    void find(LogDocument doc, LogDocument.Filter filter, boolean forward) {
        String query = control.getSearchText();
        cancel();
        if (doc == null || query == null || query.isEmpty()) {
            control.setSearchStatus("");
            return;
        }
        control.setSearchStatus("Searching\u2026");
        CompletableFuture<OptionalInt> search = doc.search(query, control.getSelectedLine(), forward, filter);
        pending = search;
        search.whenComplete((found, ex) -> Platform.runLater(() -> {
            if (pending != search) {
                return; // superseded or cancelled
            }
            pending = null;
            if (ex != null) {
                control.setSearchStatus(ex instanceof CancellationException ? ""
                        : "Search failed: " + StatusTexts.message(ex));
            } else if (found.isEmpty()) {
                control.setSearchStatus("Not found");
            } else {
                control.setSearchStatus("Line " + (found.getAsInt() + 1));
                selectLine.accept(found.getAsInt());
            }
        }));
    }

    /** Cancels the search in progress, if any. */
    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
