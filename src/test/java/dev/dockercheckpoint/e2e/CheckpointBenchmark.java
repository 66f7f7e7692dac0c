package dev.dockercheckpoint.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rerunnable benchmark (not a test): checkpoint and restore times of this tool against raw
 * {@code runc checkpoint} with the same flags, {@code docker checkpoint create}, and the raw
 * restore path ({@code docker create} + images into place + {@code docker start --checkpoint}),
 * interleaved, as medians and median ratios; CRIU's frozen time from {@code stats-dump}.
 * Workloads: a small busybox counter, and a process with 1 GiB of written anonymous memory.
 * Run with {@code sudo scripts/bench [iterations-small] [iterations-big]}.
 */
public final class CheckpointBenchmark {
    private static final String RUNC_FLAGS = "--leave-running --tcp-established --file-locks";
    /**
     * What is timed: the engine in this JVM, raw runc, runc plus a tar of the upper directory, the
     * command line in process ({@code java -jar}, and the launcher) and through a running helper
     * (the launcher), and Docker's own checkpoint.
     */
    private static final List<String> KINDS = List.of("engine", "runc", "runctar", "cli", "launcher", "thin",
            "docker");
    private final Engine engine = E2E.engine();
    private final Path jar = Path.of("target/docker-checkpoint.jar").toAbsolutePath();
    private final Path launcher = Path.of("packaging/docker-checkpoint").toAbsolutePath();
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final StringBuilder report = new StringBuilder();

    public static void main(String[] args) throws Exception {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int big = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        CheckpointBenchmark bench = new CheckpointBenchmark();
        try {
            bench.run("busybox counter", E2E.BUSYBOX, List.of("sh", "-c",
                    "i=0; while true; do echo n-$i; i=$((i+1)); sleep 1; done"), "n-", small);
            bench.run("1000 changed files in the writable layer", E2E.BUSYBOX, List.of("sh", "-c",
                    "mkdir -p /data/files; i=0; while [ $i -lt 1000 ]; do echo file-$i-content > /data/files/f$i;"
                            + " i=$((i+1)); done; i=0; while true; do echo n-$i; i=$((i+1)); sleep 1; done"), "n-",
                    small);
            if (big > 0) {
                bench.run("1 GiB anonymous memory", E2E.TOOLS, List.of("memhog", "1024"), "mem-", big);
            }
        } finally {
            E2E.removeAll();
        }
        Path out = Path.of(System.getProperty("bench.out", "target/benchmark.md"));
        Files.writeString(out, bench.report.toString());
        System.out.println("\nwritten to " + out.toAbsolutePath());
        System.exit(0);
    }

