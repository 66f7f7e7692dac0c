package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.ui.logviewer.LogDocument.Filter;
import dev.dockercheckpoint.ui.logviewer.LogDocument.Level;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Finds the next line of a view that contains a text (ignoring case), wrapping around the end.
 * Reads the lines indexed so far in bulk pages on a background pool, skipping pages the view shows
 * nothing of.
 */
final class LogSearch {
    private final LineIndex index;
    private final BulkReader reader;
    private final Executor pool;
    private final BooleanSupplier closed;

    LogSearch(LineIndex index, BulkReader reader, Executor pool, BooleanSupplier closed) {
        this.index = index;
        this.reader = reader;
        this.pool = pool;
        this.closed = closed;
    }

    /** See {@link LogDocument#search(String, int, boolean, Filter)}. */
    CompletableFuture<OptionalInt> find(String query, int fromLine, boolean forward, Filter filter) {
        CompletableFuture<OptionalInt> result = new CompletableFuture<>();
        if (query == null || query.isEmpty()) {
            result.complete(OptionalInt.empty());
            return result;
        }
        try {
            pool.execute(() -> {
                try {
                    result.complete(searchNow(new Needle(query), fromLine, forward, filter, result));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new CancellationException("closed"));
        }
        return result;
    }

    private OptionalInt searchNow(Needle needle, int from, boolean forward, Filter filter, Future<?> stop) {
        int n = index.lineCount();
        if (n == 0) {
            return OptionalInt.empty();
        }
        boolean fresh = from < 0 || from >= n;
        int found;
        if (forward) {
            int start = fresh ? 0 : from + 1;
            found = scan(needle, start, n, true, filter, stop);
            if (found < 0) {
                found = scan(needle, 0, start, true, filter, stop);
            }
        } else {
            int start = fresh ? n - 1 : from - 1;
            found = scan(needle, 0, start + 1, false, filter, stop);
            if (found < 0) {
                found = scan(needle, start + 1, n, false, filter, stop);
            }
        }
        return found < 0 ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /** First (or last) matching line in [from, to), or -1. */
    private int scan(Needle needle, int from, int to, boolean forward, Filter filter, Future<?> stop) {
        int i = forward ? from : to;
        while (forward ? i < to : i > from) {
            if (stop.isDone() || closed.getAsBoolean()) {
                throw new CancellationException("search cancelled");
            }
            int lo = forward ? i : Math.max(from, i - BulkReader.PAGE_LINES);
            int hi = forward ? Math.min(to, i + BulkReader.PAGE_LINES) : i;
            if (index.anyInView(filter, lo, hi)) {
                List<String> lines = reader.read(lo, hi - lo);
                int got = Math.min(lines.size(), hi - lo);
                Level[] levels = index.levels(lo, lo + got);
                for (int k = 0; k < got; k++) {
                    int idx = forward ? k : got - 1 - k;
                    if (filter.accepts(levels[idx]) && needle.in(lines.get(idx))) {
                        return lo + idx;
                    }
                }
                if (got == 0) {
                    return -1;
                }
                if (forward) {
                    hi = lo + got;
                }
            }
            i = forward ? hi : lo;
        }
        return -1;
    }

    /** Case-insensitive substring test. */
    static final class Needle {
        private final String query;
        private final char lower;
        private final char upper;

        Needle(String query) {
            this.query = query;
            this.lower = Character.toLowerCase(query.charAt(0));
            this.upper = Character.toUpperCase(query.charAt(0));
        }

        boolean in(String s) {
            int n = query.length();
            for (int i = 0, max = s.length() - n; i <= max; i++) {
                char c = s.charAt(i);
                if ((c == lower || c == upper || Character.toLowerCase(c) == lower)
                        && s.regionMatches(true, i, query, 0, n)) {
                    return true;
                }
            }
            return false;
        }
    }
}
