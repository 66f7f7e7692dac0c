package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.criulog.LineClassifier;
import dev.dockercheckpoint.core.criulog.LogLevel;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A large log read through a {@link LogSource}: indexed in the background, its text fetched on
 * demand.
 *
 * <p>Per line only the byte offset where it starts and its level are kept (9 bytes a line), so a
 * 200 MB CRIU log of 2 million lines costs about 20 MB. The level, and whether an Error or Warn line
 * is known to be harmless, come from {@link LineClassifier}, as for the CLI's and the helper's
 * diagnosis, so the counts shown here are theirs. Line text is read by page from the source
 * when asked for and kept in a small LRU cache of pages ({@link #maxCachedLines()} lines at most).
 * Indexing runs on its own daemon thread, page fetches and searches on small daemon pools; nothing
 * here blocks unless its name says so ({@link #text(int)}, {@link #texts(int[])}).
 *
 * <p>The parts: {@link LineIndex} (offsets, levels, filtered views), {@link LogIndexer} (the indexing
 * thread), {@link PageCache} (display pages), {@link BulkReader} (search and copy reads) and
 * {@link LogSearch}; this class ties them together and owns their thread pools.
 *
 * <p>All methods are thread-safe. Listeners ({@link #addListener}) are told on the indexing thread
 * after every indexed page and when indexing ends, fails or is closed; a UI hops to its own thread.
 */
public final class LogDocument implements AutoCloseable {
    /** Level of a CRIU log line. */
    public enum Level {
        OTHER, WARN, ERROR;

        /** The viewer's name for a level of {@link LineClassifier}. */
        public static Level of(LogLevel level) {
            return switch (level) {
                case ERROR -> ERROR;
                case WARN -> WARN;
                case INFO -> OTHER;
            };
        }
    }

    /** The line views a reader can pick. */
    public enum Filter {
        ALL("All"), WARNINGS_AND_ERRORS("Warnings + errors"), ERRORS("Errors");

        private final String label;

        Filter(String label) {
            this.label = label;
        }

        /** Human-readable name for choice boxes. */
        public String label() {
            return label;
        }

        public boolean accepts(Level level) {
            return switch (this) {
                case ALL -> true;
                case WARNINGS_AND_ERRORS -> level != Level.OTHER;
                case ERRORS -> level == Level.ERROR;
            };
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Lines per indexing page. */
    public static final int DEFAULT_INDEX_PAGE_LINES = 5000;
    /** Lines per page fetched for display and kept in the cache. */
    public static final int DEFAULT_TEXT_PAGE_LINES = 1000;
    /** Upper bound of line texts held in the cache. */
    public static final int DEFAULT_MAX_CACHED_LINES = 20_000;

    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final String name;
    private final LineIndex index = new LineIndex();
    private final PageCache pages;
    private final BulkReader bulk;
    private final LogSearch search;
    private final LogIndexer indexer;
    private final ThreadPoolExecutor fetchPool;
    private final ThreadPoolExecutor bulkPool;

    private final AtomicBoolean closed = new AtomicBoolean();

    /** A document with the default page sizes; call {@link #start()} (or use {@link #open}). */
    public LogDocument(LogSource source, String name) {
        this(source, name, DEFAULT_INDEX_PAGE_LINES, DEFAULT_TEXT_PAGE_LINES, DEFAULT_MAX_CACHED_LINES);
    }

    /**
     * A document with the given page sizes; call {@link #start()} to begin indexing.
     *
     * @param indexPageLines lines asked for per indexing page
     * @param textPageLines lines asked for per display page (the unit of the cache)
     * @param maxCachedLines most line texts the cache holds
     */
    public LogDocument(LogSource source, String name, int indexPageLines, int textPageLines, int maxCachedLines) {
        Objects.requireNonNull(source, "source");
        this.name = Objects.requireNonNull(name, "name");
        if (indexPageLines < 1 || textPageLines < 1 || maxCachedLines < textPageLines) {
            throw new IllegalArgumentException("page sizes must be positive and the cache hold at least one page");
        }
        int serial = SERIAL.incrementAndGet();
        this.fetchPool = pool("log-fetch-" + serial, 2);
        this.bulkPool = pool("log-search-" + serial, 1);
        this.pages = new PageCache(source, index, textPageLines, maxCachedLines, fetchPool, closed::get);
        this.bulk = new BulkReader(source, name, index, pages, closed::get);
        this.search = new LogSearch(index, bulk, bulkPool, closed::get);
        this.indexer = new LogIndexer(source, name, indexPageLines, index, pages, closed::get);
    }

    /** A document that starts indexing {@code source} at once. */
    public static LogDocument open(LogSource source, String name) {
        LogDocument doc = new LogDocument(source, name);
        doc.start();
        return doc;
    }

    /** Starts indexing in the background; calling it again does nothing. */
    public LogDocument start() {
        indexer.start();
        return this;
    }

    public String name() {
        return name;
    }

    /**
     * Level of a CRIU log line, as {@link LineClassifier} decides it: {@code (00.169113) Error (...)},
     * {@code (00.003207) Warn  (...)}, also with a pid ({@code (00.1)     123: Error}), from the
     * restorer ({@code pie: 1: Error}) or from runc ({@code time="..." level=error}).
     */
    public static Level levelOf(String line) {
        return Level.of(LineClassifier.level(line));
    }

    // ---------------------------------------------------------------- state

    /** Lines indexed so far. */
    public int lineCount() {
        return index.lineCount();
    }

    /** Bytes of the log indexed so far. */
    public long bytesIndexed() {
        return index.bytesIndexed();
    }

    /** Size of the log as last reported by the source; -1 before the first page. */
    public long size() {
        return index.size();
    }

    /** Indexing progress from 0 to 1 (bytes indexed / size); 1 when done. */
    public double progress() {
        return indexer.isDone() ? 1.0 : index.progress();
    }

    /** True when the whole log is indexed. */
    public boolean isDone() {
        return indexer.isDone();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Why indexing stopped early, or null. */
    public Throwable failure() {
        return indexer.failure();
    }

    /** Completes when the first page is indexed (and its text cached). */
    public CompletableFuture<Void> whenFirstPage() {
        return indexer.whenFirstPage();
    }

    /** Completes when indexing is done; exceptionally when it fails or the document is closed. */
    public CompletableFuture<Void> whenIndexed() {
        return indexer.whenIndexed();
    }

    /** Index of the first Error line, or -1 (so far). */
    public int firstErrorLine() {
        return index.firstErrorLine();
    }

    /** Index of the first Error line not known to be harmless, or -1 (so far). */
    public int firstRealErrorLine() {
        return index.firstRealErrorLine();
    }

    /** Error lines found so far, the known harmless ones included. */
    public int errorCount() {
        return index.errorCount();
    }

    /** Warn lines found so far, the known harmless ones included. */
    public int warningCount() {
        return index.warningCount();
    }

    /** Error lines found so far that are known to be harmless. */
    public int harmlessErrorCount() {
        return index.harmlessErrorCount();
    }

    /** Warn lines found so far that are known to be harmless. */
    public int harmlessWarningCount() {
        return index.harmlessWarningCount();
    }

    /** Indices of the Error lines found so far, ascending. */
    public int[] errorLines() {
        return index.errorLines();
    }

    /** Indices of the Warn lines found so far, ascending. */
    public int[] warningLines() {
        return index.warningLines();
    }

    public Level level(int line) {
        return index.level(line);
    }

    /** True when {@code line} is an Error or Warn line known to be harmless. */
    public boolean isHarmless(int line) {
        return index.isHarmless(line);
    }

    /** Byte offset at which {@code line} starts in the log. */
    public long lineOffset(int line) {
        return index.lineOffset(line);
    }

    // ---------------------------------------------------------------- filtered views

    /** Number of lines in the view. */
    public int count(Filter filter) {
        return index.count(filter);
    }

    /** The log line shown at {@code viewIndex} of the view. */
    public int line(Filter filter, int viewIndex) {
        return index.line(filter, viewIndex);
    }

    /** Where {@code line} is shown in the view, or -1 when the view does not show it. */
    public int viewIndexOf(Filter filter, int line) {
        return index.viewIndexOf(filter, line);
    }

    /** The view index of {@code line} or of the first line after it the view shows (clamped to the view). */
    public int nearestViewIndex(Filter filter, int line) {
        return index.nearestViewIndex(filter, line);
    }

    // ---------------------------------------------------------------- text

    /** Text of {@code line} when its page is cached, else null (see {@link #textAsync}). */
    public String cachedText(int line) {
        return pages.cachedText(line);
    }

    /** Text of {@code line}, from the cache or fetched in the background. */
    public CompletableFuture<String> textAsync(int line) {
        index.checkLine(line);
        return pages.text(line);
    }

    /** Text of {@code line}; blocks while its page is fetched, so never call it on the FX thread. */
    public String text(int line) {
        try {
            return textAsync(line).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogReadException("interrupted reading line " + (line + 1), e);
        } catch (ExecutionException e) {
            throw new LogReadException("cannot read line " + (line + 1) + " of " + name + ": " + e.getCause(),
                    e.getCause());
        }
    }

    /**
     * Texts of the given lines (ascending), read in bulk pages that bypass the cache; blocks, so
     * never call it on the FX thread.
     */
    public List<String> texts(int[] lines) {
        return bulk.texts(lines);
    }

    /** {@link #texts(int[])} on the background pool. */
    public CompletableFuture<List<String>> textsAsync(int[] lines) {
        int[] copy = lines.clone();
        return CompletableFuture.supplyAsync(() -> bulk.texts(copy), bulkPool);
    }

    /** Line texts held in the cache now; never more than {@link #maxCachedLines()}. */
    public int cachedLineCount() {
        return pages.cachedLineCount();
    }

    public int maxCachedLines() {
        return pages.maxLines();
    }

    // ---------------------------------------------------------------- search

    /** {@link #search(String, int, boolean, Filter)} over all lines. */
    public CompletableFuture<OptionalInt> search(String query, int fromLine, boolean forward) {
        return search(query, fromLine, forward, Filter.ALL);
    }

    /**
     * The next line after {@code fromLine} (before it when not {@code forward}) that the view
     * shows and that contains {@code query} (ignoring case), wrapping around the end; {@code
     * fromLine} itself comes last. {@code fromLine} -1 searches from the start (or the end when
     * backwards). Searches the lines indexed so far, page by page in the background; cancel the
     * future to stop it.
     */
    public CompletableFuture<OptionalInt> search(String query, int fromLine, boolean forward, Filter filter) {
        return search.find(query, fromLine, forward, filter);
    }

    // ---------------------------------------------------------------- listeners and closing

    /** Runs {@code listener} (on the indexing thread) after every indexed page and when indexing ends. */
    public void addListener(Runnable listener) {
        indexer.addListener(listener);
    }

    public void removeListener(Runnable listener) {
        indexer.removeListener(listener);
    }

    /**
     * Stops indexing after the page being read (a read in progress is never interrupted: the
     * source may be a shared channel), cancels fetches and searches and drops the cache.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pages.close();
        fetchPool.shutdown();
        bulkPool.shutdown();
        indexer.closed();
    }

    /** True while the indexing thread is running (for tests of {@link #close()}). */
    boolean isIndexing() {
        return indexer.isIndexing();
    }

    private static ThreadPoolExecutor pool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public String toString() {
        return "LogDocument[" + name + ", " + lineCount() + " lines" + (isDone() ? "" : ", indexing") + "]";
    }
}