    private void run(String title, String image, List<String> cmd, String prefix, int iterations) throws Exception {
        String app = E2E.name("bench");
        String id = E2E.runContainer(app, image, cmd.toArray(String[]::new));
        E2E.waitForNumber(app, prefix, 1, Duration.ofSeconds(120));
        Path base = E2E.newBaseDir();
        Path raw = E2E.newBaseDir();
        String runcRoot = engine.tools().runcRoot(id);
        String runc = engine.tools().runcFor(id);
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, List<Double>> frozen = new LinkedHashMap<>();
        List<Double> downtime = new ArrayList<>();
        String upper = engine.docker().inspectContainer(id).path("GraphDriver").path("Data").path("UpperDir").asText();
        for (String k : KINDS) {
            ms.put(k, new ArrayList<>());
            frozen.put(k, new ArrayList<>());
        }
        HelperProcess helper = new HelperProcess().serving(base).start();
        String viaHelper = "DOCKER_CHECKPOINT_SOCKET=" + helper.socket;
        String inProcess = "DOCKER_CHECKPOINT_SOCKET=none";
        try {
            // warm-up: the engine as the helper runs it, with a warm JVM
            engine.checkpoint(new CheckpointRequest(app, "warmup", base, CheckpointOptions.defaults()),
                    ProgressListener.NONE);
            // the launcher's first run writes its class cache
            E2E.run(List.of("env", inProcess, launcher.toString(), "-container", app, "-name", "warmup-launcher",
                    "-dir", base.toString()));
            Thread.sleep(20_000); // written in the background
            // the helper as a service that has been in use: its JIT has seen a few checkpoints
            for (int w = 0; w < HELPER_WARMUP; w++) {
                E2E.run(List.of("env", viaHelper, launcher.toString(), "-container", app, "-name", "warmup-thin" + w,
                        "-dir", base.toString()));
            }
            for (int i = 0; i < iterations; i++) {
                List<String> order = rotate(KINDS, i);
                for (String kind : order) {
                    String name = kind.charAt(0) + "" + i;
                    // start each run with no dirty pages from the previous one (writeback skews big dumps)
                    E2E.run(List.of("sync"));
                    long t = System.nanoTime();
                    Path dir;
                    switch (kind) {
                        case "engine" -> {
                            var result = engine.checkpoint(new CheckpointRequest(app, name, base, CheckpointOptions
                                    .defaults()), ProgressListener.NONE);
                            dir = result.dir();
                            downtime.add(result.manifest().downtimeMillis());
                        }
                        case "runc" -> {
                            dir = raw.resolve(name);
                            Files.createDirectory(dir);
                            List<String> c = new ArrayList<>(List.of(runc, "--root", runcRoot, "checkpoint",
                                    "--image-path", dir.toString(), "--work-path", dir.toString()));
                            c.addAll(List.of(RUNC_FLAGS.split(" ")));
                            c.add(id);
                            E2E.run(c);
                        }
                        case "runctar" -> {
                            // the baseline of a consistent checkpoint by hand: the dump plus a tar of the upper dir
                            dir = raw.resolve(name);
                            Files.createDirectory(dir);
                            E2E.run(List.of("tar", "-C", upper, "-cf", dir.resolve("rootfs-diff.tar").toString(), "."));
                            List<String> c = new ArrayList<>(List.of(runc, "--root", runcRoot, "checkpoint",
                                    "--image-path", dir.toString(), "--work-path", dir.toString()));
                            c.addAll(List.of(RUNC_FLAGS.split(" ")));
                            c.add(id);
                            E2E.run(c);
                        }
                        case "cli" -> {
                            E2E.run(List.of("env", inProcess, java, "-jar", jar.toString(), "-container", app,
                                    "-name", name, "-dir", base.toString()));
                            dir = base.resolve(app).resolve(name);
                        }
                        case "launcher", "thin" -> {
                            E2E.run(List.of("env", kind.equals("thin") ? viaHelper : inProcess, launcher.toString(),
                                    "-container", app, "-name", name, "-dir", base.toString()));
                            dir = base.resolve(app).resolve(name);
                        }
                        default -> {
                            E2E.run(List.of("docker", "checkpoint", "create", "--leave-running", app, name));
                            dir = null;
                        }
                    }
                    ms.get(kind).add((System.nanoTime() - t) / 1e6);
                    if ("runc".equals(kind)) {
                        (criuFroze(dir) ? runcWaited : runcAtOnce).add(ms.get(kind).getLast());
                    }
                    if (dir != null) {
                        frozen.get(kind).add(frozenMillis(dir));
                    } else {
                        E2E.run(List.of("docker", "checkpoint", "rm", app, name));
                    }
                    if (dir != null && !"engine".equals(kind)) {
                        Posix.deleteTree(dir); // the engine's checkpoints are restored below
                    }
                }
            }
            section(title, iterations, ms, frozen);
            runcWaited.clear();
            runcAtOnce.clear();
            line("| application downtime shown by the engine (frozen while files are saved and CRIU dumps) | %.1f ms"
                    + " | |", median(downtime));
            restores(app, base, iterations);
        } finally {
            helper.close();
            E2E.deleteTree(base);
            E2E.deleteTree(raw);
        }
    }

    private String rawFailure;

