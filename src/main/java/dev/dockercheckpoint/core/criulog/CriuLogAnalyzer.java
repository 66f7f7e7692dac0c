package dev.dockercheckpoint.core.criulog;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a whole CRIU log once and tells what happened: dump or restore, success or failure, the
 * decisive error with the lines around it, the known cause and fix, Error/Warn counts and a timeline.
 *
 * <p>Built for large logs: the input is read as bytes into one 1 MiB buffer that is reused, lines
 * are found eight bytes at a time, and a line becomes a {@code String} only when it matters (an Error
 * or Warn line, a phase marker, the context of the decisive error). Every other line costs a newline
 * search and a look at its first few bytes. Memory stays constant whatever the size of the log.
 *
 * <p>Which lines are Error and Warn lines, and which of them are known to be harmless, is decided by
 * {@link LineClassifier}, as for the parser and the GUI's log viewer.
 *
 * <p>Decisive line: the first Error line that is neither known harmless nor a summary of an earlier
 * error ("Dumping FAILED."); a summary is used only when nothing else is there. Pattern: the
 * knowledge-base pattern of the decisive line; else the first pattern found on another Error line;
 * else on a Warn line (at most {@value #MAX_MATCH_ATTEMPTS} lines are tried of each). The first
 * {@value #MAX_WARNINGS} Warn lines that are not known to be harmless are kept, each with the pattern
 * that explains it, so that a reader can be shown them. Patterns that only explain a warning
 * ({@link DiagnosisPattern#warningOnly()}) are never taken as the cause of a failure.
 */
public final class CriuLogAnalyzer {
    public static final int CONTEXT_BEFORE = 5;
    public static final int CONTEXT_AFTER = 2;
    public static final int MAX_ERRORS = 50;
    public static final int MAX_WARNINGS = 50;
    static final int MAX_MATCH_ATTEMPTS = 1000;
    static final int BUFFER_SIZE = 1 << 20;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final KnowledgeBase knowledgeBase;

    public CriuLogAnalyzer() {
        this(KnowledgeBase.standard());
    }

    public CriuLogAnalyzer(KnowledgeBase knowledgeBase) {
        this.knowledgeBase = knowledgeBase;
    }

    /** Analyses a log file with the standard knowledge base. */
    public static LogAnalysis analyze(Path file) throws IOException {
        return new CriuLogAnalyzer().analyzeFile(file);
    }

    public LogAnalysis analyzeFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return analyze(ch);
        }
    }

    public LogAnalysis analyze(ReadableByteChannel ch) throws IOException {
        Run run = new Run();
        run.scan((b, off, len) -> ch.read(ByteBuffer.wrap(b, off, len)));
        return run.result();
    }

    public LogAnalysis analyze(InputStream in) throws IOException {
        Run run = new Run();
        run.scan(in::read);
        return run.result();
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

    @FunctionalInterface
    private interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    // ================================================================== markers

    /**
     * A message prefix on an INFO line that moves the timeline, tells the kind of log, or says it
     * succeeded. Taken from the captured logs (src/test/resources/criulogs).
     */
    private record Marker(byte[] text, LogKind kind, Phase dumpPhase, Phase restorePhase, boolean success) {
    }

    private static final Marker[][] MARKERS = buildMarkers();

    /** pr_msg lines carry no level; these few are causes (criu/tty.c). */
    private static final byte[][] PLAIN_CAUSES = {
            ascii("Task attached to shell terminal")};

    private static Marker dump(String text, Phase phase) {
        return new Marker(ascii(text), LogKind.DUMP, phase, null, false);
    }

    private static Marker restore(String text, Phase phase) {
        return new Marker(ascii(text), LogKind.RESTORE, null, phase, false);
    }

    private static Marker[][] buildMarkers() {
        List<Marker> all = List.of(
                // kind only
                new Marker(ascii("Dumping processes (pid:"), LogKind.DUMP, null, null, false),
                new Marker(ascii("Enforcing memory tracking for pre-dump"), LogKind.PRE_DUMP, null, null, false),
                new Marker(ascii("Reading image tree"), LogKind.RESTORE, null, null, false),
                // dump
                dump("freezing cgroup", Phase.FREEZING),
                dump("freezer.state=", Phase.FREEZING),
                dump("cgroup.freeze=", Phase.FREEZING),
                dump("freezing processes", Phase.FREEZING),
                dump("SEIZE ", Phase.FREEZING),
                dump("Seized task", Phase.FREEZING),
                dump("Running network-lock scripts", Phase.FREEZING),
                new Marker(ascii("net: Lock network"), null, Phase.FREEZING, null, false),
                dump("Dumping task (pid:", Phase.DUMPING_PROCESSES),
                dump("Collecting mappings (pid:", Phase.DUMPING_PROCESSES),
                dump("Collecting fds (pid:", Phase.DUMPING_PROCESSES),
                dump("Dumping core (pid:", Phase.DUMPING_PROCESSES),
                dump("Dumping mm (pid:", Phase.DUMPING_PROCESSES),
                dump("Dumping task cwd", Phase.DUMPING_PROCESSES),
                dump("mnt: Dumping mountpoints", Phase.DUMPING_PROCESSES),
                dump("Dumping pstree (pid:", Phase.DUMPING_PROCESSES),
                dump("Dump NET namespace", Phase.DUMPING_PROCESSES),
                dump("Dump UTS namespace", Phase.DUMPING_PROCESSES),
                dump("Dump IPC namespace", Phase.DUMPING_PROCESSES),
                dump("Namespaces dump complete", Phase.DUMPING_PROCESSES),
                dump("Writing image inventory", Phase.DUMPING_PROCESSES),
                dump("Running post-dump scripts", Phase.DUMPING_PROCESSES),
                dump("Dumping opened files (pid:", Phase.DUMPING_FILES),
                dump("Dumping file-locks", Phase.DUMPING_FILES),
                dump("inet: Dumping inet socket", Phase.DUMPING_FILES),
                dump("unix: Dumping unix socket", Phase.DUMPING_FILES),
                dump("unix: Dumping external sockets", Phase.DUMPING_FILES),
                dump("tcp: Dumping TCP connection", Phase.DUMPING_FILES),
                dump("Dumping pages (type:", Phase.DUMPING_MEMORY),
                dump("page-xfer: Transferring pages", Phase.DUMPING_MEMORY),
                new Marker(ascii("Pre-dumping tasks' memory"), LogKind.PRE_DUMP, Phase.DUMPING_MEMORY, null, false),
                dump("Unfreezing tasks into", Phase.UNFREEZING),
                new Marker(ascii("Dumping finished successfully"), LogKind.DUMP, Phase.FINISHING, null, true),
                new Marker(ascii("Pre-dumping finished successfully"), LogKind.PRE_DUMP, Phase.FINISHING, null,
                        true),
                // restore
                restore("Wait until namespaces are created", Phase.PREPARING),
                restore("Running setup-namespaces scripts", Phase.PREPARING),
                restore("Restoring namespaces", Phase.PREPARING),
                restore("mnt: Restoring mount namespace", Phase.PREPARING),
                restore("Running post-setup-namespaces scripts", Phase.PREPARING),
                restore("Preparing info about shared resources", Phase.PREPARING),
                restore("Forking task with", Phase.FORKING),
                restore("Restoring children in", Phase.FORKING),
                restore("Restoring resources", Phase.RESTORING_RESOURCES),
                restore("Running post-restore scripts", Phase.RESUMING),
                restore("Run late stage hook", Phase.RESUMING),
                restore("Running pre-resume scripts", Phase.RESUMING),
                new Marker(ascii("Restore finished successfully"), LogKind.RESTORE, null, Phase.FINISHING, true),
                restore("Running post-resume scripts", Phase.FINISHING),
                // both
                new Marker(ascii("net: Unlock network"), null, Phase.UNFREEZING, Phase.RESUMING, false),
                new Marker(ascii("Running network-unlock scripts"), null, Phase.UNFREEZING, Phase.RESUMING, false),
                new Marker(ascii("Writing stats"), null, Phase.FINISHING, Phase.FINISHING, false));
        Marker[][] table = new Marker[128][];
        for (Marker m : all) {
            int c = m.text()[0];
            Marker[] old = table[c];
            Marker[] now = old == null ? new Marker[1] : Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = m;
            table[c] = now;
        }
        return table;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ================================================================== one analysis

    private final class Run {
        private final byte[] buf = new byte[BUFFER_SIZE];
        private long lineNo;
        private long criuLines;
        private boolean skipping;

        // ring of the last lines, for the context before the decisive line (and the tail of the log)
        private final long[] ringNo = new long[CONTEXT_BEFORE];
        private final int[] ringStart = new int[CONTEXT_BEFORE];
        private final int[] ringEnd = new int[CONTEXT_BEFORE];
        private final String[] ringText = new String[CONTEXT_BEFORE];
        private int ringHead;
        private int ringSize;

        // timestamps: the last one is parsed lazily (before its bytes are overwritten, or at the end)
        private double firstTime = Double.NaN;
        private double lastTime = Double.NaN;
        private int lastTsFrom = -1;
        private int lastTsTo;

        // timeline
        private Phase current;
        private double segmentStart;
        private final double[] phaseFirst = new double[Phase.values().length];
        private final double[] phaseLast = new double[Phase.values().length];
        private final double[] phaseBusy = new double[Phase.values().length];

        private final LineClassifier.Prefix prefix = new LineClassifier.Prefix();
        private final LineClassifier classifier = new LineClassifier();
        private LogKind kind = LogKind.UNKNOWN;
        private LogLine successLine;
        private LogLine failureLine;

        private long errors;
        private long warnings;
        private long harmlessErrors;
        private long harmlessWarnings;
        private final List<LogLine> realErrors = new ArrayList<>();
        private final List<NotableLine> realWarnings = new ArrayList<>();
        private final Set<String> harmlessSeen = new LinkedHashSet<>();

        private LogLine cause;
        private List<LogLine> causeContext;
        private int causeAfter;
        private PatternMatch causeMatch;
        private LogLine summary;
        private List<LogLine> summaryContext;
        private int summaryAfter;
        private PatternMatch summaryMatch;
        private PatternMatch errorMatch;
        private PatternMatch warnMatch;
        private int errorAttempts;
        private int warnAttempts;

        Run() {
            Arrays.fill(phaseFirst, Double.NaN);
            Arrays.fill(phaseLast, Double.NaN);
        }

        void scan(Source src) throws IOException {
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
                        line(pos, nl);
                    }
                    pos = nl + 1;
                }
                scanned = lim;
                if (eof) {
                    if (pos < lim && !skipping) {
                        line(pos, lim);
                    }
                    break;
                }
                if (skipping) {
                    pos = lim;
                } else if (pos == 0 && lim == buf.length) {
                    // one line longer than the buffer: keep its beginning, skip the rest
                    line(0, lim);
                    skipping = true;
                    pos = lim;
                }
                if (pos > 0) {
                    keepBeforeOverwrite();
                    int rest = lim - pos;
                    System.arraycopy(buf, pos, buf, 0, rest);
                    lim = rest;
                    scanned -= pos;
                    pos = 0;
                }
            }
        }

        /** Copies out what still points into the part of the buffer about to be reused. */
        private void keepBeforeOverwrite() {
            if (lastTsFrom >= 0) {
                lastTime = CriuLogParser.parseSeconds(buf, lastTsFrom, lastTsTo);
                lastTsFrom = -1;
            }
            for (int i = 0; i < ringSize; i++) {
                if (ringText[i] == null) {
                    ringText[i] = text(ringStart[i], ringEnd[i]);
                }
            }
        }

        private String text(int from, int to) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }

        // -------------------------------------------------------------- per line

        private void line(int s, int e) {
            if (e > s && buf[e - 1] == '\r') {
                e--;
            }
            lineNo++;
            if (causeAfter > 0 || summaryAfter > 0) {
                LogLine after = CriuLogParser.parseLine(lineNo, text(s, e));
                if (causeAfter > 0) {
                    causeContext.add(after);
                    causeAfter--;
                }
                if (summaryAfter > 0) {
                    summaryContext.add(after);
                    summaryAfter--;
                }
            }
            if (e > s) {
                classify(s, e);
            }
            if (cause == null) {
                int i = ringHead;
                ringNo[i] = lineNo;
                ringStart[i] = s;
                ringEnd[i] = e;
                ringText[i] = null;
                ringHead = i + 1 == CONTEXT_BEFORE ? 0 : i + 1;
                if (ringSize < CONTEXT_BEFORE) {
                    ringSize++;
                }
            }
        }

        private void classify(int s, int e) {
            LineClassifier.Prefix p = prefix;
            LineClassifier.scan(buf, s, e, p);
            if (p.hasTime()) {
                criuLines++;
                lastTsFrom = s + 1;
                lastTsTo = p.timeEnd;
                if (Double.isNaN(firstTime)) {
                    firstTime = CriuLogParser.parseSeconds(buf, s + 1, p.timeEnd);
                    current = Phase.PREPARING;
                    segmentStart = firstTime;
                    phaseFirst[Phase.PREPARING.ordinal()] = firstTime;
                }
            }
            if (p.logrus) {
                LogLine line = CriuLogParser.parseLine(lineNo, text(s, e));
                if (line.level() != LogLevel.INFO || !line.message().equals(line.text())) {
                    criuLines++;
                }
                levelled(line);
                return;
            }
            if (p.level != LogLevel.INFO) {
                if (!p.hasTime()) {
                    criuLines++; // an Error or Warn line of a log written without timestamps
                }
                levelled(CriuLogParser.parseLine(lineNo, text(s, e)));
                return;
            }
            if (p.hasTime()) {
                int m = p.body;
                if (m < e) {
                    int c = buf[m];
                    if (c > 0) {
                        Marker[] candidates = MARKERS[c];
                        if (candidates != null) {
                            marker(candidates, s, e, m, p.timeEnd);
                        }
                    }
                }
                return;
            }
            byte c = buf[s];
            for (byte[] plain : PLAIN_CAUSES) {
                if (c == plain[0] && startsWith(s, e, plain)) {
                    tryWarnMatch(CriuLogParser.parseLine(lineNo, text(s, e)));
                }
            }
        }

        /** An Error or Warn line; runc's INFO lines pass through. */
        private void levelled(LogLine line) {
            if (line.level() == LogLevel.ERROR) {
                error(line);
            } else if (line.level() == LogLevel.WARN) {
                warning(line);
            }
        }

        private boolean startsWith(int s, int e, byte[] p) {
            if (e - s < p.length) {
                return false;
            }
            for (int i = 0; i < p.length; i++) {
                if (buf[s + i] != p[i]) {
                    return false;
                }
            }
            return true;
        }

        private void marker(Marker[] candidates, int s, int e, int m, int close) {
            for (Marker mk : candidates) {
                if (!startsWith(m, e, mk.text())) {
                    continue;
                }
                LogKind hint = mk.kind();
                if (hint != null && (kind == LogKind.UNKNOWN || (kind == LogKind.DUMP && hint == LogKind.PRE_DUMP))) {
                    kind = hint;
                }
                Phase phase;
                if (kind == LogKind.RESTORE) {
                    phase = mk.restorePhase();
                } else if (kind.isDump()) {
                    phase = mk.dumpPhase();
                } else {
                    phase = mk.dumpPhase() == null ? mk.restorePhase()
                            : mk.restorePhase() == null ? mk.dumpPhase() : null;
                }
                if (phase != null || mk.success()) {
                    double t = CriuLogParser.parseSeconds(buf, s + 1, close);
                    if (phase != null) {
                        enter(phase, t);
                    }
                    if (mk.success() && successLine == null) {
                        successLine = CriuLogParser.parseLine(lineNo, text(s, e));
                    }
                }
                return;
            }
        }

        private void enter(Phase phase, double t) {
            if (phase == current) {
                return;
            }
            int c = current.ordinal();
            phaseBusy[c] += Math.max(0, t - segmentStart);
            phaseLast[c] = Double.isNaN(phaseLast[c]) ? t : Math.max(phaseLast[c], t);
            current = phase;
            segmentStart = Math.max(segmentStart, t);
            if (Double.isNaN(phaseFirst[phase.ordinal()])) {
                phaseFirst[phase.ordinal()] = t;
            }
        }

        // -------------------------------------------------------------- errors and warnings

        private void error(LogLine line) {
            errors++;
            String msg = line.message();
            LogKind failed = KnownNoise.failureMarker(msg);
            if (failed != null) {
                if (failureLine == null) {
                    failureLine = line;
                }
                if (kind == LogKind.UNKNOWN || (kind == LogKind.DUMP && failed == LogKind.PRE_DUMP)) {
                    kind = failed;
                }
            }
            LineClassifier.Classification c = classifier.classify(line);
            if (c.isHarmless()) {
                harmlessErrors++;
                harmlessSeen.add(c.harmless().id());
                return;
            }
            if (realErrors.size() < MAX_ERRORS) {
                realErrors.add(line);
            }
            boolean isSummary = KnownNoise.isConsequence(msg);
            if (cause == null && !isSummary) {
                cause = line;
                causeContext = ringLines();
                causeContext.add(line);
                causeAfter = CONTEXT_AFTER;
                causeMatch = knowledgeBase.matchCause(line, kind).orElse(null);
                return;
            }
            if (cause == null && summary == null) {
                summary = line;
                summaryContext = ringLines();
                summaryContext.add(line);
                summaryAfter = CONTEXT_AFTER;
                summaryMatch = knowledgeBase.matchCause(line, kind).orElse(null);
                return;
            }
            if (errorMatch == null && causeMatch == null && errorAttempts < MAX_MATCH_ATTEMPTS) {
                errorAttempts++;
                errorMatch = knowledgeBase.matchCause(line, kind).orElse(null);
            }
        }

        private void warning(LogLine line) {
            warnings++;
            LineClassifier.Classification c = classifier.classify(line);
            if (c.isHarmless()) {
                harmlessWarnings++;
                harmlessSeen.add(c.harmless().id());
                return;
            }
            if (realWarnings.size() < MAX_WARNINGS) {
                realWarnings.add(new NotableLine(line, knowledgeBase.match(line, kind).orElse(null)));
            }
            tryWarnMatch(line);
        }

        private void tryWarnMatch(LogLine line) {
            if (warnMatch == null && causeMatch == null && warnAttempts < MAX_MATCH_ATTEMPTS) {
                warnAttempts++;
                warnMatch = knowledgeBase.matchCause(line, kind).orElse(null);
            }
        }

        /** The ring's lines, oldest first, as a mutable list. */
        private List<LogLine> ringLines() {
            List<LogLine> lines = new ArrayList<>(CONTEXT_BEFORE + 1 + CONTEXT_AFTER);
            int first = ringSize < CONTEXT_BEFORE ? 0 : ringHead;
            for (int k = 0; k < ringSize; k++) {
                int i = (first + k) % CONTEXT_BEFORE;
                String t = ringText[i] != null ? ringText[i] : text(ringStart[i], ringEnd[i]);
                lines.add(CriuLogParser.parseLine(ringNo[i], t));
            }
            return lines;
        }

        // -------------------------------------------------------------- result

        LogAnalysis result() {
            if (lastTsFrom >= 0) {
                lastTime = CriuLogParser.parseSeconds(buf, lastTsFrom, lastTsTo);
                lastTsFrom = -1;
            }
            List<PhaseTiming> phases = new ArrayList<>();
            if (current != null) {
                double end = Math.max(lastTime, segmentStart);
                int c = current.ordinal();
                phaseBusy[c] += Math.max(0, end - segmentStart);
                phaseLast[c] = Double.isNaN(phaseLast[c]) ? end : Math.max(phaseLast[c], end);
                for (Phase p : Phase.values()) {
                    int i = p.ordinal();
                    if (!Double.isNaN(phaseFirst[i])) {
                        phases.add(new PhaseTiming(p, phaseFirst[i], phaseLast[i], phaseBusy[i]));
                    }
                }
                phases.sort((a, b) -> Double.compare(a.start(), b.start()));
            }
            Verdict verdict;
            LogLine verdictLine;
            if (successLine != null && failureLine == null) {
                verdict = Verdict.SUCCESS;
                verdictLine = successLine;
            } else if (failureLine != null || cause != null || summary != null) {
                verdict = Verdict.FAILURE;
                verdictLine = failureLine;
            } else {
                verdict = Verdict.INCOMPLETE;
                verdictLine = null;
            }
            LogLine decisive = cause != null ? cause : summary;
            List<LogLine> context = cause != null ? causeContext : summary != null ? summaryContext : ringLines();
            PatternMatch match = Optional.ofNullable(causeMatch)
                    .or(() -> Optional.ofNullable(cause == null ? summaryMatch : null))
                    .or(() -> Optional.ofNullable(errorMatch))
                    .or(() -> Optional.ofNullable(summaryMatch))
                    .or(() -> Optional.ofNullable(warnMatch))
                    .orElse(null);
            return new LogAnalysis(kind, verdict, lineNo, criuLines, errors, warnings, harmlessErrors,
                    harmlessWarnings, verdictLine, decisive, context, realErrors, realWarnings,
                    List.copyOf(harmlessSeen), match, phases, firstTime, lastTime);
        }
    }
}
