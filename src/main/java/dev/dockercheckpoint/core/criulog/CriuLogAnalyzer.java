package dev.dockercheckpoint.core.criulog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a whole CRIU log once and tells what happened: dump or restore, success or failure, the
 * decisive error with the lines around it, the known cause and fix, Error/Warn counts and a timeline.
 *
 * <p>Built for large logs: the input is read as bytes into one 1 MiB buffer that is reused, lines
 * are found eight bytes at a time ({@link LineScanner}), and a line becomes a {@code String} only when
 * it matters (an Error or Warn line, a phase marker, the context of the decisive error). Every other
 * line costs a newline search and a look at its first few bytes. Memory stays constant whatever the
 * size of the log.
 *
 * <p>The parts: {@link PhaseMarkers} (the INFO-line messages looked for, as data), {@link PhaseTimeline},
 * {@link LineCounts} (Error and Warn lines counted and kept), {@link DecisiveError} (the decisive line,
 * its context from a {@link ContextRing}, and the pattern that explains it); this class reads the log
 * once and hands each line to them.
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
        return new Run().analyze((b, off, len) -> ch.read(ByteBuffer.wrap(b, off, len)));
    }

    public LogAnalysis analyze(InputStream in) throws IOException {
        return new Run().analyze(in::read);
    }

    /** One analysis: told every line by the scanner, it hands each to the part that wants it. */
    private final class Run implements LineScanner.Lines {
        private final LineScanner scanner = new LineScanner();
        private final byte[] buf = scanner.buffer();
        private final ContextRing ring = new ContextRing(buf);
        private final PhaseTimeline timeline = new PhaseTimeline();
        private final LineCounts counts = new LineCounts(knowledgeBase);
        private final DecisiveError decisive = new DecisiveError(knowledgeBase, ring);
        private final LineClassifier.Prefix prefix = new LineClassifier.Prefix();

        private long lineNo;
        private long criuLines;
        // timestamps: the last one is parsed lazily (before its bytes are overwritten, or at the end)
        private double firstTime = Double.NaN;
        private double lastTime = Double.NaN;
        private int lastTsFrom = -1;
        private int lastTsTo;

        private LogKind kind = LogKind.UNKNOWN;
        private LogLine successLine;
        private LogLine failureLine;

        LogAnalysis analyze(LineScanner.Source src) throws IOException {
            scanner.scan(src, this);
            return result();
        }

        @Override
        public void beforeOverwrite() {
            parseLastTime();
            ring.keepText();
        }

        private void parseLastTime() {
            if (lastTsFrom >= 0) {
                lastTime = CriuLogParser.parseSeconds(buf, lastTsFrom, lastTsTo);
                lastTsFrom = -1;
            }
        }

        private String text(int from, int to) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }

        // -------------------------------------------------------------- per line

        @Override
        public void line(int s, int e) {
            lineNo++;
            if (decisive.wantsNextLine()) {
                decisive.nextLine(CriuLogParser.parseLine(lineNo, text(s, e)));
            }
            if (e > s) {
                classify(s, e);
            }
            if (!decisive.hasCause()) {
                ring.add(lineNo, s, e);
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
                    timeline.start(firstTime);
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
                PhaseMarkers.Marker marker = PhaseMarkers.find(buf, p.body, e);
                if (marker != null) {
                    marker(marker, s, e, p.timeEnd);
                }
                return;
            }
            if (PhaseMarkers.isPlainCause(buf, s, e)) {
                decisive.warning(CriuLogParser.parseLine(lineNo, text(s, e)), kind);
            }
        }

        /** An Error or Warn line; runc's INFO lines pass through. */
        private void levelled(LogLine line) {
            if (line.level() == LogLevel.ERROR) {
                LogKind failed = KnownNoise.failureMarker(line.message());
                if (failed != null) {
                    if (failureLine == null) {
                        failureLine = line;
                    }
                    hint(failed);
                }
                if (counts.error(line)) {
                    decisive.error(line, kind);
                }
            } else if (line.level() == LogLevel.WARN && counts.warning(line, kind)) {
                decisive.warning(line, kind);
            }
        }

        private void marker(PhaseMarkers.Marker marker, int s, int e, int close) {
            hint(marker.kind());
            Phase phase = marker.phase(kind);
            if (phase != null || marker.success()) {
                double t = CriuLogParser.parseSeconds(buf, s + 1, close);
                if (phase != null) {
                    timeline.enter(phase, t);
                }
                if (marker.success() && successLine == null) {
                    successLine = CriuLogParser.parseLine(lineNo, text(s, e));
                }
            }
        }

        /** Takes {@code hint} (when not null) as the log's kind unless it is known; a dump may turn out a pre-dump. */
        private void hint(LogKind hint) {
            if (hint != null && (kind == LogKind.UNKNOWN || (kind == LogKind.DUMP && hint == LogKind.PRE_DUMP))) {
                kind = hint;
            }
        }

        // -------------------------------------------------------------- result

        LogAnalysis result() {
            parseLastTime();
            Verdict verdict;
            LogLine verdictLine;
            if (successLine != null && failureLine == null) {
                verdict = Verdict.SUCCESS;
                verdictLine = successLine;
            } else if (failureLine != null || decisive.found()) {
                verdict = Verdict.FAILURE;
                verdictLine = failureLine;
            } else {
                verdict = Verdict.INCOMPLETE;
                verdictLine = null;
            }
            return new LogAnalysis(kind, verdict, lineNo, criuLines, counts.errors(), counts.warnings(),
                    counts.harmlessErrors(), counts.harmlessWarnings(), verdictLine, decisive.line(),
                    decisive.context(), counts.realErrors(), counts.realWarnings(), counts.harmlessSeen(),
                    decisive.match(), timeline.finish(lastTime), firstTime, lastTime);
        }
    }
}
