package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.Plural;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.command.TopContainerResponse;
import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The five checks after a restore: container status, main process alive with a valid PID,
 * the container answers Docker API calls, recent logs can be fetched, stats are produced.
 */
final class Verifier {
    static final String STATUS = "Container status";
    static final String PROCESS = "Process running";
    static final String API = "Docker API responds";
    static final String LOGS = "Logs available";
    static final String STATS = "Stats produced";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final Docker docker;

    Verifier(Docker docker) {
        this.docker = docker;
    }

    VerificationReport verify(String container, ProgressListener listener) {
        List<CheckResult> results = new ArrayList<>();
        AtomicReference<JsonNode> inspect = new AtomicReference<>();
        results.add(run(STATUS, listener, () -> {
            JsonNode json = docker.inspectContainer(container);
            if (json == null) {
                return fail("container " + container + " does not exist");
            }
            inspect.set(json);
            String status = json.path("State").path("Status").asText("");
            boolean running = json.path("State").path("Running").asBoolean(false);
            return running && "running".equals(status) ? ok("running since " + json.path("State").path("StartedAt")
                    .asText("?")) : fail("status is " + status + " (exit code " + json.path("State").path("ExitCode")
                    .asInt() + ")");
        }));
        results.add(run(PROCESS, listener, () -> {
            JsonNode json = inspect.get();
            int pid = json == null ? 0 : json.path("State").path("Pid").asInt(0);
            if (pid <= 0) {
                return fail("no main process (PID " + pid + ")");
            }
            Path proc = Path.of("/proc", Integer.toString(pid));
            if (!Files.isDirectory(proc)) {
                return fail("PID " + pid + " does not exist");
            }
            String comm = "";
            try {
                comm = Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // name unknown; the process exists
            }
            return ok("PID " + pid + (comm.isEmpty() ? "" : " (" + comm + ")"));
        }));
        results.add(run(API, listener, () -> {
            TopContainerResponse top = docker.client().topContainerCmd(container).exec();
            int n = top.getProcesses() == null ? 0 : top.getProcesses().length;
            return n > 0 ? ok("top lists " + n + " process" + (n == 1 ? "" : "es")) : fail("top lists no process");
        }));
        results.add(run(LOGS, listener, () -> {
            List<String> lines = new ArrayList<>();
            docker.client().logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(5)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (lines) {
                                for (String l : new String(frame.getPayload(), StandardCharsets.UTF_8).split("\n")) {
                                    if (!l.isBlank()) {
                                        lines.add(l.strip());
                                    }
                                }
                            }
                        }
                    }).awaitCompletion(WAIT.toSeconds(), TimeUnit.SECONDS);
            synchronized (lines) {
                return ok(lines.isEmpty() ? "log is readable (no output yet)"
                        : Plural.count(lines.size(), "recent line")
                                + ", last: " + abbreviate(lines.get(lines.size() - 1)));
            }
        }));
        results.add(run(STATS, listener, () -> {
            // one-shot: the daemon answers at once instead of waiting for a second sample
            JsonNode s = docker.getJson("/containers/" + Docker.encode(container) + "/stats?stream=false&one-shot=true");
            return stats(s, docker::info);
        }));
        return new VerificationReport(container, results);
    }

    /**
     * The decision of {@value #STATS} on the stats endpoint's answer. Docker reports memory only
     * when the container's cgroup has a memory controller: on an engine whose cgroup hierarchy has
     * none (a cgroup v2 hierarchy that holds only hugetlb, as on a hybrid host) it leaves out
     * {@code memory_stats.usage}, and without cpu and pids controllers the CPU time and pids as
     * well, but it still takes a sample ({@code read}, the host's CPU count and time). A container
     * that is not running gives no sample at all ({@code read} is year 1), on every engine.
     *
     * @param stats what the endpoint answered (null: no such container)
     * @param info the engine's {@code docker info}, asked only when memory is missing
     */
    static Outcome stats(JsonNode stats, Supplier<JsonNode> info) {
        if (stats == null) {
            return fail("no statistics returned (no such container)");
        }
        String read = stats.path("read").asText("");
        if (read.isEmpty() || read.startsWith("0001-01-01")) {
            return fail("no statistics: Docker took no sample (read time " + (read.isEmpty() ? "missing" : read)
                    + "), as for a container that is not running");
        }
        JsonNode cpu = stats.path("cpu_stats").path("cpu_usage").path("total_usage");
        JsonNode pids = stats.path("pids_stats").path("current");
        JsonNode usage = stats.path("memory_stats").path("usage");
        if (usage.isNumber()) {
            return ok("memory " + Bytes.human(usage.asLong()) + (cpu.isNumber() ? ", CPU time " + cpu.asLong()
                    / 1_000_000 + " ms" : "") + (pids.isNumber() ? ", " + pids.asLong() + " pids" : ""));
        }
        JsonNode engine = info.get();
        if (engine == null || !engine.path("MemoryLimit").isBoolean() || engine.path("MemoryLimit").asBoolean()) {
            return fail("no memory statistics returned" + (engine != null && engine.path("MemoryLimit").asBoolean()
                    ? " although the engine has a memory controller (docker info: MemoryLimit true)" : ""));
        }
        String version = engine.path("CgroupVersion").asText("");
        String where = "2".equals(version) ? "in the engine's cgroup v2 hierarchy"
                : "1".equals(version) ? "among the engine's cgroup v1 hierarchies" : "in the engine's cgroups";
        // without a cpu or pids controller Docker reports a CPU time of 0 and no pids
        boolean cpuTime = cpu.asLong(0) > 0;
        long cpus = stats.path("cpu_stats").path("online_cpus").asLong(0);
        long hostCpu = stats.path("cpu_stats").path("system_cpu_usage").asLong(0);
        if (!cpuTime && !pids.isNumber() && cpus <= 0 && hostCpu <= 0) {
            return fail("no memory controller " + where + ", and no CPU or pids data either: the statistics are empty");
        }
        List<String> missing = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        if (cpuTime) {
            seen.add("CPU time " + cpu.asLong() / 1_000_000 + " ms");
        } else {
            missing.add("CPU time");
        }
        if (pids.isNumber()) {
            seen.add(pids.asLong() + " pids");
        } else {
            missing.add("pids");
        }
        return ok("no memory controller " + where + ": memory not reported"
                + (missing.isEmpty() ? "" : ", nor " + String.join(", nor ", missing))
                + (seen.isEmpty() ? "" : "; " + String.join(", ", seen)) + "; sampled at " + read
                + (cpus > 0 ? " on " + cpus + " CPUs" : ""));
    }

    record Outcome(boolean passed, String detail) {
    }

    private interface Check {
        Outcome run() throws Exception;
    }

    private static Outcome ok(String detail) {
        return new Outcome(true, detail);
    }

    private static Outcome fail(String detail) {
        return new Outcome(false, detail);
    }

    private static CheckResult run(String name, ProgressListener listener, Check check) {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            outcome = check.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = fail("interrupted");
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            outcome = fail(abbreviate(msg.replaceAll("\\s+", " ")));
        }
        CheckResult result = new CheckResult(name, outcome.passed(), outcome.detail(),
                Duration.ofNanos(System.nanoTime() - start));
        listener.check(result);
        return result;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
