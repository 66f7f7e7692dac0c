package dev.dockercheckpoint.core.criulog;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Parses CRIU log lines. CRIU (criu/log.c) writes {@code (SS.uuuuuu) } before every line of level
 * info and above, then, in a restore, the pid as {@code %6d: }, then {@code Error (file:line): } or
 * {@code Warn  (file:line): } for those two levels, then the message (which itself may start with a
 * subsystem prefix such as {@code inet: }). Lines printed without a timestamp (the restorer's
 * {@code pie:} output, multi-line dumps) are kept as plain INFO lines; runc's logrus lines
 * ({@code time="..." level=error msg="..."}) take their level from {@code level=}.
 *
 * <p>Reading is streamed: {@link #parse(Reader, LogVisitor)} and {@link #iterate(Reader)} hold one
 * line at a time, so any size of log is read in constant memory. For a whole-file verdict use
 * {@link CriuLogAnalyzer}, which works on bytes and builds objects only for the lines it needs.
 */
public final class CriuLogParser {
    private CriuLogParser() {
    }

    /** Parses one line (without its line terminator). */
    public static LogLine parseLine(long number, String text) {
        String line = stripCr(text);
        int n = line.length();
        if (n > 0 && line.charAt(0) == '(') {
            int close = timestampEnd(line);
            if (close > 0) {
                double time = parseSeconds(line, 1, close);
                int m = close + 1;
                if (m < n && line.charAt(m) == ' ') {
                    m++;
                }
                int pid = -1;
                int p = m;
                while (p < n && line.charAt(p) == ' ') {
                    p++;
                }
                int q = p;
                while (q < n && isDigit(line.charAt(q))) {
                    q++;
                }
                // CRIU prints the pid as "%6d: ": at least six characters wide
                if (q > p && q - m >= 6 && q + 1 < n && line.charAt(q) == ':' && line.charAt(q + 1) == ' '
                        && q - p <= 9) {
                    pid = Integer.parseInt(line, p, q, 10);
                    m = q + 2;
                }
                LogLevel level = LogLevel.INFO;
                int tagEnd = -1;
                if (line.startsWith("Error (", m)) {
                    level = LogLevel.ERROR;
                    tagEnd = m + 6;
                } else if (line.startsWith("Warn  (", m)) {
                    level = LogLevel.WARN;
                    tagEnd = m + 6;
                } else if (line.startsWith("Warn (", m)) {
                    level = LogLevel.WARN;
                    tagEnd = m + 5;
                }
                if (tagEnd > 0) {
                    int srcEnd = line.indexOf("): ", tagEnd);
                    if (srcEnd > 0) {
                        return new LogLine(number, time, pid, level, line.substring(tagEnd + 1, srcEnd),
                                line.substring(srcEnd + 3), line);
                    }
                    // an Error line without a source: keep the level, the rest is the message
                    return new LogLine(number, time, pid, level, null, line.substring(tagEnd), line);
                }
                return new LogLine(number, time, pid, LogLevel.INFO, null, line.substring(m), line);
            }
        }
        if (line.startsWith("time=\"") && line.contains(" level=")) {
            return parseLogrus(number, line);
        }
        return new LogLine(number, Double.NaN, -1, LogLevel.INFO, null, line, line);
    }

    /**
     * Streams every line of {@code reader} to {@code visitor} until the end or until the visitor
     * returns false. Returns the number of lines read.
     */
    public static long parse(Reader reader, LogVisitor visitor) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        long number = 0;
        String text;
        while ((text = in.readLine()) != null) {
            number++;
            if (!visitor.visit(parseLine(number, text))) {
                break;
            }
        }
        return number;
    }

    /** As {@link #parse(Reader, LogVisitor)} for bytes; invalid UTF-8 is replaced, never fatal. */
    public static long parse(InputStream in, LogVisitor visitor) throws IOException {
        return parse(reader(in), visitor);
    }

    /** A lazy iterator over the lines of {@code reader}; close it to close the reader. */
    public static LineIterator iterate(Reader reader) {
        return new LineIterator(reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16));
    }

    /** A lenient UTF-8 reader: CRIU prints paths as the kernel has them. */
    public static Reader reader(InputStream in) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new InputStreamReader(in, decoder);
    }

    /** Iterator over parsed lines; {@link UncheckedIOException} if reading fails. */
    public static final class LineIterator implements Iterator<LogLine>, Closeable {
        private final BufferedReader in;
        private LogLine next;
        private long number;
        private boolean done;

        private LineIterator(BufferedReader in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                String text = in.readLine();
                if (text == null) {
                    done = true;
                    return false;
                }
                next = parseLine(++number, text);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public LogLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            LogLine line = next;
            next = null;
            return line;
        }

        @Override
        public void close() throws IOException {
            done = true;
            in.close();
        }
    }

    // ------------------------------------------------------------------ helpers shared with the analyzer

    /** Index of the ')' closing a "(digits.digits)" timestamp at the start of {@code line}, or -1. */
    static int timestampEnd(String line) {
        int n = Math.min(line.length(), 24);
        boolean dot = false;
        for (int i = 1; i < n; i++) {
            char c = line.charAt(i);
            if (c == ')') {
                return i > 1 ? i : -1;
            }
            if (c == '.') {
                if (dot) {
                    return -1;
                }
                dot = true;
            } else if (!isDigit(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** Seconds from "SS.uuuuuu" in {@code s[from, to)}. */
    static double parseSeconds(CharSequence s, int from, int to) {
        long whole = 0;
        long frac = 0;
        long scale = 1;
        boolean afterDot = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                afterDot = true;
            } else if (afterDot) {
                if (scale < 1_000_000_000L) {
                    frac = frac * 10 + (c - '0');
                    scale *= 10;
                }
            } else {
                whole = whole * 10 + (c - '0');
            }
        }
        return whole + (double) frac / scale;
    }

    /** As {@link #parseSeconds(CharSequence, int, int)} on ASCII bytes. */
    static double parseSeconds(byte[] b, int from, int to) {
        long whole = 0;
        long frac = 0;
        long scale = 1;
        boolean afterDot = false;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c == '.') {
                afterDot = true;
            } else if (afterDot) {
                if (scale < 1_000_000_000L) {
                    frac = frac * 10 + (c - '0');
                    scale *= 10;
                }
            } else {
                whole = whole * 10 + (c - '0');
            }
        }
        return whole + (double) frac / scale;
    }

    private static LogLine parseLogrus(long number, String line) {
        LogLevel level = LogLevel.INFO;
        int lv = line.indexOf(" level=");
        int lvEnd = line.indexOf(' ', lv + 7);
        String name = line.substring(lv + 7, lvEnd < 0 ? line.length() : lvEnd).replace("\"", "");
        if (name.equals("error") || name.equals("fatal") || name.equals("panic")) {
            level = LogLevel.ERROR;
        } else if (name.equals("warning") || name.equals("warn")) {
            level = LogLevel.WARN;
        }
        String message = line;
        int msg = line.indexOf(" msg=");
        if (msg >= 0) {
            message = logrusValue(line, msg + 5);
        }
        return new LogLine(number, Double.NaN, -1, level, null, message, line);
    }

    /** A logrus value: quoted with Go escapes, or bare up to the next space. */
    private static String logrusValue(String line, int from) {
        if (from >= line.length()) {
            return "";
        }
        if (line.charAt(from) != '"') {
            int end = line.indexOf(' ', from);
            return line.substring(from, end < 0 ? line.length() : end);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = from + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                sb.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else if (c == '"') {
                break;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String stripCr(String s) {
        return !s.isEmpty() && s.charAt(s.length() - 1) == '\r' ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
