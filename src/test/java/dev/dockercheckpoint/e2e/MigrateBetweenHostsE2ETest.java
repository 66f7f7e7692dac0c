package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import java.io.InputStream;
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
 * Live migration to another "host": an engine in a network namespace of its own (only a
 * loopback; scripts/setup-netns-host, started by the second lane of scripts/test), reached
 * through {@code --via ip netns exec <netns> java -jar docker-checkpoint.jar}: the checkpoint
 * travels through the transport's standard input, never through a path the two sides share.
 */
@Tag("e2e")
@Tag("two-engines")
class MigrateBetweenHostsE2ETest {
    private static final String SYSTEM = TwoEngines.SYSTEM;
    private static final String LOOP = "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.1; done";
    private Engine system;
    private Engine hostb;
    private String hostbSocket;
    private List<String> via;
    private final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void engines() throws Exception {
        E2E.engine();
        String netns = System.getenv("DCP_NETNS");
        hostbSocket = System.getenv("DCP_NETNS_DOCKER_HOST");
        if (netns == null || hostbSocket == null) {
            fail("DCP_NETNS and DCP_NETNS_DOCKER_HOST must name the engine of scripts/setup-netns-host (scripts/test"
                    + " starts it in its second lane)");
        }
        system = Engine.forHost(SYSTEM, Journal.NONE);
        hostb = Engine.forHost(hostbSocket, Journal.NONE);
        E2E.ensureImages(system.docker().client());
        if (!E2E.imageExists(hostb.docker().client(), E2E.BUSYBOX)) {
            try (InputStream image = system.docker().saveImage(E2E.BUSYBOX)) {
                hostb.docker().loadImage(image);
            }
        }
        via = List.of("ip", "netns", "exec", netns, HelperProcess.JAVA, "-jar", HelperProcess.JAR.toString());
        // the other side has its own network: only a loopback
        E2E.Output links = E2E.runAllowingFailure(List.of("ip", "netns", "exec", netns, "ip", "-o", "link", "show"));
        assertEquals(1, links.text().strip().lines().count(), links.text());
        assertTrue(links.text().contains(": lo:"), links.text());
    }

    @AfterEach
    void clean() {
        cleanup.reversed().forEach(Runnable::run);
        system.close();
        hostb.close();
    }

    @Test
    void aCountingContainerMovesToTheOtherHostThroughTheTransport() throws Exception {
        String app = start(system, "hosts");
        removeLater(hostb, app);
        long before = waitForNumber(system, app, 10);

        List<String> args = new ArrayList<>(List.of("migrate", "--context", SYSTEM, "-container", app, "--to",
                hostbSocket, "--json"));
        via.forEach(a -> args.addAll(List.of("--via-arg", a)));
        E2E.Cli cli = E2E.cli(args.toArray(String[]::new));
        assertEquals(0, cli.exit(), cli.toString());
        JsonNode r = Json.mapper().readTree(cli.out());
        assertTrue(r.path("downtimeMillis").asDouble() > 0, cli.out());
        assertTrue(r.path("phasesMillis").path("transfer").asLong() > 0, "the checkpoint travelled: " + cli.out());
        assertTrue(r.path("target").asText().startsWith("ip netns exec"), cli.out());

        assertNull(system.docker().inspectContainer(app), "the original is removed");
        JsonNode copy = hostb.docker().inspectContainer(app);
        assertNotNull(copy);
        assertTrue(copy.path("State").path("Running").asBoolean());
        waitForNumber(hostb, app, 3);
        List<Long> there = numbers(hostb, app);
        assertTrue(there.getFirst() > before, "the copy continues the count: " + there.getFirst() + " after "
                + before);
        Counts.assertConsecutive(there);
        assertFalse(Files.exists(Path.of("/var/lib/docker-checkpoint/received", app)) && Files.list(Path.of(
                "/var/lib/docker-checkpoint/received", app)).findAny().isPresent(), "the received checkpoint is removed");
    }

    @Test
    void anImageMissingOnTheOtherHostIsRefusedBeforeTheFreeze() throws Exception {
        String image = "dcp-e2e-only-here:" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String builder = start(system, "hosts-img");
        system.docker().client().commitCmd(builder).withRepository(image.split(":")[0]).withTag(image.split(":")[1])
                .exec();
        cleanup.add(() -> {
            try {
                system.docker().client().removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        });
        String app = start(system, "hosts-noimg", image);
        long before = waitForNumber(system, app, 3);
        List<String> args = new ArrayList<>(List.of("migrate", "--context", SYSTEM, "-container", app, "--to",
                hostbSocket));
        via.forEach(a -> args.addAll(List.of("--via-arg", a)));
        E2E.Cli cli = E2E.cli(args.toArray(String[]::new));
        assertEquals(1, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("image " + image + " is not on the target's engine"), cli.err());
        assertTrue(cli.err().contains("docker save " + image), cli.err());
        assertFalse(cli.err().contains("freezing"), "refused before the freeze: " + cli.err());
        waitForNumber(system, app, before + 5);
        assertNull(hostb.docker().inspectContainer(app));
    }

    private String start(Engine engine, String base) {
        return start(engine, base, E2E.BUSYBOX);
    }

    private String start(Engine engine, String base, String image) {
        String name = E2E.name(base);
        String id = engine.docker().client().createContainerCmd(image).withName(name).withCmd("sh", "-c", LOOP)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        engine.docker().client().startContainerCmd(id).exec();
        removeLater(engine, name);
        return name;
    }

    private void removeLater(Engine engine, String name) {
        cleanup.add(() -> TwoEngines.removeWithHolder(engine, name));
    }

    private static List<Long> numbers(Engine engine, String name) {
        return Counts.inLog(engine.docker().client(), name, "n-");
    }

    private static long waitForNumber(Engine engine, String name, long atLeast) throws Exception {
        return Counts.waitFor(name, () -> numbers(engine, name), atLeast, Duration.ofSeconds(60));
    }
}
