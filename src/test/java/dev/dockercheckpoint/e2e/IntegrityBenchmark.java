package dev.dockercheckpoint.e2e;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.Sha256;
import dev.dockercheckpoint.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rerunnable benchmark (not a test): what the checksums of a checkpoint holding 1 GiB of memory
 * cost. Per run, a checkpoint of the same running container (leave-running): the time its
 * checksums took (the {@code checksums} timing of container.json, after the thaw) beside the
 * downtime; then the check of the stored checkpoint in a warm JVM (as the helper and a restore run
 * it), the command {@code verify-checkpoint} (a JVM per run) and {@code sha256sum} over the same
 * files. Medians. Run with {@code sudo scripts/bench-integrity [runs]}.
 */
public final class IntegrityBenchmark {
    private final Engine engine = E2E.engine();
    private final Path jar = Path.of("target/docker-checkpoint.jar").toAbsolutePath();
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        StringBuilder report = new StringBuilder();
        try {
            new IntegrityBenchmark().run(runs, report);
        } finally {
            E2E.removeAll();
        }
        Path out = Path.of(System.getProperty("bench.out", "target/benchmark-integrity.md"));
        Files.writeString(out, report.toString());
        System.out.println(report);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    private void run(int runs, StringBuilder report) throws Exception {
        String app = E2E.name("ibench");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "1024");
        E2E.waitForLine(app, "mem-0", Duration.ofSeconds(180));
        Path base = E2E.newBaseDir();
        try {
            List<Double> record = new ArrayList<>();
            List<Double> downtime = new ArrayList<>();
            List<Double> total = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> warmCpu = new ArrayList<>();
            List<Double> command = new ArrayList<>();
            List<Double> sha256sum = new ArrayList<>();
            long size = 0;
            int files = 0;
            CheckpointStore store = new CheckpointStore(base);
            for (int i = 0; i <= runs; i++) {
                boolean warmup = i == 0;
                String name = "cp" + i;
                CheckpointResult r = engine.checkpoint(new CheckpointRequest(app, name, base, new CheckpointOptions(
                        true, true, true, false, false)), ProgressListener.NONE);
                Path dir = r.dir();
                Checksums sums = IntegrityCheck.read(dir);
                size = sums.entries().stream().filter(e -> !e.isLink()).mapToLong(Checksums.Entry::size).sum();
                files = sums.entries().size();
                readAll(dir); // every check reads from the page cache, as right after a checkpoint
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu = os.getProcessCpuTime();
                long t = System.nanoTime();
                IntegrityReport check = store.verifyIntegrity(app, name, ProgressListener.NONE);
                double warmMs = (System.nanoTime() - t) / 1e6;
                double cpuMs = (os.getProcessCpuTime() - cpu) / 1e6;
                if (check.state() != dev.dockercheckpoint.core.Integrity.State.VERIFIED) {
                    throw new IllegalStateException("not verified: " + check);
                }
                double cmdMs = timed(List.of(java, "-jar", jar.toString(), "verify-checkpoint", "-container", app,
                        "-name", name, "-dir", base.toString()));
                List<String> sha = new ArrayList<>(List.of("sha256sum"));
                sums.entries().stream().filter(e -> !e.isLink()).forEach(e -> sha.add(dir.resolve(e.path())
                        .toString()));
                double shaMs = timed(sha);
                if (!warmup) {
                    record.add(r.manifest().timingsMillis().get("checksums").doubleValue());
                    downtime.add(r.manifest().downtimeMillis());
                    total.add(r.manifest().timingsMillis().get("total").doubleValue());
                    warm.add(warmMs);
                    warmCpu.add(cpuMs);
                    command.add(cmdMs);
                    sha256sum.add(shaMs);
                }
                Posix.deleteTree(dir);
                System.out.printf(Locale.ROOT, "run %d: record %d ms, check %.0f ms, command %.0f ms, sha256sum %.0f"
                        + " ms%n", i, r.manifest().timingsMillis().get("checksums"), warmMs, cmdMs, shaMs);
            }
            double mib = size / (double) (1 << 20);
            report.append("# Checksums of a checkpoint holding 1 GiB of memory\n\n")
                    .append(String.format(Locale.ROOT, "memhog 1024 (1 GiB written), %d recorded entries, %.0f MiB;"
                            + " medians of %d runs after a warm-up; %d processors; SHA-256 by %s.%n%n", files, mib,
                            runs, Runtime.getRuntime().availableProcessors(), Sha256.implementation()))
                    .append("| step | time | throughput |\n|---|---|---|\n")
                    .append(row("recording at checkpoint time (after the thaw; in container.json's timings)",
                            median(record), mib))
                    .append(row("checking the stored checkpoint, warm JVM (helper, restore)", median(warm), mib))
                    .append(row("`verify-checkpoint` command (`java -jar`, a JVM per run)", median(command), mib))
                    .append(row("`sha256sum` of the same files", median(sha256sum), mib))
                    .append(String.format(Locale.ROOT, "%nThe check in a warm JVM used %.0f ms of processor time"
                            + " (%.0f MiB/s of CPU); the load average was %.1f when the report was written. The"
                            + " checkpoint itself: %.0f ms in all, downtime %.0f ms (hashing is not part of it).%n",
                            median(warmCpu), mib / (median(warmCpu) / 1000), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), median(total),
                            median(downtime)));
        } finally {
            E2E.deleteTree(base);
        }
    }

    private static String row(String what, double ms, double mib) {
        return String.format(Locale.ROOT, "| %s | %.0f ms | %.0f MiB/s |%n", what, ms, mib / (ms / 1000));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double timed(List<String> command) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, 2)) + " failed");
        }
        return (System.nanoTime() - t) / 1e6;
    }

    private static void readAll(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
        }
    }
}
