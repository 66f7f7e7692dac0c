package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The "Stats produced" decision on what real engines answered (test resources docker/stats/,
 * recorded with {@code GET /containers/X/stats?stream=false&one-shot=true} and {@code GET /info}):
 * Docker 20.10 on the hosts' cgroup v1 layout, and Docker 28.5 in cgroup v2 mode on a hybrid host,
 * whose cgroup2 hierarchy offers only hugetlb (scripts/setup-cgroup2-engine), each for a running
 * container and for one that has exited.
 */
class VerifierStatsTest {
    private static final String V1 = "cgroup1-docker20.10";
    private static final String V2 = "cgroup2-hugetlb-only-docker28.5";

    private static JsonNode json(String name) throws IOException {
        try (InputStream in = VerifierStatsTest.class.getResourceAsStream("/docker/stats/" + name + ".json")) {
            if (in == null) {
                throw new IOException("no test resource docker/stats/" + name + ".json");
            }
            return Json.mapper().readTree(in);
        }
    }

    private static Supplier<JsonNode> info(String engine) throws IOException {
        JsonNode info = json(engine + "-info");
        return () -> info;
    }

    private static Supplier<JsonNode> notAsked() {
        return () -> fail("docker info asked although memory was reported");
    }

    @Test
    void aRunningContainerOnCgroupV1ReportsMemoryCpuAndPids() throws IOException {
        Verifier.Outcome o = Verifier.stats(json(V1 + "-running"), notAsked());
        assertTrue(o.passed(), o.detail());
        assertEquals("memory 908.0 KiB, CPU time 70 ms, 2 pids", o.detail());
    }

    @Test
    void aRunningContainerOnCgroupV2WithoutAMemoryControllerPassesOnDockersSample() throws IOException {
        Verifier.Outcome o = Verifier.stats(json(V2 + "-running"), info(V2));
        assertTrue(o.passed(), o.detail());
        assertEquals("no memory controller in the engine's cgroup v2 hierarchy: memory not reported, nor CPU time,"
                + " nor pids; sampled at 2026-12-01T11:46:48.102556017Z on 2 CPUs", o.detail());
    }

    @Test
    void anExitedContainerFailsOnEitherEngine() throws IOException {
        for (String engine : new String[] {V1, V2}) {
            Verifier.Outcome o = Verifier.stats(json(engine + "-exited"), info(engine));
            assertFalse(o.passed(), engine + ": " + o.detail());
            assertEquals("no statistics: Docker took no sample (read time 0001-01-01T00:00:00Z), as for a container"
                    + " that is not running", o.detail(), engine);
        }
    }

    @Test
    void noSuchContainerFails() throws IOException {
        Verifier.Outcome o = Verifier.stats(null, info(V2));
        assertFalse(o.passed());
        assertEquals("no statistics returned (no such container)", o.detail());
    }

    @Test
    void missingMemoryFailsWhenTheEngineHasAMemoryController() throws IOException {
        // the cgroup v2 engine's answer from an engine whose docker info says it has one
        Verifier.Outcome o = Verifier.stats(json(V2 + "-running"), info(V1));
        assertFalse(o.passed(), o.detail());
        assertEquals("no memory statistics returned although the engine has a memory controller (docker info:"
                + " MemoryLimit true)", o.detail());
        // and when docker info does not tell
        o = Verifier.stats(json(V2 + "-running"), () -> null);
        assertFalse(o.passed(), o.detail());
        assertEquals("no memory statistics returned", o.detail());
    }

    @Test
    void withoutAMemoryControllerAnEmptySampleStillFails() throws IOException {
        ObjectNode stats = (ObjectNode) json(V2 + "-running");
        ObjectNode cpu = (ObjectNode) stats.get("cpu_stats");
        cpu.remove("online_cpus");
        cpu.remove("system_cpu_usage");
        Verifier.Outcome o = Verifier.stats(stats, info(V2));
        assertFalse(o.passed(), o.detail());
        assertEquals("no memory controller in the engine's cgroup v2 hierarchy, and no CPU or pids data either: the"
                + " statistics are empty", o.detail());
    }

    @Test
    void withoutAMemoryControllerWhatElseIsReportedIsShown() throws IOException {
        ObjectNode stats = (ObjectNode) json(V2 + "-running");
        ((ObjectNode) stats.get("cpu_stats").get("cpu_usage")).put("total_usage", 72_000_000L);
        ((ObjectNode) stats.get("pids_stats")).put("current", 2);
        Verifier.Outcome o = Verifier.stats(stats, info(V2));
        assertTrue(o.passed(), o.detail());
        assertEquals("no memory controller in the engine's cgroup v2 hierarchy: memory not reported; CPU time 72 ms,"
                + " 2 pids; sampled at 2026-12-01T11:46:48.102556017Z on 2 CPUs", o.detail());
    }

    @Test
    void dockerInfoIsAskedOnlyWhenMemoryIsMissing() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        JsonNode info = json(V2 + "-info");
        Supplier<JsonNode> counting = () -> {
            asked.incrementAndGet();
            return info;
        };
        Verifier.stats(json(V1 + "-running"), counting);
        Verifier.stats(json(V1 + "-exited"), counting);
        assertEquals(0, asked.get());
        Verifier.stats(json(V2 + "-running"), counting);
        assertEquals(1, asked.get());
    }
}
