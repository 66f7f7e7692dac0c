package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.criulog.LineClassifier;
import dev.dockercheckpoint.core.criulog.LogLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    /** Lines per page read when searching or copying. */
    static final int BULK_PAGE_LINES = 5000;

    private static final Level[] LEVELS = Level.values();
    /** Set in a line's level byte when the line is known to be harmless. */
    private static final int HARMLESS = 0x4;
    private static final int LEVEL_MASK = 0x3;
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final LogSource source;
    private final String name;
    private final int indexPageLines;
    private final int textPageLines;
    private final int maxCachedLines;

    private final Object lock = new Object();
    // guarded by lock
    private long[] offsets = new long[4096];
    private byte[] levels = new byte[4096];
    private final IntList errors = new IntList();
    private final IntList warnings = new IntList();
    private final IntList problems = new IntList();
    private int harmlessErrors;
    private int harmlessWarnings;
    private int firstRealError = -1;
    private long bytesIndexed;
    private long size = -1;
    private final LinkedHashMap<Integer, Block> cache = new LinkedHashMap<>(32, 0.75f, true);
    private int cachedLines;
    private final Map<Integer, CompletableFuture<Block>> pending = new HashMap<>();
    private Thread indexer;

    private volatile int count;
    private volatile boolean done;
    private volatile boolean closed;
    private volatile Throwable failure;

    private final CompletableFuture<Void> firstPage = new CompletableFuture<>();
    private final CompletableFuture<Void> indexed = new CompletableFuture<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor fetchPool;
    private final ThreadPoolExecutor bulkPool;
    /** Follows the log in order; used on the indexing thread only. */
    private final LineClassifier classifier = new LineClassifier();

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
        this.source = Objects.requireNonNull(source, "source");
        this.name = Objects.requireNonNull(name, "name");
        if (indexPageLines < 1 || textPageLines < 1 || maxCachedLines < textPageLines) {
            throw new IllegalArgumentException("page sizes must be positive and the cache hold at least one page");
        }
        this.indexPageLines = indexPageLines;
        this.textPageLines = textPageLines;
        this.maxCachedLines = maxCachedLines;
        int serial = SERIAL.incrementAndGet();
        this.fetchPool = pool("log-fetch-" + serial, 2);
        this.bulkPool = pool("log-search-" + serial, 1);
    }

    /** A document that starts indexing {@code source} at once. */
    public static LogDocument open(LogSource source, String name) {
        LogDocument doc = new LogDocument(source, name);
        doc.start();
        return doc;
    }

    /** Starts indexing in the background; calling it again does nothing. */
    public LogDocument start() {
        synchronized (lock) {
            if (indexer == null && !closed) {
                indexer = new Thread(this::index, "log-index-" + name);
                indexer.setDaemon(true);
                indexer.start();
            }
        }
        return this;
    }

    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- index

    private void index() {
        long offset = 0;
        try {
            while (!closed) {
                LogPage page = source.read(offset, indexPageLines);
                if (closed) {
                    break;
                }
                List<String> lines = page.lines();
                long[] starts = lineStarts(page);
                append(page, starts);
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
            if (!closed) {
                failure = t;
                firstPage.completeExceptionally(t);
                indexed.completeExceptionally(t);
                notifyListeners();
            }
        }
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

    private void append(LogPage page, long[] starts) {
        List<String> lines = page.lines();
        int n = lines.size();
        byte[] lv = new byte[n];
        for (int k = 0; k < n; k++) {
            LineClassifier.Classification c = classifier.classify(lines.get(k));
            lv[k] = (byte) (Level.of(c.level()).ordinal() | (c.isHarmless() ? HARMLESS : 0));
        }
        synchronized (lock) {
            int base = count;
            if (base == 0 && n > 0 && !page.eof() && page.nextOffset() > page.offset()) {
                // size the arrays from the first page's line length instead of doubling from 4096
                double perLine = (double) (page.nextOffset() - page.offset()) / n;
                long estimate = (long) (page.size() / perLine * 1.05) + 1024;
                ensureCapacity((int) Math.min(estimate, 8_000_000));
            }
            ensureCapacity(base + n);
            System.arraycopy(starts, 0, offsets, base, n);
            System.arraycopy(lv, 0, levels, base, n);
            for (int k = 0; k < n; k++) {
                int line = base + k;
                int level = lv[k] & LEVEL_MASK;
                boolean harmless = (lv[k] & HARMLESS) != 0;
                if (level == Level.ERROR.ordinal()) {
                    errors.add(line);
                    problems.add(line);
                    if (harmless) {
                        harmlessErrors++;
                    } else if (firstRealError < 0) {
                        firstRealError = line;
                    }
                } else if (level == Level.WARN.ordinal()) {
                    warnings.add(line);
                    problems.add(line);
                    if (harmless) {
                        harmlessWarnings++;
                    }
                }
            }
            if (base == 0 && n > 0) {
                // the first screen needs no second read
                putBlock(new Block(0, n <= maxCachedLines ? lines : List.copyOf(lines.subList(0, maxCachedLines))));
            }
            bytesIndexed = page.nextOffset();
            size = page.size();
            count = base + n;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > offsets.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, offsets.length * 3L / 2));
            offsets = Arrays.copyOf(offsets, capacity);
            levels = Arrays.copyOf(levels, capacity);
        }
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
        return count;
    }

    /** Bytes of the log indexed so far. */
    public long bytesIndexed() {
        synchronized (lock) {
            return bytesIndexed;
        }
    }

    /** Size of the log as last reported by the source; -1 before the first page. */
    public long size() {
        synchronized (lock) {
            return size;
        }
    }

    /** Indexing progress from 0 to 1 (bytes indexed / size); 1 when done. */
    public double progress() {
        if (done) {
            return 1.0;
        }
        synchronized (lock) {
            return size <= 0 ? 0.0 : Math.min(1.0, (double) bytesIndexed / size);
        }
    }

    /** True when the whole log is indexed. */
    public boolean isDone() {
        return done;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Why indexing stopped early, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Completes when the first page is indexed (and its text cached). */
    public CompletableFuture<Void> whenFirstPage() {
        return firstPage.copy();
    }

    /** Completes when indexing is done; exceptionally when it fails or the document is closed. */
    public CompletableFuture<Void> whenIndexed() {
        return indexed.copy();
    }

    /** Index of the first Error line, or -1 (so far). */
    public int firstErrorLine() {
        synchronized (lock) {
            return errors.size() == 0 ? -1 : errors.get(0);
        }
    }

    /** Index of the first Error line not known to be harmless, or -1 (so far). */
    public int firstRealErrorLine() {
        synchronized (lock) {
            return firstRealError;
        }
    }

    /** Error lines found so far, the known harmless ones included. */
    public int errorCount() {
        synchronized (lock) {
            return errors.size();
        }
    }

    /** Warn lines found so far, the known harmless ones included. */
    public int warningCount() {
        synchronized (lock) {
            return warnings.size();
        }
    }

    /** Error lines found so far that are known to be harmless. */
    public int harmlessErrorCount() {
        synchronized (lock) {
            return harmlessErrors;
        }
    }

    /** Warn lines found so far that are known to be harmless. */
    public int harmlessWarningCount() {
        synchronized (lock) {
            return harmlessWarnings;
        }
    }

    /** Indices of the Error lines found so far, ascending. */
    public int[] errorLines() {
        synchronized (lock) {
            return errors.toArray();
        }
    }

    /** Indices of the Warn lines found so far, ascending. */
    public int[] warningLines() {
        synchronized (lock) {
            return warnings.toArray();
        }
    }

    public Level level(int line) {
        synchronized (lock) {
            checkLine(line);
            return LEVELS[levels[line] & LEVEL_MASK];
        }
    }

    /** True when {@code line} is an Error or Warn line known to be harmless. */
    public boolean isHarmless(int line) {
        synchronized (lock) {
            checkLine(line);
            return (levels[line] & HARMLESS) != 0;
        }
    }

    /** Byte offset at which {@code line} starts in the log. */
    public long lineOffset(int line) {
        synchronized (lock) {
            checkLine(line);
            return offsets[line];
        }
    }

    private void checkLine(int line) {
        if (line < 0 || line >= count) {
            throw new IndexOutOfBoundsException("line " + line + " of " + count);
        }
    }

    // ---------------------------------------------------------------- filtered views

    /** Number of lines in the view. */
    public int count(Filter filter) {
        synchronized (lock) {
            return switch (filter) {
                case ALL -> count;
                case WARNINGS_AND_ERRORS -> problems.size();
                case ERRORS -> errors.size();
            };
        }
    }

    /** The log line shown at {@code viewIndex} of the view. */
    public int line(Filter filter, int viewIndex) {
        synchronized (lock) {
            return switch (filter) {
                case ALL -> {
                    checkLine(viewIndex);
                    yield viewIndex;
                }
                case WARNINGS_AND_ERRORS -> problems.get(viewIndex);
                case ERRORS -> errors.get(viewIndex);
            };
        }
    }

    /** Where {@code line} is shown in the view, or -1 when the view does not show it. */
    public int viewIndexOf(Filter filter, int line) {
        synchronized (lock) {
            if (line < 0 || line >= count) {
                return -1;
            }
            return switch (filter) {
                case ALL -> line;
                case WARNINGS_AND_ERRORS -> Math.max(-1, problems.binarySearch(line));
                case ERRORS -> Math.max(-1, errors.binarySearch(line));
            };
        }
    }

    /** The view index of {@code line} or of the first line after it the view shows (clamped to the view). */
    public int nearestViewIndex(Filter filter, int line) {
        synchronized (lock) {
            if (filter == Filter.ALL) {
                return Math.max(0, Math.min(line, count - 1));
            }
            IntList list = filter == Filter.ERRORS ? errors : problems;
            int i = list.binarySearch(line);
            int at = i >= 0 ? i : -i - 1;
            return Math.min(at, list.size() - 1);
        }
    }

    private boolean anyInView(Filter filter, int from, int to) {
        if (filter == Filter.ALL) {
            return true;
        }
        synchronized (lock) {
            IntList list = filter == Filter.ERRORS ? errors : problems;
            int i = list.binarySearch(from);
            int at = i >= 0 ? i : -i - 1;
            return at < list.size() && list.get(at) < to;
        }
    }

    private byte[] levels(int from, int to) {
        synchronized (lock) {
            return Arrays.copyOfRange(levels, from, to);
        }
    }

    // ---------------------------------------------------------------- text

    /** Text of {@code line} when its page is cached, else null (see {@link #textAsync}). */
    public String cachedText(int line) {
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

    /** Text of {@code line}, from the cache or fetched in the background. */
    public CompletableFuture<String> textAsync(int line) {
        String cached;
        synchronized (lock) {
            checkLine(line);
            cached = cachedText(line);
        }
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return blockCovering(line).thenApply(b -> b.line(line));
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
        List<String> result = new ArrayList<>(lines.length);
        List<String> chunk = List.of();
        int chunkStart = 0;
        for (int i = 0; i < lines.length; i++) {
            int line = lines[i];
            if (i > 0 && line < lines[i - 1]) {
                throw new IllegalArgumentException("lines must be ascending");
            }
            if (line >= chunkStart && line < chunkStart + chunk.size()) {
                result.add(chunk.get(line - chunkStart));
                continue;
            }
            String cached = cachedText(line);
            if (cached != null) {
                result.add(cached);
                continue;
            }
            int want = Math.min(BULK_PAGE_LINES, lines[lines.length - 1] - line + 1);
            chunk = readLines(line, want);
            chunkStart = line;
            if (chunk.isEmpty()) {
                throw new LogReadException("line " + (line + 1) + " of " + name + " is not available", null);
            }
            result.add(chunk.get(0));
        }
        return result;
    }

    /** {@link #texts(int[])} on the background pool. */
    public CompletableFuture<List<String>> textsAsync(int[] lines) {
        int[] copy = lines.clone();
        return CompletableFuture.supplyAsync(() -> texts(copy), bulkPool);
    }

    /** Up to {@code n} lines from {@code line}, read directly (several pages if the source pages short). */
    private List<String> readLines(int line, int n) {
        List<String> out = new ArrayList<>(n);
        try {
            long offset = lineOffset(line);
            while (out.size() < n && !closed) {
                LogPage page = source.read(offset, n - out.size());
                out.addAll(page.lines());
                if (page.lines().isEmpty() || page.eof() || page.nextOffset() <= offset) {
                    break;
                }
                offset = page.nextOffset();
            }
        } catch (LogReadException | IndexOutOfBoundsException e) {
            throw e;
        } catch (Exception e) {
            throw new LogReadException("cannot read " + name + " at line " + (line + 1) + ": " + e, e);
        }
        if (closed) {
            throw new CancellationException("closed");
        }
        return out;
    }

    private CompletableFuture<Block> blockCovering(int line) {
        int start = line - line % textPageLines;
        return fetchBlock(start).thenCompose(b -> b.covers(line) ? CompletableFuture.completedFuture(b) : fetchBlock(line));
    }

    private CompletableFuture<Block> fetchBlock(int start) {
        synchronized (lock) {
            Block cached = cache.get(start);
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            CompletableFuture<Block> f = pending.get(start);
            if (f != null) {
                return f;
            }
            if (closed) {
                return CompletableFuture.failedFuture(new CancellationException("closed"));
            }
            checkLine(start);
            long offset = offsets[start];
            CompletableFuture<Block> future = new CompletableFuture<>();
            pending.put(start, future);
            try {
                fetchPool.execute(() -> loadBlock(start, offset, future));
            } catch (RejectedExecutionException e) {
                pending.remove(start);
                future.completeExceptionally(new CancellationException("closed"));
            }
            return future;
        }
    }

    private void loadBlock(int start, long offset, CompletableFuture<Block> future) {
        try {
            if (closed) {
                throw new CancellationException("closed");
            }
            Block b = new Block(start, source.read(offset, textPageLines).lines());
            synchronized (lock) {
                pending.remove(start);
                if (!b.lines.isEmpty() && !closed) {
                    putBlock(b);
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

    private void putBlock(Block b) {
        Block old = cache.put(b.start, b);
        if (old != null) {
            cachedLines -= old.lines.size();
        }
        cachedLines += b.lines.size();
        Iterator<Block> eldest = cache.values().iterator();
        while (cachedLines > maxCachedLines && eldest.hasNext()) {
            Block e = eldest.next();
            if (e == b) {
                continue;
            }
            eldest.remove();
            cachedLines -= e.lines.size();
        }
    }

    /** Line texts held in the cache now; never more than {@link #maxCachedLines()}. */
    public int cachedLineCount() {
        synchronized (lock) {
            return cachedLines;
        }
    }

    public int maxCachedLines() {
        return maxCachedLines;
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
        CompletableFuture<OptionalInt> result = new CompletableFuture<>();
        if (query == null || query.isEmpty()) {
            result.complete(OptionalInt.empty());
            return result;
        }
        try {
            bulkPool.execute(() -> {
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
        int n = count;
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
            if (stop.isDone() || closed) {
                throw new CancellationException("search cancelled");
            }
            int lo = forward ? i : Math.max(from, i - BULK_PAGE_LINES);
            int hi = forward ? Math.min(to, i + BULK_PAGE_LINES) : i;
            if (anyInView(filter, lo, hi)) {
                List<String> lines = readLines(lo, hi - lo);
                int got = Math.min(lines.size(), hi - lo);
                byte[] lv = levels(lo, lo + got);
                for (int k = 0; k < got; k++) {
                    int idx = forward ? k : got - 1 - k;
                    if (filter.accepts(LEVELS[lv[idx] & LEVEL_MASK]) && needle.in(lines.get(idx))) {
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

    // ---------------------------------------------------------------- listeners and closing

    /** Runs {@code listener} (on the indexing thread) after every indexed page and when indexing ends. */
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
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

    /**
     * Stops indexing after the page being read (a read in progress is never interrupted: the
     * source may be a shared channel), cancels fetches and searches and drops the cache.
     */
    @Override
    public void close() {
        List<CompletableFuture<Block>> cancelled;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            cancelled = new ArrayList<>(pending.values());
            pending.clear();
            cache.clear();
            cachedLines = 0;
        }
        fetchPool.shutdown();
        bulkPool.shutdown();
        CancellationException c = new CancellationException("closed");
        cancelled.forEach(f -> f.completeExceptionally(c));
        firstPage.completeExceptionally(c);
        if (!done) {
            indexed.completeExceptionally(c);
        }
        notifyListeners();
    }

    /** True while the indexing thread is running (for tests of {@link #close()}). */
    boolean isIndexing() {
        synchronized (lock) {
            return indexer != null && indexer.isAlive();
        }
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
        return "LogDocument[" + name + ", " + count + " lines" + (done ? "" : ", indexing") + "]";
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

    /** A page of the log could not be read. */
    public static final class LogReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public LogReadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
