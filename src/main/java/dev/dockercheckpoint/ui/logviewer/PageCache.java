package dev.dockercheckpoint.ui.logviewer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * The text of the lines shown: pages of {@code pageLines} lines fetched from the source on a small
 * pool and kept in an LRU cache of at most {@code maxLines} line texts. Asks for a page that is
 * being fetched share that fetch. Thread-safe.
 */
final class PageCache {
    private final LogSource source;
    private final LineIndex index;
    private final int pageLines;
    private final int maxLines;
    private final Executor pool;
    private final BooleanSupplier closed;

    private final Object lock = new Object();
    // guarded by lock
    private final LinkedHashMap<Integer, Block> cache = new LinkedHashMap<>(32, 0.75f, true);
    private int cachedLines;
    private final Map<Integer, CompletableFuture<Block>> pending = new HashMap<>();

    /** {@code closed} turns true once, before {@link #close()}: from then on nothing is fetched or kept. */
    PageCache(LogSource source, LineIndex index, int pageLines, int maxLines, Executor pool, BooleanSupplier closed) {
        this.source = source;
        this.index = index;
        this.pageLines = pageLines;
        this.maxLines = maxLines;
        this.pool = pool;
        this.closed = closed;
    }

    /** Keeps the log's first lines, read by the indexer, so that the first screen needs no second read. */
    void putFirst(List<String> lines) {
        synchronized (lock) {
            if (!closed.getAsBoolean()) {
                put(new Block(0, lines.size() <= maxLines ? lines : List.copyOf(lines.subList(0, maxLines))));
            }
        }
    }

    /** Text of {@code line} when its page is cached, else null. */
    String cachedText(int line) {
        synchronized (lock) {
            Block b = cachedBlock(line);
            return b == null ? null : b.line(line);
        }
    }

    private Block cachedBlock(int line) {
        Integer key = null;
        for (Block b : cache.values()) {
            if (b.covers(line)) {
                key = b.start;
                break;
            }
        }
        return key == null ? null : cache.get(key); // get() marks it recently used
    }

    /** Text of an indexed {@code line}, from the cache or fetched in the background. */
    CompletableFuture<String> text(int line) {
        String cached = cachedText(line);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        int start = line - line % pageLines;
        return fetch(start)
                .thenCompose(b -> b.covers(line) ? CompletableFuture.completedFuture(b) : fetch(line))
                .thenApply(b -> b.line(line));
    }

    private CompletableFuture<Block> fetch(int start) {
        synchronized (lock) {
            Block cached = cache.get(start);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            CompletableFuture<Block> f = pending.get(start);
            if (f != null) {
                return f;
            }
            if (closed.getAsBoolean()) {
                return CompletableFuture.failedFuture(new CancellationException("closed"));
            }
            long offset = index.lineOffset(start);
            CompletableFuture<Block> future = new CompletableFuture<>();
            pending.put(start, future);
            try {
                pool.execute(() -> load(start, offset, future));
            } catch (RejectedExecutionException e) {
                pending.remove(start);
                future.completeExceptionally(new CancellationException("closed"));
            }
            return future;
        }
    }

    private void load(int start, long offset, CompletableFuture<Block> future) {
        try {
            if (closed.getAsBoolean()) {
                throw new CancellationException("closed");
            }
            Block b = new Block(start, source.read(offset, pageLines).lines());
            synchronized (lock) {
                pending.remove(start);
                if (!b.lines.isEmpty() && !closed.getAsBoolean()) {
                    put(b);
                }
            }
            future.complete(b);
        } catch (Throwable t) {
            synchronized (lock) {
                pending.remove(start);
            }
            future.completeExceptionally(t);
        }
    }

    private void put(Block b) {
        Block old = cache.put(b.start, b);
        if (old != null) {
            cachedLines -= old.lines.size();
        }
        cachedLines += b.lines.size();
        Iterator<Block> eldest = cache.values().iterator();
        while (cachedLines > maxLines && eldest.hasNext()) {
            Block e = eldest.next();
            if (e == b) {
                continue;
            }
            eldest.remove();
            cachedLines -= e.lines.size();
        }
    }

    int cachedLineCount() {
        synchronized (lock) {
            return cachedLines;
        }
    }

    int maxLines() {
        return maxLines;
    }

    /** Drops the cache and fails the fetches in progress. */
    void close() {
        List<CompletableFuture<Block>> cancelled;
        synchronized (lock) {
            cancelled = new ArrayList<>(pending.values());
            pending.clear();
            cache.clear();
            cachedLines = 0;
        }
        CancellationException c = new CancellationException("closed");
        cancelled.forEach(f -> f.completeExceptionally(c));
    }

    /** Consecutive lines from {@code start}, as read from the source. */
    private record Block(int start, List<String> lines) {
        boolean covers(int line) {
            return line >= start && line < start + lines.size();
        }

        String line(int line) {
            if (!covers(line)) {
                throw new LogReadException("line " + (line + 1) + " is not available", null);
            }
            return lines.get(line - start);
        }
    }
}
