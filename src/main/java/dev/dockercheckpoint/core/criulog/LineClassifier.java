package dev.dockercheckpoint.core.criulog;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decides what one line of a CRIU log is: an Error, a Warn or information, and whether it is known
 * to be harmless. The parser ({@link CriuLogParser}), the analyzer ({@link CriuLogAnalyzer}) and the
 * GUI's log viewer all ask this class, so their counts of errors and warnings agree.
 *
 * <p>The level follows the prefixes CRIU writes (criu/log.c, criu/include/log.h,
 * compel/plugins/std/log.c):
 * <pre>
 *   [(SS.uuuuuu) ][%6d: ][pie: TID: ]Error (file.c:line): message
 *   [(SS.uuuuuu) ][%6d: ][pie: TID: ]Warn  (file.c:line): message
 * </pre>
 * The timestamp is there at CRIU's highest log level, the pid in restore logs, {@code pie:} on lines
 * of the parasite and the restorer. runc's logrus lines ({@code time="..." level=error msg="..."})
 * take their level from {@code level=}. Every other line is information. Only the first
 * {@value #PREFIX_LIMIT} characters of a line decide its level, so the analyzer, which reads bytes,
 * and the others, which read strings, see the same prefix.
 *
 * <p>Known harmless: an Error or Warn line that matches a {@link KnownNoise} rule. One rule holds
 * only after a restore has failed ("Restoring FAILED."), so an instance follows one log from its
 * first line on, in order; the level alone ({@link #level(CharSequence)}) needs no instance. An
 * instance is not thread-safe.
 */
public final class LineClassifier {
    /** Characters of a line that can hold its level; the rest never changes it. */
    public static final int PREFIX_LIMIT = 128;

    private static final byte[] ERROR_TAG = ascii("Error (");
    private static final byte[] WARN_TAG = ascii("Warn  (");
    private static final byte[] SHORT_WARN_TAG = ascii("Warn (");
    private static final byte[] PIE = ascii("pie: ");
    private static final byte[] LOGRUS = ascii("time=\"");
    private static final byte[] LOGRUS_LEVEL = ascii(" level=");

    private boolean afterRestoreFailure;

    /**
     * What a line is.
     *
     * @param level    Error and Warn as CRIU (or runc) marked the line; INFO otherwise
     * @param harmless the {@link KnownNoise} rule an Error or Warn line matches, or null
     */
    public record Classification(LogLevel level, KnownNoise.Rule harmless) {
        /** An information line. */
        public static final Classification INFO = new Classification(LogLevel.INFO, null);
        /** An Error line not known to be harmless. */
        public static final Classification ERROR = new Classification(LogLevel.ERROR, null);
        /** A Warn line not known to be harmless. */
        public static final Classification WARN = new Classification(LogLevel.WARN, null);

        public Classification {
            Objects.requireNonNull(level, "level");
            if (level == LogLevel.INFO && harmless != null) {
                throw new IllegalArgumentException("only Error and Warn lines can be known harmless");
            }
        }

        public boolean isError() {
            return level == LogLevel.ERROR;
        }

        public boolean isWarning() {
            return level == LogLevel.WARN;
        }

        /** True for an Error or Warn line known to be harmless. */
        public boolean isHarmless() {
            return harmless != null;
        }

        /** True for an Error or Warn line not known to be harmless: one a reader should look at. */
        public boolean needsAttention() {
            return level != LogLevel.INFO && harmless == null;
        }
    }

    /** A classifier at the first line of a log. */
    public LineClassifier() {
    }

    /**
     * Classifies the next line of the log, parsed by {@link CriuLogParser}. Lines must come in log
     * order: a "Restoring FAILED." line changes how later lines are judged.
     */
    public Classification classify(LogLine line) {
        LogLevel level = line.level();
        if (level == LogLevel.INFO) {
            return Classification.INFO;
        }
        if (level == LogLevel.ERROR && KnownNoise.failureMarker(line.message()) == LogKind.RESTORE) {
            afterRestoreFailure = true;
        }
        KnownNoise.Rule rule = harmless(line, afterRestoreFailure);
        if (rule != null) {
            return new Classification(level, rule);
        }
        return level == LogLevel.ERROR ? Classification.ERROR : Classification.WARN;
    }

    /**
     * Classifies the next line of the log from its text (without the line terminator). Only Error and
     * Warn lines are parsed further, so information lines cost a look at their prefix.
     */
    public Classification classify(String text) {
        if (level(text) == LogLevel.INFO) {
            return Classification.INFO;
        }
        return classify(CriuLogParser.parseLine(0, text));
    }

    /** True once this log has shown that a restore failed. */
    public boolean afterRestoreFailure() {
        return afterRestoreFailure;
    }

    /**
     * The harmless rule an Error or Warn line matches, or null; {@code afterRestoreFailure} tells
     * whether the line comes after the log's "Restoring FAILED." line. Information lines are never
     * harmless: they are not counted in the first place.
     */
    public static KnownNoise.Rule harmless(LogLine line, boolean afterRestoreFailure) {
        if (line.level() == LogLevel.INFO) {
            return null;
        }
        return KnownNoise.harmless(line.message(), afterRestoreFailure);
    }

    /** Level of one line (without its line terminator). */
    public static LogLevel level(CharSequence text) {
        Prefix p = new Prefix();
        scan(text, p);
        return p.level;
    }

    // ------------------------------------------------------------------ the prefix grammar

    /** Where the parts of a line's prefix are, as found by {@link #scan}. Indexes are into the scanned array. */
    static final class Prefix {
        /** Index of the ')' closing the timestamp, or -1 without one. */
        int timeEnd;
        /** The digits of CRIU's "%6d: " pid field, [pidFrom, pidTo), or -1. */
        int pidFrom;
        int pidTo;
        /** Where the text after timestamp and pid starts (phase markers and information messages). */
        int body;
        /** Index of the '(' before the source file of an Error or Warn line, or -1. */
        int sourceOpen;
        /** True for a runc logrus line. */
        boolean logrus;
        LogLevel level;

        void reset(int from) {
            timeEnd = -1;
            pidFrom = -1;
            pidTo = -1;
            body = from;
            sourceOpen = -1;
            logrus = false;
            level = LogLevel.INFO;
        }

        boolean hasTime() {
            return timeEnd >= 0;
        }
    }

    /** Scans {@code text}: its first {@value #PREFIX_LIMIT} characters, as ASCII. */
    static void scan(CharSequence text, Prefix p) {
        int n = Math.min(text.length(), PREFIX_LIMIT);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            b[i] = c < 0x80 ? (byte) c : (byte) 0x80; // nothing in a prefix is outside ASCII
        }
        scan(b, 0, n, p);
    }

    /**
     * Scans the line {@code b[from, to)} (no line terminator). The only definition of the level of a
     * line: everything else calls it.
     */
    static void scan(byte[] b, int from, int to, Prefix p) {
        p.reset(from);
        int end = Math.min(to, from + PREFIX_LIMIT);
        int i = from;
        if (i < end && b[i] == '(') {
            int close = timestampEnd(b, i, end);
            if (close > 0) {
                p.timeEnd = close;
                i = close + 1;
                if (i < end && b[i] == ' ') {
                    i++;
                }
            }
        } else if (startsWith(b, i, end, LOGRUS)) {
            logrus(b, i, end, p);
            return;
        }
        // CRIU prints the pid as "%6d: ": at least six characters wide
        int s = i;
        while (s < end && b[s] == ' ') {
            s++;
        }
        int d = s;
        while (d < end && isDigit(b[d])) {
            d++;
        }
        if (d > s && d - i >= 6 && d - s <= 9 && d + 1 < end && b[d] == ':' && b[d + 1] == ' ') {
            p.pidFrom = s;
            p.pidTo = d;
            i = d + 2;
        }
        p.body = i;
        // the parasite's and the restorer's own prefix, "pie: TID: "
        if (startsWith(b, i, end, PIE)) {
            int t = i + PIE.length;
            int u = t;
            while (u < end && isDigit(b[u])) {
                u++;
            }
            if (u > t && u + 1 < end && b[u] == ':' && b[u + 1] == ' ') {
                i = u + 2;
            }
        }
        if (startsWith(b, i, end, ERROR_TAG)) {
            p.level = LogLevel.ERROR;
            p.sourceOpen = i + ERROR_TAG.length - 1;
        } else if (startsWith(b, i, end, WARN_TAG)) {
            p.level = LogLevel.WARN;
            p.sourceOpen = i + WARN_TAG.length - 1;
        } else if (startsWith(b, i, end, SHORT_WARN_TAG)) {
            p.level = LogLevel.WARN;
            p.sourceOpen = i + SHORT_WARN_TAG.length - 1;
        }
    }

    /** {@code time="..." level=...}: the level word after the first " level=". */
    private static void logrus(byte[] b, int from, int end, Prefix p) {
        int at = indexOf(b, from + LOGRUS.length, end, LOGRUS_LEVEL);
        if (at < 0) {
            return;
        }
        p.logrus = true;
        int v = at + LOGRUS_LEVEL.length;
        if (v < end && b[v] == '"') {
            v++;
        }
        int w = v;
        while (w < end && b[w] >= 'a' && b[w] <= 'z') {
            w++;
        }
        String word = new String(b, v, w - v, StandardCharsets.US_ASCII);
        p.level = switch (word) {
            case "error", "fatal", "panic" -> LogLevel.ERROR;
            case "warning", "warn" -> LogLevel.WARN;
            default -> LogLevel.INFO;
        };
    }

    /** Index of the ')' closing a "(digits[.digits])" timestamp at {@code b[from]}, or -1. */
    static int timestampEnd(byte[] b, int from, int end) {
        int n = Math.min(end, from + 24);
        boolean dot = false;
        for (int i = from + 1; i < n; i++) {
            byte c = b[i];
            if (c == ')') {
                return i > from + 1 ? i : -1;
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

    private static int indexOf(byte[] b, int from, int end, byte[] p) {
        for (int i = from, last = end - p.length; i <= last; i++) {
            if (startsWith(b, i, end, p)) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code b[at, end)} starts with the bytes {@code p}. */
    static boolean startsWith(byte[] b, int at, int end, byte[] p) {
        if (end - at < p.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            if (b[at + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