    private void restores(String app, Path base, int iterations) throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> oursVerified = new ArrayList<>();
        List<Double> rawAll = new ArrayList<>();
        List<Double> rawStart = new ArrayList<>();
        JsonNode inspect = engine.docker().inspectContainer(app);
        String image = inspect.path("Config").path("Image").asText();
        List<String> cmd = new ArrayList<>();
        inspect.path("Config").path("Cmd").forEach(n -> cmd.add(n.asText()));
        Path dockerRoot = Path.of(engine.docker().info().path("DockerRootDir").asText("/var/lib/docker"));
        for (int i = 0; i < iterations; i++) {
            String checkpoint = "e" + i;
            for (String kind : rotate(List.of("ours", "raw"), i)) {
                String newName = E2E.name("r" + kind);
                E2E.run(List.of("sync"));
                if (kind.equals("ours")) {
                    long t = System.nanoTime();
                    RestoreResult r = engine.restore(new RestoreRequest(app, checkpoint, base, newName),
                            ProgressListener.NONE);
                    oursVerified.add((System.nanoTime() - t) / 1e6);
                    ours.add((double) r.timingsMillis().get("total"));
                    if (!r.verification().passed()) {
                        throw new IllegalStateException("verification failed: " + r.verification());
                    }
                } else {
                    long t = System.nanoTime();
                    List<String> create = new ArrayList<>(List.of("docker", "create", "--network", "none", "--name",
                            newName, image));
                    create.addAll(cmd);
                    String id = E2E.run(create).strip();
                    Path target = dockerRoot.resolve("containers").resolve(id).resolve("checkpoints")
                            .resolve(checkpoint);
                    Files.createDirectories(target.getParent());
                    E2E.run(List.of("cp", "-a", base.resolve(app).resolve(checkpoint).toString(), target.toString()));
                    long s = System.nanoTime();
                    try {
                        E2E.run(List.of("docker", "start", "--checkpoint", checkpoint, newName));
                        long end = System.nanoTime();
                        rawAll.add((end - t) / 1e6);
                        rawStart.add((end - s) / 1e6);
                    } catch (IllegalStateException e) {
                        // Docker 28+: its own restore fails (moby#50750)
                        rawFailure = e.getMessage().lines().filter(l -> l.contains("Error")).findFirst()
                                .orElse(e.getMessage());
                    }
                }
                E2E.remove(newName);
            }
        }
        if (rawAll.isEmpty()) {
            line("| restore: docker-checkpoint (create + files + images + CRIU restore) | %.0f ms | |", median(ours));
            line("| restore: docker-checkpoint including the five verification checks | %.0f ms | |",
                    median(oursVerified));
            line("| restore: raw docker create + cp -a images + docker start --checkpoint | fails: %s | |",
                    rawFailure == null ? "?" : rawFailure.replace("|", "/"));
        } else {
            line("| restore: docker-checkpoint (create + files + images + CRIU restore) | %.0f ms | %.2f× |",
                    median(ours), median(ours) / median(rawAll));
            line("| restore: docker-checkpoint including the five verification checks | %.0f ms | %.2f× |",
                    median(oursVerified), median(oursVerified) / median(rawAll));
            line("| restore: raw docker create + cp -a images + docker start --checkpoint | %.0f ms | 1.00× |",
                    median(rawAll));
            line("| restore: raw docker start --checkpoint alone | %.0f ms | %.2f× |", median(rawStart),
                    median(rawStart) / median(rawAll));
        }
        line("");
    }

    /** Raw runc's times, split by whether CRIU's own freeze of the container waited (see {@link #criuFroze}). */
    private final List<Double> runcWaited = new ArrayList<>();
    /** Checkpoints through the helper before the timed runs. */
    private static final int HELPER_WARMUP = 5;
    private final List<Double> runcAtOnce = new ArrayList<>();

    /**
     * Whether CRIU waited for the freezer in the dump whose log is in {@code dir}: with cgroup v1 it
     * writes FROZEN, and when the cgroup is still FREEZING at its first look it sleeps 100 ms before
     * the next; its log then says frozen 50 ms or more after it began. The engine freezes the
     * container itself first, so its CRIU finds it frozen.
     */
    private static boolean criuFroze(Path dir) throws IOException {
        for (String line : Files.readAllLines(dir.resolve("dump.log"))) {
            int end = line.indexOf(") freezer.state=FROZEN");
            if (line.startsWith("(") && end > 0) {
                return Double.parseDouble(line.substring(1, end).strip()) >= 0.05;
            }
        }
        return false;
    }

    private void section(String title, int n, Map<String, List<Double>> ms, Map<String, List<Double>> frozen) {
        double runc = median(ms.get("runc"));
        line("### %s, Docker %s (%d interleaved runs each, medians)", title, engine.docker().serverVersion(), n);
        line("");
        line("| operation | time | ratio |");
        line("|---|---|---|");
        line("| checkpoint: engine, warm JVM | %.0f ms | %.2f× raw runc |", median(ms.get("engine")),
                median(ms.get("engine")) / runc);
        line("| checkpoint: CLI in process, java -jar, including JVM start | %.0f ms | %.2f× raw runc |",
                median(ms.get("cli")),
                median(ms.get("cli")) / runc);
        line("| checkpoint: CLI in process, packaging/docker-checkpoint launcher (start-up cache) | %.0f ms"
                + " | %.2f× raw runc |", median(ms.get("launcher")), median(ms.get("launcher")) / runc);
        line("| checkpoint: CLI through a running helper (warmed by %d checkpoints), launcher (start-up cache) | %.0f ms"
                + " | %.2f× raw runc |", HELPER_WARMUP, median(ms.get("thin")), median(ms.get("thin")) / runc);
        line("| checkpoint: raw runc checkpoint (%s) | %.0f ms | 1.00× |", RUNC_FLAGS, runc);
        line("| raw runc: runs whose CRIU waited 100 ms for the freezer / found it frozen at once | %d: %s / %d: %s"
                + " | |", runcWaited.size(), runcWaited.isEmpty() ? "-" : String.format("%.0f ms", median(runcWaited)),
                runcAtOnce.size(), runcAtOnce.isEmpty() ? "-" : String.format("%.0f ms", median(runcAtOnce)));
        line("| checkpoint: CLI through a running helper against raw runc that waited / that did not | | %s / %s |",
                runcWaited.isEmpty() ? "-" : String.format("%.2f×", median(ms.get("thin")) / median(runcWaited)),
                runcAtOnce.isEmpty() ? "-" : String.format("%.2f×", median(ms.get("thin")) / median(runcAtOnce)));
        double runcTar = median(ms.get("runctar"));
        line("| checkpoint: raw runc checkpoint + tar of the upper directory | %.0f ms | %.2f× raw runc |", runcTar,
                runcTar / runc);
        line("| checkpoint: engine against runc + tar | | %.2f× |", median(ms.get("engine")) / runcTar);
        line("| checkpoint: docker checkpoint create --leave-running | %.0f ms | %.2f× raw runc |",
                median(ms.get("docker")), median(ms.get("docker")) / runc);
        line("| CRIU frozen time: engine / CLI / raw runc | %.1f / %.1f / %.1f ms | %.2f× raw runc |",
                median(frozen.get("engine")), median(frozen.get("cli")), median(frozen.get("runc")),
                median(frozen.get("engine")) / median(frozen.get("runc")));
    }

    private static double frozenMillis(Path dir) throws IOException {
        String json = E2E.run(List.of("crit", "decode", "-i", dir.resolve("stats-dump").toString()));
        JsonNode node = Json.mapper().readTree(json);
        return node.path("entries").path(0).path("dump").path("frozen_time").asDouble() / 1000.0;
    }

    private static List<String> rotate(List<String> items, int by) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            r.add(items.get((i + by) % items.size()));
        }
        return r;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println(s);
        report.append(s).append('\n');
    }

    static {
        System.setProperty("file.encoding", StandardCharsets.UTF_8.name());
    }
}
