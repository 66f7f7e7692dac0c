package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Live migration from the system engine to the second one (DOCKER_HOST in the second lane of
 * scripts/test). The workload counts into a file on a bind mount of this host, which the
 * original and its copy share: every number appears once and in order only if the original
 * never ran after its freeze beside the copy, and the copy goes on where the original stopped.
 */
@Tag("e2e")
@Tag("two-engines")
class MigrateE2ETest {
    private static final String SYSTEM = TwoEngines.SYSTEM;
    private static final String COUNT = "i=0; while true; do echo n-$i >> /shared/count; echo n-$i; i=$((i+1));"
            + " sleep 0.1; done";
    private Engine system;
    private Engine second;
    private String host;
    private Path shared;
    private final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void engines() throws Exception {
        E2E.engine();
        host = TwoEngines.secondHost();
        system = Engine.forHost(SYSTEM, Journal.NONE);
        second = Engine.forHost(host, Journal.NONE);
        E2E.ensureImages(system.docker().client());
        shared = Files.createTempDirectory(Path.of("/tmp"), "dcp-e2e-shared-");
    }

    @AfterEach
    void clean() {
        cleanup.reversed().forEach(Runnable::run);
        E2E.deleteTree(shared);
        system.close();
        second.close();
    }

    @Test
    void aCountingContainerMovesToTheSecondEngineAndTheOriginalNeverRunsAgain() throws Exception {
        String app = start(system, "mig", E2E.BUSYBOX, null, "sh", "-c", COUNT);
        removeLater(second, app);
        waitForCount(20);

        E2E.Cli cli = E2E.cli("migrate", "--context", SYSTEM, "-container", app, "--to", host, "--json");
        assertEquals(0, cli.exit(), cli.toString());
        JsonNode result = Json.mapper().readTree(cli.out());
        double downtime = result.path("downtimeMillis").asDouble();
        JsonNode phases = result.path("phasesMillis");
        assertTrue(downtime > 0 && downtime < 60_000, cli.out());
        long sum = phases.path("dump").asLong() + phases.path("transfer").asLong() + phases.path("restore").asLong();
        assertTrue(Math.abs(sum - Math.round(downtime)) <= 1, "the phases add up to the downtime: " + cli.out());
        assertTrue(phases.path("dump").asLong() > 0 && phases.path("restore").asLong() > 0, cli.out());
        assertTrue(phases.has("verify") && result.path("verification").path("checks").size() == 5, cli.out());
        assertTrue(result.path("frozenMillis").asLong() >= Math.round(downtime), cli.out());

        assertNull(system.docker().inspectContainer(app), "the original is removed");
        JsonNode copy = second.docker().inspectContainer(app);
        assertNotNull(copy, "the copy runs on the second engine under the same name");
        assertTrue(copy.path("State").path("Running").asBoolean(), copy.toString());
        List<Long> before = counts();
        waitForCount(before.getLast() + 10);
        Counts.assertConsecutive(counts());
        Path kept = Path.of("/tmp/docker-checkpoints", app);
        assertTrue(!Files.exists(kept) || Files.list(kept).findAny().isEmpty(), "the migration's checkpoint is"
                + " removed");

        // the copy's log starts where the original's file stopped
        List<Long> logged = Counts.inLog(second.docker().client(), app, "n-");
        assertTrue(before.contains(logged.getFirst() - 1), "the copy continues the original's count: "
                + logged.getFirst());
    }

    @Test
    void redisKeepsItsDataWhenItMovesAndMovesBackUnderANewName() throws Exception {
        TestImages.ensure(system.docker().client(), TestImages.REDIS);
        String app = start(system, "mig-redis", TestImages.REDIS, null);
        removeLater(second, app);
        waitForRedis(system.docker().client(), app);
        for (int i = 0; i < 100; i++) {
            redis(system.docker().client(), app, "SET", "key" + i, "value" + i);
        }
        redis(system.docker().client(), app, "INCRBY", "counter", "41");

        E2E.Cli there = E2E.cli("migrate", "--context", SYSTEM, "-container", app, "--to", host);
        assertEquals(0, there.exit(), there.toString());
        assertTrue(there.out().contains("Application downtime: "), there.out());
        assertEquals("42", redis(second.docker().client(), app, "INCR", "counter"));
        assertEquals("value77", redis(second.docker().client(), app, "GET", "key77"));
        assertNull(system.docker().inspectContainer(app));

        String back = app + "-back";
        removeLater(system, back);
        E2E.Cli home = E2E.cli("migrate", "--context", host, "-container", app, "--to", SYSTEM, "-new-name", back);
        assertEquals(0, home.exit(), home.toString());
        assertEquals("43", redis(system.docker().client(), back, "INCR", "counter"));
        assertEquals("value99", redis(system.docker().client(), back, "GET", "key99"));
        assertNull(second.docker().inspectContainer(app), "gone from the second engine");
        assertNull(second.docker().inspectContainer(app + "-netns"), "with its namespace's holder");
    }

