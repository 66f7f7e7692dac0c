package dev.dockercheckpoint.core.criulog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Speed of the log diagnosis against {@code grep -c Error} on a ~200 MB CRIU log. Not a test: run it by
 * hand, with a small heap to show the memory stays constant:
 *
 * <pre>
 *   mvn -q -B test-compile
 *   java -Xmx64m -cp target/classes:target/test-classes \
 *       dev.dockercheckpoint.core.criulog.LogDiagnosisBenchmark [runs] [megabytes]
 * </pre>
 *
 * The log is built in /tmp from the captured logs: the header of dump-success-tcp.log, then its body
 * (the per-task dumping) repeated with increasing timestamps, then the failing part of
 * dump-tcp-without-flag.log, so the decisive "Connected TCP socket" error sits near the end and the
 * whole file must be read. Each run times grep (a child process, as a user would run it) and then the
 * full parse and diagnosis; the medians and their ratio are printed. The file is deleted afterwards
 * unless {@code -Dcriulog.benchmark.keep=true} (then a rerun reuses it).
 */
public final class LogDiagnosisBenchmark {
    private static final Path RESOURCES = Path.of("src/test/resources/criulogs");

    private LogDiagnosisBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path file = Path.of("/tmp/criu-benchmark-" + megabytes + "m.log");
        long t0 = System.nanoTime();
        build(file, megabytes * 1_000_000L);
        System.out.printf(Locale.ROOT, "log: %s, %.1f MB, built in %.1f s%n", file, Files.size(file) / 1e6,
                (System.nanoTime() - t0) / 1e9);

        // warm up both (JIT, page cache)
        for (int i = 0; i < 2; i++) {
            grep(file);
            diagnose(file);
        }
        resetPeaks();
        long[] grepNs = new long[runs];
        long[] oursNs = new long[runs];
        String grepCount = null;
        Diagnosis diagnosis = null;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            grepCount = grep(file);
            grepNs[i] = System.nanoTime() - s;
            s = System.nanoTime();
            diagnosis = diagnose(file);
            oursNs[i] = System.nanoTime() - s;
            System.out.printf(Locale.ROOT, "run %d: grep %6.1f ms, parse+diagnosis %6.1f ms%n", i + 1,
                    grepNs[i] / 1e6, oursNs[i] / 1e6);
        }
        double grepMs = median(grepNs) / 1e6;
        double oursMs = median(oursNs) / 1e6;
        System.out.printf(Locale.ROOT, "grep -c Error: %s matching lines%n", grepCount);
        System.out.printf(Locale.ROOT, "diagnosis: %s [%s] at line %d%n", diagnosis.title(), diagnosis.patternId(),
                diagnosis.decisiveLine() == null ? -1 : diagnosis.decisiveLine().number());
        System.out.printf(Locale.ROOT, "median grep: %.1f ms, median parse+diagnosis: %.1f ms, ratio %.2f (target <= 1.5)%n",
                grepMs, oursMs, oursMs / grepMs);
        System.out.printf(Locale.ROOT, "throughput: %.0f MB/s; heap: max %d MB, peak used %.1f MB%n",
                Files.size(file) / 1e6 / (oursMs / 1e3), Runtime.getRuntime().maxMemory() >> 20, peakHeap() / 1e6);
        if (!Boolean.getBoolean("criulog.benchmark.keep")) {
            Files.delete(file);
        }
    }

    private static Diagnosis diagnose(Path file) throws IOException {
        return CriuLogAnalyzer.analyze(file).diagnosis();
    }

    private static String grep(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("grep", "-c", "Error", file.toString()))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        p.waitFor();
        return out;
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    // ------------------------------------------------------------------ building the log

    /** Writes a log of about {@code bytes} bytes unless one of that size is already there. */
    static void build(Path file, long bytes) throws IOException {
        if (Files.isRegularFile(file) && Math.abs(Files.size(file) - bytes) < bytes / 10) {
            return;
        }
        List<String> ok = Files.readAllLines(RESOURCES.resolve("dump-success-tcp.log"), StandardCharsets.UTF_8);
        List<String> bad = Files.readAllLines(RESOURCES.resolve("dump-tcp-without-flag.log"), StandardCharsets.UTF_8);
        int bodyFrom = indexOf(ok, "Dumping task (pid:", 0);
        int bodyTo = indexOf(ok, "mnt: Dumping mountpoints", bodyFrom);
        List<String> header = ok.subList(0, bodyFrom);
        List<String> body = ok.subList(bodyFrom, bodyTo);
        // the failing task of the bad log, from its "Dumping task" to the end
        int tailFrom = indexOf(bad, "Dumping task (pid: 29902", 0);
        List<String> tail = bad.subList(tailFrom, bad.size());

        double bodyStart = time(body.get(0));
        double span = time(body.get(body.size() - 1)) - bodyStart + 0.0001;
        long bodyBytes = body.stream().mapToLong(l -> l.length() + 1).sum();
        long repeats = Math.max(1, bytes / bodyBytes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (String l : header) {
                w.write(l);
                w.write('\n');
            }
            StringBuilder sb = new StringBuilder(256);
            double offset = 0;
            for (long k = 0; k < repeats; k++) {
                for (String l : body) {
                    w.write(shift(l, offset, sb));
                    w.write('\n');
                }
                offset += span;
            }
            double tailShift = bodyStart + offset - time(tail.get(0));
            for (String l : tail) {
                w.write(shift(l, tailShift, sb));
                w.write('\n');
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int indexOf(List<String> lines, String text, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new IllegalStateException("no line with " + text);
    }

    /** Index of the ')' closing the line's timestamp, or -1. */
    private static int timestampEnd(String line) {
        LineClassifier.Prefix p = new LineClassifier.Prefix();
        LineClassifier.scan(line, p);
        return p.timeEnd;
    }

    private static double time(String line) {
        int close = timestampEnd(line);
        return close < 0 ? 0 : CriuLogParser.parseSeconds(line, 1, close);
    }

    /** The line with its timestamp moved by {@code offset} seconds. */
    private static String shift(String line, double offset, StringBuilder sb) {
        int close = timestampEnd(line);
        if (close < 0) {
            return line;
        }
        long micros = Math.round((CriuLogParser.parseSeconds(line, 1, close) + offset) * 1e6);
        sb.setLength(0);
        sb.append('(');
        long sec = micros / 1_000_000;
        long frac = micros % 1_000_000;
        if (sec < 10) {
            sb.append('0');
        }
        sb.append(sec).append('.');
        String f = Long.toString(frac);
        sb.append("000000", 0, 6 - f.length()).append(f);
        sb.append(line, close, line.length());
        return sb.toString();
    }
}
