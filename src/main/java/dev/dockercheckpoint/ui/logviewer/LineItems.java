package dev.dockercheckpoint.ui.logviewer;

import java.util.Objects;
import javafx.collections.ObservableListBase;

/**
 * The items of the viewer's ListView: view index to log line, computed on demand from the
 * document, so millions of lines cost nothing until shown. Grows (with an add change) when
 * {@link #sync()} finds more lines; used on the FX thread only.
 */
final class LineItems extends ObservableListBase<Integer> {
    private final LogDocument doc;
    private final LogDocument.Filter filter;
    private int size;

    LineItems(LogDocument doc, LogDocument.Filter filter) {
        this.doc = doc;
        this.filter = Objects.requireNonNull(filter);
        this.size = doc == null ? 0 : doc.count(filter);
    }

    LogDocument.Filter filter() {
        return filter;
    }

    /** Takes in the lines indexed since the last call. */
    void sync() {
        int n = doc == null ? 0 : doc.count(filter);
        if (n > size) {
            int old = size;
            size = n;
            beginChange();
            nextAdd(old, n);
            endChange();
        }
    }

    @Override
    public Integer get(int index) {
        Objects.checkIndex(index, size);
        return filter == LogDocument.Filter.ALL ? index : doc.line(filter, index);
    }

    @Override
    public int size() {
        return size;
    }

    /** View index of log line {@code line}, or -1 when this view does not list it (yet). */
    int viewIndexOf(int line) {
        if (doc == null) {
            return -1;
        }
        int i = doc.viewIndexOf(filter, line);
        return i < size ? i : -1;
    }

    @Override
    public int indexOf(Object o) {
        return o instanceof Integer line ? viewIndexOf(line) : -1;
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }
}