    @Test
    void aCopyThatFailsItsVerificationIsRemovedAndTheOriginalRunsOn() throws Exception {
        // no log driver: the copy restores and runs, but its logs cannot be read, so its verification fails
        String app = start(system, "mig-fail", E2E.BUSYBOX, new LogConfig(LogConfig.LoggingType.NONE), "sh", "-c",
                COUNT);
        removeLater(second, app);
        waitForCount(10);
        E2E.Cli cli = E2E.cli("migrate", "--context", SYSTEM, "-container", app, "--to", host);
        assertEquals(1, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("failed 1 of its checks (Logs available)"), cli.err());
        assertTrue(cli.err().contains(app + " was thawed and runs on, nothing was left on " + host), cli.err());
        assertNull(second.docker().inspectContainer(app), "the copy is removed");
        assertNull(second.docker().inspectContainer(app + "-netns"), "and its namespace's holder");
        assertTrue(system.docker().inspectContainer(app).path("State").path("Running").asBoolean(), "the original"
                + " runs");
        long last = counts().getLast();
        waitForCount(last + 10);
        // the copy ran while it was verified, the original frozen; the original then went on from its
        // checkpoint: one step back in the count, never two containers counting at once
        List<Long> v = counts();
        int back = 0;
        for (int i = 1; i < v.size(); i++) {
            if (v.get(i) != v.get(i - 1) + 1) {
                back++;
                assertTrue(v.get(i) <= v.get(i - 1) && v.get(i) > 0 && v.indexOf(v.get(i) - 1) < i,
                        "the original resumes from its checkpoint: " + v);
            }
        }
        assertTrue(back <= 1, "one rollback at most: " + v);
    }

    @Test
    void aNameTakenOnTheTargetIsRefusedBeforeAnythingIsFrozen() throws Exception {
        String app = start(system, "mig-clash", E2E.BUSYBOX, null, "sh", "-c", COUNT);
        String clash = start(second, "mig-clash-there", E2E.BUSYBOX, null, "sleep", "1000");
        waitForCount(5);
        E2E.Cli cli = E2E.cli("migrate", "--context", SYSTEM, "-container", app, "--to", host, "-new-name", clash);
        assertEquals(1, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("a container named " + clash + " already exists on " + host), cli.err());
        assertFalse(cli.err().contains("freezing"), "refused before the freeze: " + cli.err());
        assertTrue(system.docker().inspectContainer(app).path("State").path("Running").asBoolean());
        assertFalse(Files.exists(Path.of("/tmp/docker-checkpoints", app)), "no checkpoint made");
    }

    @Test
    void aMigrationKilledWhileTheOriginalIsFrozenIsRepairedByTheNextRun() throws Exception {
        String app = start(system, "mig-crash", E2E.BUSYBOX, null, "sh", "-c", COUNT);
        removeLater(second, app);
        // the killed run's checkpoint was already in place: it stays, as any checkpoint a crash leaves
        cleanup.add(() -> E2E.deleteTree(Path.of("/tmp/docker-checkpoints", app)));
        waitForCount(10);
        Process cli = new ProcessBuilder(HelperProcess.JAVA, "-jar", HelperProcess.JAR.toString(), "migrate",
                "--context", SYSTEM, "-container", app, "--to", host).redirectErrorStream(true)
                .redirectOutput(shared.resolveSibling(shared.getFileName() + ".log").toFile()).start();
        cleanup.add(() -> {
            cli.destroyForcibly();
            try {
                Files.deleteIfExists(shared.resolveSibling(shared.getFileName() + ".log"));
            } catch (IOException e) {
                // best effort
            }
        });
        // kill -9 as soon as its journal says the copy is being made (the original frozen)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!restoring(app)) {
            if (!cli.isAlive() || System.nanoTime() > deadline) {
                fail("the migration never reached its restore: " + Files.readString(shared.resolveSibling(
                        shared.getFileName() + ".log")));
            }
            Thread.sleep(10);
        }
        cli.destroyForcibly().waitFor();
        long frozenAt = counts().getLast();
        Thread.sleep(1000);
        assertEquals(frozenAt, counts().getLast(), "the original stays frozen after the kill");

        E2E.Cli next = E2E.cli("migrate", "--context", SYSTEM, "-container", app, "--to", host);
        assertTrue(next.err().contains("container " + app + " was left frozen by an interrupted migration and has"
                + " been thawed"), next.toString());
        assertEquals(0, next.exit(), next.toString());
        assertNull(system.docker().inspectContainer(app));
        assertTrue(second.docker().inspectContainer(app).path("State").path("Running").asBoolean());
        waitForCount(counts().getLast() + 5);
        Counts.assertConsecutive(counts());
    }

    private boolean restoring(String app) throws IOException {
        Path dir = Journal.DEFAULT_DIR;
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                try {
                    String text = Files.readString(f);
                    if (text.contains("\"" + app + "\"") && text.contains("\"restoring\"")) {
                        return true;
                    }
                } catch (IOException e) {
                    // replaced while read
                }
            }
        }
        return false;
    }

    private String start(Engine engine, String base, String image, LogConfig log, String... cmd) {
        String name = E2E.name(base);
        HostConfig hc = HostConfig.newHostConfig().withNetworkMode("none")
                .withBinds(Bind.parse(shared + ":/shared"));
        if (log != null) {
            hc = hc.withLogConfig(log);
        }
        var create = engine.docker().client().createContainerCmd(image).withName(name).withHostConfig(hc);
        if (cmd.length > 0) {
            create = create.withCmd(cmd);
        }
        String id = create.exec().getId();
        engine.docker().client().startContainerCmd(id).exec();
        removeLater(engine, name);
        return name;
    }

    private void removeLater(Engine engine, String name) {
        cleanup.add(() -> TwoEngines.removeWithHolder(engine, name));
    }

    private List<Long> counts() throws IOException {
        return Counts.inFile(shared.resolve("count"), "n-");
    }

    private void waitForCount(long atLeast) throws Exception {
        Counts.waitFor("the count", this::counts, atLeast, Duration.ofSeconds(60));
    }

    private static void waitForRedis(DockerClient docker, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"PONG".equals(redis(docker, name, "PING"))) {
            if (System.nanoTime() > deadline) {
                fail("redis did not answer: " + E2E.logs(docker, name));
            }
            Thread.sleep(200);
        }
    }

    private static String redis(DockerClient docker, String name, String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(List.of(args));
        return E2E.exec(docker, name, cmd.toArray(String[]::new)).output().strip();
    }
}
