package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A member of group docker (not root) migrates a counting container with the command line through
 * the real helper, which serves the system engine and the second one (DOCKER_HOST in the second
 * lane of scripts/test): there by the target's name, and back by its socket with the source
 * named by the helper's engine name. The counter writes to a file on a bind mount the original
 * and its copies share: every number once, in order, means the original never ran after its
 * freeze beside a copy.
 */
@Tag("e2e")
@Tag("two-engines")
class MigrateThroughHelperE2ETest {
    private static final String SYSTEM = TwoEngines.SYSTEM;
    private static final String COUNT = "i=0; while true; do echo n-$i >> /shared/count; i=$((i+1)); sleep 0.1; done";
    private Engine system;
    private Engine second;
    private String host;
    private Path shared;
    private Path base;
    private final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void engines() throws Exception {
        E2E.engine();
        host = TwoEngines.secondHost();
        system = Engine.forHost(SYSTEM, Journal.NONE);
        second = Engine.forHost(host, Journal.NONE);
        E2E.ensureImages(system.docker().client());
        shared = Files.createTempDirectory(Path.of("/tmp"), "dcp-e2e-shared-");
        base = E2E.newBaseDir();
        HelperProcess.ensureUsers();
    }

    @AfterEach
    void clean() {
        cleanup.reversed().forEach(Runnable::run);
        E2E.deleteTree(shared);
        E2E.deleteTree(base);
        system.close();
        second.close();
    }

    @Test
    void aGroupMemberMigratesACounterToTheHelpersSecondEngineAndBack() throws Exception {
        String app = E2E.name("mig-member");
        String back = app + "-back";
        for (Engine e : List.of(system, second)) {
            for (String n : List.of(app, back)) {
                removeLater(e, n);
            }
        }
        HostConfig hc = HostConfig.newHostConfig().withNetworkMode("none").withBinds(Bind.parse(shared + ":/shared"));
        String id = system.docker().client().createContainerCmd(E2E.BUSYBOX).withName(app).withHostConfig(hc)
                .withCmd("sh", "-c", COUNT).exec().getId();
        system.docker().client().startContainerCmd(id).exec();
        waitForCount(10);

        try (HelperProcess helper = new HelperProcess()) {
            Path config = helper.dir.resolve("engines.json");
            Files.writeString(config, "{\"baseDirs\": [\"" + base + "\"], \"engines\": [{\"name\": \"system\","
                    + " \"host\": \"" + SYSTEM + "\"}, {\"name\": \"current\", \"host\": \"" + host + "\"}]}\n");
            helper.start("--config", config.toString());

            // --via runs the transport as the user: root only, said before anything happens
            E2E.Cli via = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST="), "migrate", "-container",
                    app, "--via", "ssh elsewhere docker-checkpoint");
            assertNotEquals(0, via.exit(), via.toString());
            assertTrue(via.err().contains("migrate --via needs root"), via.err());
            assertTrue(via.err().contains("without root, migrate between the helper's engines with --to NAME"),
                    via.err());
            // an engine the helper does not serve: refused with those it does
            E2E.Cli unknown = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST="), "migrate",
                    "-container", app, "--to", "nowhere");
            assertNotEquals(0, unknown.exit(), unknown.toString());
            assertTrue(unknown.err().contains("the helper serves no engine nowhere; it serves system (" + SYSTEM
                    + "), current (" + host + ")"), unknown.err());
            assertTrue(system.docker().inspectContainer(app).path("State").path("Running").asBoolean(),
                    "refused before the freeze: the original runs");

            E2E.Cli there = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST="), "migrate",
                    "-container", app, "--to", "current", "--json");
            assertEquals(0, there.exit(), there + "\n--- helper log\n" + helper.log());
            JsonNode result = Json.mapper().readTree(there.out());
            double downtime = result.path("downtimeMillis").asDouble();
            JsonNode phases = result.path("phasesMillis");
            assertTrue(downtime > 0 && downtime < 60_000, there.out());
            long sum = phases.path("dump").asLong() + phases.path("transfer").asLong()
                    + phases.path("restore").asLong();
            assertTrue(Math.abs(sum - Math.round(downtime)) <= 1, "the phases add up to the downtime: " + there.out());
            assertEquals(5, result.path("verification").path("checks").size(), there.out());
            assertEquals("current", result.path("target").asText());
            System.out.printf("through the helper, system -> current: downtime %.0f ms (dump %d, transfer %d, restore"
                    + " %d), verify %d ms, frozen %d ms%n", downtime, phases.path("dump").asLong(),
                    phases.path("transfer").asLong(), phases.path("restore").asLong(), phases.path("verify").asLong(),
                    result.path("frozenMillis").asLong());

            assertNull(system.docker().inspectContainer(app), "the original is removed");
            assertTrue(second.docker().inspectContainer(app).path("State").path("Running").asBoolean(),
                    "the copy runs on the helper's second engine");
            waitForCount(counts().getLast() + 10);
            Counts.assertConsecutive(counts());
            assertTrue(!Files.exists(base.resolve(app)) || Files.list(base.resolve(app)).findAny().isEmpty(),
                    "the migration's checkpoint is removed from the helper's directory");

            // back: the source named by the helper's engine name, the target by its socket, a new name
            E2E.Cli home = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST="), "migrate",
                    "--context", "current", "-container", app, "--to", SYSTEM, "-new-name", back);
            assertEquals(0, home.exit(), home + "\n--- helper log\n" + helper.log());
            assertTrue(home.out().contains("Migrating container " + app + " through the helper from engine current"
                    + " to system as " + back), home.out());
            assertTrue(home.out().contains("Application downtime: "), home.out());
            assertNull(second.docker().inspectContainer(app), "gone from the second engine");
            assertNull(second.docker().inspectContainer(app + "-netns"), "with its namespace's holder");
            JsonNode copy = system.docker().inspectContainer(back);
            assertNotNull(copy);
            assertTrue(copy.path("State").path("Running").asBoolean(), copy.toString());
            waitForCount(counts().getLast() + 10);
            Counts.assertConsecutive(counts());

            String log = helper.log();
            assertTrue(log.contains("user=" + HelperProcess.MEMBER) && log.contains("migrate container=" + app),
                    "the helper's audit names the user and the migration:\n" + log);
        }
    }

    private void removeLater(Engine engine, String name) {
        cleanup.add(() -> TwoEngines.removeWithHolder(engine, name));
    }

    private List<Long> counts() throws Exception {
        return Counts.inFile(shared.resolve("count"), "n-");
    }

    private void waitForCount(long atLeast) throws Exception {
        Counts.waitFor("the count", this::counts, atLeast, Duration.ofSeconds(60));
    }
}
