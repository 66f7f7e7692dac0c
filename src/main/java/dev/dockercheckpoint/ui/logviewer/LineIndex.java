package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.criulog.LineClassifier;
import dev.dockercheckpoint.ui.logviewer.LogDocument.Filter;
import dev.dockercheckpoint.ui.logviewer.LogDocument.Level;
import java.util.Arrays;

/**
 * What is known of every line indexed so far: the byte offset where it starts and its level (9
 * bytes a line), the Error and Warn lines in order, and through them the lines each {@link Filter}
 * shows. Appended to by the indexing thread only; every method is thread-safe.
 */
final class LineIndex {
    private static final Level[] LEVELS = Level.values();
    /** Set in a line's level byte when the line is known to be harmless. */
    private static final int HARMLESS = 0x4;
    private static final int LEVEL_MASK = 0x3;

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

    private volatile int count;

    /** The level byte kept for a line classified as {@code c}. */
    static byte code(LineClassifier.Classification c) {
        return (byte) (Level.of(c.level()).ordinal() | (c.isHarmless() ? HARMLESS : 0));
    }

    /** Appends the lines of {@code page}, which start at {@code starts} and have level bytes {@code codes}. */
    void append(LogPage page, long[] starts, byte[] codes) {
        int n = starts.length;
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
            System.arraycopy(codes, 0, levels, base, n);
            for (int k = 0; k < n; k++) {
                int line = base + k;
                int level = codes[k] & LEVEL_MASK;
                boolean harmless = (codes[k] & HARMLESS) != 0;
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

    // ---------------------------------------------------------------- totals

    int lineCount() {
        return count;
    }

    long bytesIndexed() {
        synchronized (lock) {
            return bytesIndexed;
        }
    }

    long size() {
        synchronized (lock) {
            return size;
        }
    }

    /** Bytes indexed / size, from 0 to 1. */
    double progress() {
        synchronized (lock) {
            return size <= 0 ? 0.0 : Math.min(1.0, (double) bytesIndexed / size);
        }
    }

    int firstErrorLine() {
        synchronized (lock) {
            return errors.size() == 0 ? -1 : errors.get(0);
        }
    }

    int firstRealErrorLine() {
        synchronized (lock) {
            return firstRealError;
        }
    }

    int errorCount() {
        synchronized (lock) {
            return errors.size();
        }
    }

    int warningCount() {
        synchronized (lock) {
            return warnings.size();
        }
    }

    int harmlessErrorCount() {
        synchronized (lock) {
            return harmlessErrors;
        }
    }

    int harmlessWarningCount() {
        synchronized (lock) {
            return harmlessWarnings;
        }
    }

    int[] errorLines() {
        synchronized (lock) {
            return errors.toArray();
        }
    }

    int[] warningLines() {
        synchronized (lock) {
            return warnings.toArray();
        }
    }

    // ---------------------------------------------------------------- one line

    Level level(int line) {
        synchronized (lock) {
            checkLine(line);
            return LEVELS[levels[line] & LEVEL_MASK];
        }
    }

    boolean isHarmless(int line) {
        synchronized (lock) {
            checkLine(line);
            return (levels[line] & HARMLESS) != 0;
        }
    }

    long lineOffset(int line) {
        synchronized (lock) {
            checkLine(line);
            return offsets[line];
        }
    }

    /** Levels of the lines in [from, to). */
    Level[] levels(int from, int to) {
        synchronized (lock) {
            Level[] out = new Level[to - from];
            for (int i = from; i < to; i++) {
                out[i - from] = LEVELS[levels[i] & LEVEL_MASK];
            }
            return out;
        }
    }

    /** Throws {@link IndexOutOfBoundsException} unless {@code line} is indexed. */
    void checkLine(int line) {
        int n = count;
        if (line < 0 || line >= n) {
            throw new IndexOutOfBoundsException("line " + line + " of " + n);
        }
    }

    // ---------------------------------------------------------------- filtered views

    int count(Filter filter) {
        synchronized (lock) {
            return switch (filter) {
                case ALL -> count;
                case WARNINGS_AND_ERRORS -> problems.size();
                case ERRORS -> errors.size();
            };
        }
    }

    int line(Filter filter, int viewIndex) {
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

    int viewIndexOf(Filter filter, int line) {
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

    int nearestViewIndex(Filter filter, int line) {
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

    /** True when the view shows a line in [from, to). */
    boolean anyInView(Filter filter, int from, int to) {
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
}
