package dev.dockercheckpoint.core.archive;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Rerunnable benchmark (not a test), without Docker: a warm export of a synthetic checkpoint
 * holding 1 GiB of memory image, with and without {@code verify}, against {@code tar | zstd -1}
 * on the same directory, interleaved, medians; also the processor time of each side (ours: the
 * whole JVM's; theirs: tar's and zstd's). Two kinds of pages: nearly all zeros (as memhog's) and
 * half random bytes. Run with {@code scripts/bench-archive --synthetic [iterations]}.
 */
public final class SyntheticArchiveBenchmark {
    private static final long SIZE = 1L << 30;

    private SyntheticArchiveBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path work = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("/tmp"), "dcp-xbench");
        try {
            for (boolean random : new boolean[] {false, true}) {
                run(work.resolve(random ? "random" : "zeros"), random, iterations);
            }
        } finally {
            Posix.deleteTree(work);
        }
        System.exit(0);
    }

    private static void run(Path base, boolean random, int iterations) throws Exception {
        CheckpointStore.Stored stored = checkpoint(base, random);
        Path out = base.resolve("out.tar.zst");
        Map<String, List<double[]>> ms = new LinkedHashMap<>();
        for (String k : List.of("export", "export --verify", "tar | zstd -1")) {
            ms.put(k, new ArrayList<>());
        }
        for (int i = 0; i < iterations + 1; i++) {
            for (String k : ms.keySet()) {
                Files.deleteIfExists(out);
                double[] t = k.startsWith("tar") ? zstd(stored.dir(), out) : export(stored, out, k.contains("verify"));
                if (i > 0) {
                    ms.get(k).add(t);
                }
            }
        }
        double zstd = median(ms.get("tar | zstd -1"), 0);
        System.out.printf(Locale.ROOT, "%s (%d runs, archive %.1f MiB):%n", random ? "half random bytes"
                : "nearly all zeros", iterations, Files.size(out) / 1048576.0);
        for (var e : ms.entrySet()) {
            double wall = median(e.getValue(), 0);
            double cpu = median(e.getValue(), 1);
            System.out.printf(Locale.ROOT, "  %-16s %6.2f s wall, %6.2f s cpu, %.2fx of zstd's throughput%n",
                    e.getKey(), wall / 1000, cpu / 1000, zstd / wall);
        }
        Posix.deleteTree(base);
    }

    private static double[] export(CheckpointStore.Stored stored, Path file, boolean verify) throws IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long t = System.nanoTime();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ArchiveExporter.export(stored, o, Compression.ZSTD, null, "bench", ArchiveProgress.NONE, null, verify);
        }
        return new double[] {(System.nanoTime() - t) / 1e6, (os.getProcessCpuTime() - cpu) / 1e6};
    }

    private static double[] zstd(Path dir, Path file) throws IOException, InterruptedException {
        double cpu = childrenCpuMillis();
        long t = System.nanoTime();
        List<Process> ps = ProcessBuilder.startPipeline(List.of(
                new ProcessBuilder("tar", "-C", dir.toString(), "-cf", "-", "."),
                new ProcessBuilder("zstd", "-1", "-q", "-c").redirectOutput(file.toFile())));
        for (Process p : ps) {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("tar | zstd failed");
            }
        }
        double wall = (System.nanoTime() - t) / 1e6;
        return new double[] {wall, childrenCpuMillis() - cpu};
    }

    /** The processor time of this process's children that have ended (tar and zstd): /proc/self/stat. */
    private static double childrenCpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state is field 3, cutime 16 and cstime 17 (in clock ticks of 10 ms)
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10.0;
    }

    private static CheckpointStore.Stored checkpoint(Path base, boolean random) throws IOException {
        CheckpointStore store = new CheckpointStore(base);
        CheckpointStore.Pending p = store.create("bench", "cp1");
        Random r = new Random(7);
        for (String f : List.of("inventory.img", "pstree.img", "core-1.img", "mm-1.img", "pagemap-1.img")) {
            byte[] b = new byte[4096];
            r.nextBytes(b);
            Files.write(p.dir().resolve(f), b);
        }
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(p.dir().resolve("pages-1.img"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (long done = 0; done < SIZE; done += block.capacity()) {
                byte[] a = block.array();
                java.util.Arrays.fill(a, (byte) 0);
                if (random) {
                    byte[] noise = new byte[a.length / 2];
                    r.nextBytes(noise);
                    System.arraycopy(noise, 0, a, 0, noise.length);
                } else {
                    for (int i = 0; i < a.length; i += 65536) {
                        a[i] = (byte) r.nextInt();
                    }
                }
                ch.write(block.clear());
            }
        }
        Files.writeString(p.dir().resolve("dump.log"), "(00.1) Dumping finished successfully\n");
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        p.commit();
        return store.open("bench", "cp1");
    }

    private static double median(List<double[]> values, int index) {
        List<Double> sorted = new ArrayList<>(values.stream().map(v -> v[index]).toList());
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
