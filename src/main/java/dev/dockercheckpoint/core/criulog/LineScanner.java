package dev.dockercheckpoint.core.criulog;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Cuts a byte stream into lines without decoding it: the input is read into one
 * {@value #BUFFER_SIZE}-byte buffer that is reused, and newlines are found eight bytes at a time.
 * A line is handed over as a range of {@link #buffer()}, without its {@code \n} or {@code \r\n},
 * and stays there until {@link Lines#beforeOverwrite()}. Of a line longer than the buffer only its
 * first {@value #BUFFER_SIZE} bytes are handed over.
 */
final class LineScanner {
    static final int BUFFER_SIZE = 1 << 20;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Where the bytes come from: as {@link java.io.InputStream#read(byte[], int, int)}. */
    @FunctionalInterface
    interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    /** Who is handed the lines. */
    interface Lines {
        /** The line in {@code buffer()[start, end)}. */
        void line(int start, int end);

        /** The buffer's bytes are about to move: copy out what still points into them. */
        void beforeOverwrite();
    }

    private final byte[] buf = new byte[BUFFER_SIZE];
    private boolean skipping;

    /** The buffer the lines are handed over in. */
    byte[] buffer() {
        return buf;
    }

    /** Reads {@code src} to its end, handing every line to {@code lines}. */
    void scan(Source src, Lines lines) throws IOException {
        int pos = 0;
        int lim = 0;
        int scanned = 0; // [pos, scanned) holds no newline: never searched twice
        boolean eof = false;
        while (true) {
            if (!eof && lim < buf.length) {
                int n = src.read(buf, lim, buf.length - lim);
                if (n < 0) {
                    eof = true;
                } else {
                    lim += n;
                }
            }
            int nl;
            while ((nl = indexOfNewline(buf, Math.max(pos, scanned), lim)) >= 0) {
                if (skipping) {
                    skipping = false;
                } else {
                    line(lines, pos, nl);
                }
                pos = nl + 1;
            }
            scanned = lim;
            if (eof) {
                if (pos < lim && !skipping) {
                    line(lines, pos, lim);
                }
                break;
            }
            if (skipping) {
                pos = lim;
            } else if (pos == 0 && lim == buf.length) {
                // one line longer than the buffer: keep its beginning, skip the rest
                line(lines, 0, lim);
                skipping = true;
                pos = lim;
            }
            if (pos > 0) {
                lines.beforeOverwrite();
                int rest = lim - pos;
                System.arraycopy(buf, pos, buf, 0, rest);
                lim = rest;
                scanned -= pos;
                pos = 0;
            }
        }
    }

    private void line(Lines lines, int s, int e) {
        if (e > s && buf[e - 1] == '\r') {
            e--;
        }
        lines.line(s, e);
    }

    /** Index of the first '\n' in {@code b[from, to)}, or -1: eight bytes per step. */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (int last = to - 8; i <= last; i += 8) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long t = (x - ONES) & ~x & HIGHS;
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
