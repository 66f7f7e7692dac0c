package dev.dockercheckpoint.e2e;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.archive.AgeDecryption;
import dev.dockercheckpoint.core.archive.AgeEncryption;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import dev.dockercheckpoint.core.archive.Compression;
import dev.dockercheckpoint.engine.Engine;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rerunnable benchmark (not a test): export and import of a checkpoint holding 1 GiB of memory
 * against {@code zstd -1} on the same data ({@code tar | zstd -1} and {@code zstd -d | tar -x}),
 * interleaved, medians. Our side as a command (a JVM per run, as a user types it) and in a warm
 * JVM (as the helper will run it), there also with {@code verify} (every file read and hashed).
 * Two workloads: memhog (1 GiB of written pages, nearly all zeros: the best case for a
 * compressor) and a Python process holding 1 GiB of which half is random bytes. Run with
 * {@code sudo scripts/bench-archive [iterations]}.
 */
public final class ArchiveBenchmark {
    private final Engine engine = E2E.engine();
    private final Path jar = Path.of("target/docker-checkpoint.jar").toAbsolutePath();
    private final Path launcher = Path.of("packaging/docker-checkpoint").toAbsolutePath();
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final StringBuilder report = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ArchiveBenchmark bench = new ArchiveBenchmark();
        bench.report.append("# Export and import of a 1 GiB checkpoint against zstd -1\n\n")
                .append("Medians of ").append(iterations).append(" interleaved runs; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" processors; throughput = checkpoint")
                .append(" size / time. `java -jar` and `launcher` (packaging/docker-checkpoint: its class cache)")
                .append(" start a JVM per run, as a user's command does; `warm JVM` is the same code in a running")
                .append(" JVM (as the helper runs it). Ratios are zstd's time over ours: 1.00× is as fast.\n\n");
        try {
            TestImages.ensure(E2E.docker(), TestImages.PYTHON);
            bench.run("memhog: 1 GiB of written pages, nearly all zeros", E2E.TOOLS, List.of("memhog", "1024"),
                    "mem-0", iterations);
            bench.run("python: 1 GiB, half random bytes", TestImages.PYTHON, List.of("python3", "-c",
                    "import os, time\nblocks = [os.urandom(1 << 19) + bytes(1 << 19) for _ in range(1024)]\n"
                            + "print('ready', flush=True)\nwhile True:\n    time.sleep(1)"), "ready", iterations);
        } finally {
            E2E.removeAll();
        }
        Path out = Path.of(System.getProperty("bench.out", "target/benchmark-archive.md"));
        Files.writeString(out, bench.report.toString());
        System.out.println(bench.report);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0);
    }

    private void run(String title, String image, List<String> cmd, String readyLine, int iterations)
            throws Exception {
        String app = E2E.name("abench");
        E2E.runContainer(app, image, cmd.toArray(String[]::new));
        E2E.waitForLine(app, readyLine, Duration.ofSeconds(180));
        Path base = E2E.newBaseDir();
        Path work = E2E.newBaseDir();
        String age = dev.dockercheckpoint.engine.HostTools.which("age").map(Path::toString).orElse(null);
        Path ageKey = work.resolve("age-key.txt");
        java.security.KeyPair pair = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair();
        Files.writeString(ageKey, pair.getPrivate() + "\n");
        String agePublic = pair.getPublic().toString();
        try {
            engine.checkpoint(new CheckpointRequest(app, "cp1", base, new CheckpointOptions(false, true, true, false,
                    false)), ProgressListener.NONE);
            E2E.remove(app);
            Path dir = base.resolve(app).resolve("cp1");
            long size = Posix.treeSize(dir);
            CheckpointStore.Stored stored = new CheckpointStore(base).open(app, "cp1");
            Path ours = work.resolve("ours.tar.zst");
            Path theirs = work.resolve("zstd.tar.zst");
            Map<String, List<Double>> ms = new LinkedHashMap<>();
            for (String k : List.of("export", "export-launcher", "export-warm", "export-verify", "zstd", "import",
                    "import-launcher",
                    "import-warm", "unzstd", "pipe", "zstd-pipe", "export-age", "import-age", "zstd-age",
                    "age-unzstd")) {
                ms.put(k, new ArrayList<>());
            }
            readAll(dir); // every run reads from the page cache
            for (int i = 0; i < iterations + 1; i++) {
                boolean warmup = i == 0;
                Files.deleteIfExists(ours);
                Files.deleteIfExists(theirs);
                record(ms, "export", warmup, timed(List.of(List.of(java, "-jar", jar.toString(), "export",
                        "-container", app, "-name", "cp1", "-dir", base.toString(), "-o", ours.toString())), null));
                record(ms, "zstd", warmup, timed(List.of(List.of("tar", "-C", dir.toString(), "-cf", "-", "."),
                        List.of("zstd", "-1", "-q", "-c")), theirs.toFile()));
                Files.deleteIfExists(ours);
                record(ms, "export-launcher", warmup, timed(List.of(List.of(launcher.toString(), "export",
                        "-container", app, "-name", "cp1", "-dir", base.toString(), "-o", ours.toString())), null));
                Path in0 = Files.createTempDirectory(work, "in");
                record(ms, "import-launcher", warmup, timed(List.of(List.of(launcher.toString(), "import",
                        ours.toString(), "-dir", in0.toString())), null));
                Path in1 = Files.createTempDirectory(work, "in");
                record(ms, "import", warmup, timed(List.of(List.of(java, "-jar", jar.toString(), "import",
                        ours.toString(), "-dir", in1.toString())), null));
                Path in2 = Files.createTempDirectory(work, "in");
                record(ms, "unzstd", warmup, timed(List.of(List.of("zstd", "-d", "-q", "-c", theirs.toString()),
                        List.of("tar", "-x", "-C", in2.toString())), null));
                Path in3 = Files.createTempDirectory(work, "in");
                record(ms, "pipe", warmup, timed(List.of(List.of(launcher.toString(), "export",
                        "-container", app, "-name", "cp1", "-dir", base.toString(), "-o", "-"),
                        List.of(launcher.toString(), "import", "-", "-dir", in3.toString())), null));
                Path in5 = Files.createTempDirectory(work, "in");
                record(ms, "zstd-pipe", warmup, timed(List.of(List.of("tar", "-C", dir.toString(), "-cf", "-", "."),
                        List.of("zstd", "-1", "-q", "-c"), List.of("zstd", "-d", "-q", "-c"),
                        List.of("tar", "-x", "-C", in5.toString())), null));
                Path warm = work.resolve("warm.tar.zst");
                long t = System.nanoTime();
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(warm), 1 << 16)) {
                    ArchiveExporter.export(stored, o, Compression.ZSTD, "bench", ArchiveProgress.NONE);
                }
                record(ms, "export-warm", warmup, (System.nanoTime() - t) / 1e6);
                // --verify: every file read and hashed against the checkpoint's checksums
                Files.delete(warm);
                t = System.nanoTime();
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(warm), 1 << 16)) {
                    ArchiveExporter.export(stored, o, Compression.ZSTD, null, "bench", ArchiveProgress.NONE, null,
                            true);
                }
                record(ms, "export-verify", warmup, (System.nanoTime() - t) / 1e6);
                Path in4 = Files.createTempDirectory(work, "in");
                t = System.nanoTime();
                try (InputStream in = Files.newInputStream(warm)) {
                    ArchiveImporter.importArchive(in, new CheckpointStore(in4), null, null,
                            ArchiveImporter.Limits.DEFAULT, ArchiveProgress.NONE);
                }
                record(ms, "import-warm", warmup, (System.nanoTime() - t) / 1e6);
                // encrypted with age to one X25519 key, warm; against tar | zstd -1 | age -r and age -d | zstd -d | tar -x
                Path sealed = work.resolve("warm.tar.zst.age");
                t = System.nanoTime();
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(sealed), 1 << 16)) {
                    ArchiveExporter.export(stored, o, Compression.ZSTD, AgeEncryption.toRecipients(
                            List.of(agePublic)), "bench", ArchiveProgress.NONE);
                }
                record(ms, "export-age", warmup, (System.nanoTime() - t) / 1e6);
                Path in6 = Files.createTempDirectory(work, "in");
                t = System.nanoTime();
                try (InputStream in = Files.newInputStream(sealed)) {
                    ArchiveImporter.importArchive(in, new CheckpointStore(in6), null, null,
                            ArchiveImporter.Limits.DEFAULT, AgeDecryption.withIdentityFiles(List.of(ageKey)),
                            ArchiveProgress.NONE);
                }
                record(ms, "import-age", warmup, (System.nanoTime() - t) / 1e6);
                Path theirsSealed = work.resolve("zstd.tar.zst.age");
                if (age != null) {
                    record(ms, "zstd-age", warmup, timed(List.of(List.of("tar", "-C", dir.toString(), "-cf", "-",
                            "."), List.of("zstd", "-1", "-q", "-c"), List.of(age, "-r", agePublic)),
                            theirsSealed.toFile()));
                    Path in7 = Files.createTempDirectory(work, "in");
                    record(ms, "age-unzstd", warmup, timed(List.of(List.of(age, "-d", "-i", ageKey.toString(),
                            theirsSealed.toString()), List.of("zstd", "-d", "-q", "-c"), List.of("tar", "-x", "-C",
                            in7.toString())), null));
                    Posix.deleteTree(in7);
                }
                for (Path p : List.of(in0, in1, in2, in3, in4, in5, in6, warm, sealed)) {
                    Posix.deleteTree(p);
                }
                System.out.printf(Locale.ROOT, "%s: run %d done%n", title, i);
            }
            long oursSize = Files.size(ours);
            long theirSize = Files.size(theirs);
            double gib = size / (double) (1L << 30);
            report.append("## ").append(title).append("\n\n")
                    .append(String.format(Locale.ROOT, "Checkpoint %.2f GiB; archive %s (zstd -1, our tar) and %s"
                            + " (tar | zstd -1).%n%n", gib, mib(oursSize), mib(theirSize)))
                    .append("| | `java -jar` | launcher | warm JVM | zstd -1 | ratio: `java -jar` / launcher /"
                            + " warm JVM |\n")
                    .append("|---|---|---|---|---|---|\n");
            row("export (zstd: `tar \\| zstd -1`)", ms.get("export"), ms.get("export-launcher"), ms.get("export-warm"),
                    ms.get("zstd"), size);
            row("import (zstd: `zstd -d \\| tar -x`)", ms.get("import"), ms.get("import-launcher"),
                    ms.get("import-warm"), ms.get("unzstd"), size);
            double verify = median(ms.get("export-verify"));
            report.append(String.format(Locale.ROOT, "| export --verify (every file read and hashed) | | | %s | %s |"
                    + " %.2f× (warm JVM); %.2f× of our plain export |%n", fmt(verify, size), fmt(median(ms.get("zstd")),
                    size), median(ms.get("zstd")) / verify, median(ms.get("export-warm")) / verify));
            double pipe = median(ms.get("pipe"));
            double zpipe = median(ms.get("zstd-pipe"));
            report.append(String.format(Locale.ROOT, "| `export -o - \\| import -` (zstd: `tar \\| zstd -1 \\|"
                    + " zstd -d \\| tar -x`) | | %s | | %s | %.2f× (launcher) |%n", fmt(pipe, size), fmt(zpipe, size),
                    zpipe / pipe));
            double ea = median(ms.get("export-age"));
            double ia = median(ms.get("import-age"));
            report.append(String.format(Locale.ROOT, "| export encrypted with age, 1 recipient (age: `tar \\| zstd -1"
                    + " \\| age -r`) | | | %s | %s | %.2f× (warm JVM); %.2f× of our plain export |%n", fmt(ea, size),
                    age == null ? "" : fmt(median(ms.get("zstd-age")), size), median(ms.get("zstd-age")) / ea,
                    median(ms.get("export-warm")) / ea));
            report.append(String.format(Locale.ROOT, "| import of it (age: `age -d \\| zstd -d \\| tar -x`) | | | %s |"
                    + " %s | %.2f× (warm JVM); %.2f× of our plain import |%n%n", fmt(ia, size),
                    age == null ? "" : fmt(median(ms.get("age-unzstd")), size), median(ms.get("age-unzstd")) / ia,
                    median(ms.get("import-warm")) / ia));
        } finally {
            E2E.deleteTree(base);
            E2E.deleteTree(work);
        }
    }

    private void row(String what, List<Double> command, List<Double> launched, List<Double> warm, List<Double> zstd,
            long size) {
        double z = median(zstd);
        report.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f× / %.2f× / %.2f× |%n", what,
                fmt(median(command), size), fmt(median(launched), size), fmt(median(warm), size), fmt(z, size),
                z / median(command), z / median(launched), z / median(warm)));
    }

    private static String fmt(double ms, long size) {
        return String.format(Locale.ROOT, "%.2f s (%.0f MiB/s)", ms / 1000, size / (double) (1 << 20) / (ms / 1000));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private static void record(Map<String, List<Double>> ms, String key, boolean warmup, double millis) {
        if (!warmup) {
            ms.get(key).add(millis);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Runs a pipeline of commands (argument lists) and returns its wall time in ms; fails on a non-zero exit. */
    private static double timed(List<List<String>> commands, File output) throws IOException, InterruptedException {
        List<ProcessBuilder> builders = new ArrayList<>();
        for (List<String> c : commands) {
            builders.add(new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.DISCARD));
        }
        builders.getLast().redirectOutput(output == null ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.to(output));
        long t = System.nanoTime();
        List<Process> ps = ProcessBuilder.startPipeline(builders);
        for (Process p : ps) {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", commands.get(ps.indexOf(p))) + " failed");
            }
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
