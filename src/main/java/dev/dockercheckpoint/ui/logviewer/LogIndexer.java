package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.criulog.LineClassifier;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Indexing in the background: one daemon thread reads the log from its start, page by page,
 * measures where every line starts, classifies it and appends it to the {@link LineIndex}; the
 * first page's text goes to the {@link PageCache} as well. Tells listeners (on that thread) after
 * every page and when indexing ends, fails or is closed. Stops after the page being read once
 * {@code closed} turns true: a read in progress is never interrupted.
 */
final class LogIndexer {
    private final LogSource source;
    private final String name;
    private final int pageLines;
    private final LineIndex index;
    private final PageCache pages;
    private final BooleanSupplier closed;
    /** Follows the log in order, as for the CLI's and the helper's diagnosis. */
    private final LineClassifier classifier = new LineClassifier();

    private volatile boolean done;
    private volatile Throwable failure;
    private final CompletableFuture<Void> firstPage = new CompletableFuture<>();
    private final CompletableFuture<Void> indexed = new CompletableFuture<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Thread thread; // guarded by this

    LogIndexer(LogSource source, String name, int pageLines, LineIndex index, PageCache pages,
            BooleanSupplier closed) {
        this.source = source;
        this.name = name;
        this.pageLines = pageLines;
        this.index = index;
        this.pages = pages;
        this.closed = closed;
    }

    /** Starts the indexing thread unless it was started or the document is closed. */
    synchronized void start() {
        if (thread == null && !closed.getAsBoolean()) {
            thread = new Thread(this::run, "log-index-" + name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    synchronized boolean isIndexing() {
        return thread != null && thread.isAlive();
    }

    boolean isDone() {
        return done;
    }

    Throwable failure() {
        return failure;
    }

    CompletableFuture<Void> whenFirstPage() {
        return firstPage.copy();
    }

    CompletableFuture<Void> whenIndexed() {
        return indexed.copy();
    }

    void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** The document was closed: what was not complete fails with a {@link CancellationException}. */
    void closed() {
        CancellationException c = new CancellationException("closed");
        firstPage.completeExceptionally(c);
        if (!done) {
            indexed.completeExceptionally(c);
        }
        notifyListeners();
    }

    private void notifyListeners() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                // a broken listener must not stop indexing
            }
        }
    }

    private void run() {
        long offset = 0;
        try {
            while (!closed.getAsBoolean()) {
                LogPage page = source.read(offset, pageLines);
                if (closed.getAsBoolean()) {
                    break;
                }
                List<String> lines = page.lines();
                long[] starts = lineStarts(page);
                byte[] codes = classify(lines);
                if (index.lineCount() == 0 && !lines.isEmpty()) {
                    pages.putFirst(lines);
                }
                index.append(page, starts, codes);
                firstPage.complete(null);
                notifyListeners();
                if (page.eof() || lines.isEmpty() || page.nextOffset() <= offset) {
                    done = true;
                    indexed.complete(null);
                    notifyListeners();
                    return;
                }
                offset = page.nextOffset();
            }
        } catch (Throwable t) {
            if (!closed.getAsBoolean()) {
                failure = t;
                firstPage.completeExceptionally(t);
                indexed.completeExceptionally(t);
                notifyListeners();
            }
        }
    }

    private byte[] classify(List<String> lines) {
        byte[] codes = new byte[lines.size()];
        for (int k = 0; k < codes.length; k++) {
            codes[k] = LineIndex.code(classifier.classify(lines.get(k)));
        }
        return codes;
    }

    /**
     * Byte offset of every line of the page. Lines are decoded text, so their byte length is their
     * UTF-8 length, except where the source replaced invalid bytes: then each line holding a
     * replacement character is measured by asking the source for that one line.
     */
    private long[] lineStarts(LogPage page) throws Exception {
        List<String> lines = page.lines();
        long[] starts = new long[lines.size()];
        long pos = page.offset();
        for (int k = 0; k < starts.length; k++) {
            starts[k] = pos;
            pos += utf8Length(lines.get(k)) + 1;
        }
        long end = page.nextOffset();
        if (starts.length == 0 || pos == end || (page.eof() && pos - 1 == end)) {
            return starts;
        }
        pos = page.offset();
        for (int k = 0; k < starts.length; k++) {
            starts[k] = pos;
            String line = lines.get(k);
            if (line.indexOf('\uFFFD') >= 0) {
                pos = source.read(pos, 1).nextOffset();
            } else {
                pos += utf8Length(line) + 1;
            }
        }
        return starts;
    }

    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 2; // a pair is 4 bytes
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
