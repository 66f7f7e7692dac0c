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
 * subsystem prefix such as {@code inet: }). Which prefix makes a line an Error or a Warn is decided
 * by {@link LineClassifier} alone (the parasite's and restorer's {@code pie: TID: } lines, lines
 * without a timestamp and runc's logrus lines {@code time="..." level=error msg="..."} included);
 * this class splits the line into its parts.
 *
 * <p>Reading is streamed: {@link #parse(Reader, LogVisitor)} and {@link #iterate(Reader)} hold one
 * line at a time, so any size of log is read in constant memory. For a whole-file verdict use
 * {@link CriuLogAnalyzer}, which works on bytes and builds objects only for the lines it needs.
 */
public final class CriuLogParser {
    private CriuLogParser() {
    }

    /** Parses one line (without its line terminator); its level is the one {@link LineClassifier} gives. */
    public static LogLine parseLine(long number, String text) {
        String line = stripCr(text);
        LineClassifier.Prefix p = new LineClassifier.Prefix();
        LineClassifier.scan(line, p);
        if (p.logrus) {
            return parseLogrus(number, line, p.level);
        }
        double time = p.hasTime() ? parseSeconds(line, 1, p.timeEnd) : Double.NaN;
        int pid = p.pidFrom >= 0 ? Integer.parseInt(line, p.pidFrom, p.pidTo, 10) : -1;
        if (p.sourceOpen >= 0) {
            int srcEnd = line.indexOf("): ", p.sourceOpen);
            if (srcEnd > 0) {
                return new LogLine(number, time, pid, p.level, line.substring(p.sourceOpen + 1, srcEnd),
                        line.substring(srcEnd + 3), line);
            }
            // an Error line without a source: keep the level, the rest is the message
            return new LogLine(number, time, pid, p.level, null, line.substring(p.sourceOpen), line);
        }
        return new LogLine(number, time, pid, LogLevel.INFO, null, line.substring(p.body), line);
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

    private static LogLine parseLogrus(long number, String line, LogLevel level) {
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
}
