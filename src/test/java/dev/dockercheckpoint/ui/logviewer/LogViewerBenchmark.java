package dev.dockercheckpoint.ui.logviewer;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Benchmark of the log viewer on a 200 MB CRIU-like log (not a unit test: run it by hand).
 *
 * <p>Measures, in a headless Monocle stage: time until the first screen of lines shows text, time
 * to index the whole log, the worst latency of a Platform.runLater ping posted every 50 ms while
 * indexing (does the FX thread stay responsive?), a jump to the middle and a search to the end,
 * and the heap: the peak sampled every 10 ms and what stays after GC.
 *
 * <p>Run from the project root:
 * <pre>
 * export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
 * mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * $JAVA_HOME/bin/java -Xmx256m --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
 *     -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     dev.dockercheckpoint.ui.logviewer.LogViewerBenchmark [megabytes, default 200] [log file]
 * </pre>
 * The log is generated once as /tmp/docker-checkpoint-bench-&lt;MB&gt;mb.log and reused.
 */
public final class LogViewerBenchmark {
    private static final long PING_MS = 50;

    private LogViewerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the same headless set-up as the surefire configuration in pom.xml
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("java.awt.headless", "true");

        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 200;
        Path file = args.length > 1 ? Path.of(args[1]) : Path.of("/tmp/docker-checkpoint-bench-" + megabytes + "mb.log");
        long bytes = megabytes * 1024 * 1024;
        if (!Files.isRegularFile(file) || Files.size(file) < bytes) {
            long t = System.nanoTime();
            int lines = LogFixtures.writeAtLeast(file, bytes);
            System.out.printf(Locale.ROOT, "generated %s: %,d bytes, %,d lines in %d ms%n", file, Files.size(file), lines,
                    ms(System.nanoTime() - t));
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "log %s, %,d bytes; max heap %d MB; GC %s%n", file, Files.size(file),
                memory.getHeapMemoryUsage().getMax() / (1024 * 1024),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
        long cold = warmUp();
        System.out.printf(Locale.ROOT, "cold toolkit: first viewer (10-line log) shown in %d ms (not counted below)%n",
                ms(cold));
        gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        long retained = measure(file, memory, baseline);
        gc();
        long closed = memory.getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "heap after closing the viewer: %.1f MB (the open log held %.1f MB)%n",
                mb(closed), mb(retained - closed));
        Platform.exit();
        System.exit(0);
    }

    /** Opens, measures and closes the viewer; returns the heap used after GC while it was open. */
    private static long measure(Path file, MemoryMXBean memory, long baseline) throws Exception {
        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
        });
        timers.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                0, 10, TimeUnit.MILLISECONDS);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong worstPing = new AtomicLong();
        timers.scheduleAtFixedRate(() -> {
            long sent = System.nanoTime();
            Platform.runLater(() -> {
                long latency = System.nanoTime() - sent;
                latencies.add(latency);
                worstPing.accumulateAndGet(latency, Math::max);
            });
        }, 0, PING_MS, TimeUnit.MILLISECONDS);

        LogViewer[] holder = new LogViewer[1];
        long t0 = System.nanoTime();
        onFx(() -> {
            LogViewer viewer = LogViewer.open(new FileLogSource(file), file.getFileName().toString());
            Stage stage = new Stage();
            stage.setScene(new Scene(viewer, 1200, 800));
            stage.show();
            holder[0] = viewer;
            return null;
        });
        LogViewer viewer = holder[0];
        LogDocument doc = viewer.getDocument();
        long openShow = System.nanoTime() - t0;

        int[] shown = new int[1];
        awaitFx(() -> {
            shown[0] = linesWithText(viewer);
            return shown[0] >= 20;
        }, 30_000);
        long firstScreen = System.nanoTime() - t0;
        double progressAtFirstScreen = doc.progress();
        long worstUntilFirstScreen = worstPing.getAndSet(0);
        int pingsUntilFirstScreen = latencies.size();

        doc.whenIndexed().get(10, TimeUnit.MINUTES);
        long indexed = System.nanoTime() - t0;
        long worstWhileIndexing = worstPing.get();
        int pingsWhileIndexing = latencies.size() - pingsUntilFirstScreen;
        awaitFx(() -> viewer.getStatus().contains("errors"), 10_000);

        int middle = doc.lineCount() / 2;
        long tJump = System.nanoTime();
        onFx(() -> {
            viewer.goToLine(middle);
            return null;
        });
        awaitFx(() -> cellShowsText(viewer, middle), 10_000);
        long jump = System.nanoTime() - tJump;
        java.util.Random random = new java.util.Random(42);
        long worstJump = 0;
        long totalJump = 0;
        int jumps = 10;
        for (int k = 0; k < jumps; k++) {
            int line = random.nextInt(doc.lineCount());
            long t = System.nanoTime();
            onFx(() -> {
                viewer.goToLine(line);
                return null;
            });
            awaitFx(() -> cellShowsText(viewer, line), 10_000);
            long took = System.nanoTime() - t;
            worstJump = Math.max(worstJump, took);
            totalJump += took;
        }

        int target = doc.lineCount() - 10;
        long tSearch = System.nanoTime();
        OptionalInt found = doc.search("#" + target + "#", -1, true).get(5, TimeUnit.MINUTES);
        long search = System.nanoTime() - tSearch;

        long peak = peakHeap.get();
        gc();
        long retained = memory.getHeapMemoryUsage().getUsed();
        long worstOverall = Math.max(worstUntilFirstScreen, worstPing.get());
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        sorted.sort(null);
        long p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.99)));

        System.out.printf(Locale.ROOT, "%,d lines, %,d errors, %,d warnings; status \"%s\"%n", doc.lineCount(),
                doc.errorCount(), doc.warningCount(), viewer.getStatus());
        System.out.printf(Locale.ROOT, "first screen (%d lines with text): %d ms (of which open+show on the FX thread "
                + "%d ms; index at %.1f%%)%n", shown[0], ms(firstScreen), ms(openShow), progressAtFirstScreen * 100);
        System.out.printf(Locale.ROOT, "full index: %d ms (%.0f MB/s)%n", ms(indexed),
                Files.size(file) / 1048576.0 / (indexed / 1e9));
        System.out.printf(Locale.ROOT, "FX ping every %d ms: until the first screen %d pings, worst latency %d ms; "
                + "then while indexing %d pings, worst %d ms; whole run %d pings, worst %d ms, p99 %d ms%n", PING_MS,
                pingsUntilFirstScreen, ms(worstUntilFirstScreen), pingsWhileIndexing, ms(worstWhileIndexing),
                sorted.size(), ms(worstOverall), ms(p99));
        System.out.printf(Locale.ROOT, "jump to line %,d and show it: %d ms; %d more random jumps: average %d ms, "
                + "worst %d ms%n", middle + 1, ms(jump), jumps, ms(totalJump / jumps), ms(worstJump));
        System.out.printf(Locale.ROOT, "search to line %,d (%s): %d ms%n", target + 1,
                found.isPresent() && found.getAsInt() == target ? "found" : "WRONG: " + found, ms(search));
        System.out.printf(Locale.ROOT, "heap: baseline %.1f MB, peak sampled %.1f MB, after GC with the log open "
                + "%.1f MB; cached line texts %,d (bound %,d)%n", mb(baseline), mb(peak), mb(retained),
                doc.cachedLineCount(), doc.maxCachedLines());

        timers.shutdownNow();
        onFx(() -> {
            viewer.close();
            ((Stage) viewer.getScene().getWindow()).close();
            return null;
        });
        return retained;
    }

    /** Shows and closes a viewer on a tiny log so that class loading and CSS set-up are not measured. */
    private static long warmUp() throws Exception {
        Path tiny = Files.createTempFile("warm-up", ".log");
        LogFixtures.write(tiny, 10);
        long t = System.nanoTime();
        Stage[] stage = new Stage[1];
        LogViewer viewer = onFx(() -> {
            LogViewer v = LogViewer.open(new FileLogSource(tiny), "warm-up");
            stage[0] = new Stage();
            stage[0].setScene(new Scene(v, 1200, 800));
            stage[0].show();
            return v;
        });
        viewer.getDocument().whenIndexed().get(10, TimeUnit.SECONDS);
        awaitFx(() -> linesWithText(viewer) == 10, 10_000);
        long elapsed = System.nanoTime() - t;
        onFx(() -> {
            viewer.close();
            stage[0].close();
            return null;
        });
        Files.delete(tiny);
        return elapsed;
    }

    private static int linesWithText(LogViewer viewer) {
        int n = 0;
        for (Node node : viewer.lookupAll(".log-line")) {
            if (node instanceof LogLineCell c && c.isVisible() && c.showsText()) {
                n++;
            }
        }
        return n;
    }

    private static boolean cellShowsText(LogViewer viewer, int line) {
        for (Node node : viewer.lookupAll(".log-line")) {
            if (node instanceof LogLineCell c && c.isVisible() && !c.isEmpty() && c.getItem() == line && c.showsText()) {
                return true;
            }
        }
        return false;
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> task) throws Exception {
        FutureTask<T> f = new FutureTask<>(task);
        Platform.runLater(f);
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} on the FX thread every 2 ms. */
    private static void awaitFx(BooleanSupplier condition, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!onFx(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(2);
        }
    }

    private static void gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }
}
