package dev.dockercheckpoint.core.criulog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@value CriuLogAnalyzer#CONTEXT_BEFORE} lines read: the context before a decisive line,
 * or the tail of a log without one. Lines are kept as ranges of the scanner's buffer; their text is
 * copied out only when the buffer is about to be reused ({@link #keepText()}).
 */
final class ContextRing {
    private static final int SIZE = CriuLogAnalyzer.CONTEXT_BEFORE;

    private final byte[] buf;
    private final long[] ringNo = new long[SIZE];
    private final int[] ringStart = new int[SIZE];
    private final int[] ringEnd = new int[SIZE];
    private final String[] ringText = new String[SIZE];
    private int head;
    private int size;

    ContextRing(byte[] buf) {
        this.buf = buf;
    }

    /** Line {@code lineNo}, in {@code buf[s, e)}, pushing out the oldest. */
    void add(long lineNo, int s, int e) {
        int i = head;
        ringNo[i] = lineNo;
        ringStart[i] = s;
        ringEnd[i] = e;
        ringText[i] = null;
        head = i + 1 == SIZE ? 0 : i + 1;
        if (size < SIZE) {
            size++;
        }
    }

    /** Copies out the text of the lines still held as buffer ranges. */
    void keepText() {
        for (int i = 0; i < size; i++) {
            if (ringText[i] == null) {
                ringText[i] = text(ringStart[i], ringEnd[i]);
            }
        }
    }

    /** The lines, oldest first, as a mutable list with room for the decisive line and its context after. */
    List<LogLine> lines() {
        List<LogLine> lines = new ArrayList<>(SIZE + 1 + CriuLogAnalyzer.CONTEXT_AFTER);
        int first = size < SIZE ? 0 : head;
        for (int k = 0; k < size; k++) {
            int i = (first + k) % SIZE;
            String t = ringText[i] != null ? ringText[i] : text(ringStart[i], ringEnd[i]);
            lines.add(CriuLogParser.parseLine(ringNo[i], t));
        }
        return lines;
    }

    private String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }
}
