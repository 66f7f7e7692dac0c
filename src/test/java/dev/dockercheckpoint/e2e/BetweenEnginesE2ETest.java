package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint made on one engine restores on the other, both ways: the system engine (Docker
 * 20.10 here) and the second one (Docker 28, DOCKER_HOST in the test command's second lane). The
 * image travels along when the target lacks it. Each restored container keeps counting where the
 * original stopped and still answers on its loopback.
 */
@Tag("e2e")
@Tag("two-engines")
class BetweenEnginesE2ETest {
    private static final String SYSTEM = TwoEngines.SYSTEM;
    private static final String SCRIPT = "nc -ll -p 7777 -e echo pong & i=0; while true; do echo n-$i; i=$((i+1));"
            + " sleep 0.2; done";
    private Engine system;
    private Engine second;
    private Path base;
    private final List<Runnable> cleanup = new ArrayList<>();

    @BeforeEach
    void engines() throws Exception {
        E2E.engine(); // prerequisites, and the test images on the second engine
        String host = TwoEngines.secondHost();
        system = Engine.forHost(SYSTEM);
        second = Engine.forHost(host);
        E2E.ensureImages(system.docker().client());
        base = E2E.newBaseDir();
    }

    @AfterEach
    void clean() {
        cleanup.reversed().forEach(Runnable::run);
        E2E.deleteTree(base);
        system.close();
        second.close();
    }

    @Test
    void fromTheSystemEngineToTheSecondWithTheImageCarriedAlong() throws Exception {
        // an image the second engine does not have
        String image = "dcp-e2e-carry:" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        DockerClient from = system.docker().client();
        String builder = run(from, "carry-src", E2E.BUSYBOX, "sh", "-c", "echo carried > /carried; sleep 1000");
        Thread.sleep(500);
        from.commitCmd(builder).withRepository(image.split(":")[0]).withTag(image.split(":")[1]).exec();
        cleanup.add(() -> removeImage(system, image));
        cleanup.add(() -> removeImage(second, image));
        moveAndCheck(system, second, image);
    }

    @Test
    void aGroupMemberReachesTheHelpersSecondEngineThroughItsDockerHost() throws Exception {
        String host = System.getenv("DOCKER_HOST");
        String app = run(second.docker().client(), "via-helper", E2E.BUSYBOX, "sh", "-c",
                "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done");
        HelperProcess.ensureUsers();
        try (HelperProcess helper = new HelperProcess()) {
            Path config = helper.dir.resolve("engines.json");
            java.nio.file.Files.writeString(config, "{\"baseDirs\": [\"" + base + "\"], \"engines\": ["
                    + "{\"name\": \"system\", \"host\": \"" + SYSTEM + "\"}, {\"name\": \"current\", \"host\": \""
                    + host + "\"}]}\n");
            helper.start("--config", config.toString());
            try (var client = helper.client()) {
                var hello = client.hello();
                assertEquals(List.of("system", "current"), hello.engineNames());
                assertEquals("system", hello.engine());
            }
            // the container exists on the second engine only: through the default engine it is unknown
            E2E.Cli wrongEngine = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST="), "-container", app,
                    "-name", "a");
            assertTrue(wrongEngine.exit() != 0 && wrongEngine.err().contains(app), wrongEngine.toString());

            E2E.Cli viaHost = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST=" + host),
                    "-container", app, "-name", "b");
            assertEquals(0, viaHost.exit(), viaHost.toString());
            String manifest = java.nio.file.Files.readString(base.resolve(app).resolve("b").resolve("container.json"));
            assertTrue(manifest.contains(host), "made on the second engine: " + manifest);

            E2E.Cli unknown = helper.runAsWithEnv(HelperProcess.MEMBER, List.of("DOCKER_HOST=unix:///nowhere.sock"),
                    "-container", app, "-name", "c");
            assertEquals(1, unknown.exit(), unknown.toString());
            assertTrue(unknown.err().contains("does not serve the engine of DOCKER_HOST unix:///nowhere.sock"),
                    unknown.toString());
            assertTrue(unknown.err().contains("current (" + host + ")"), unknown.toString());
        }
    }

    @Test
    void fromTheSecondEngineToTheSystemEngine() throws Exception {
        moveAndCheck(second, system, E2E.BUSYBOX);
    }

    private void moveAndCheck(Engine from, Engine to, String image) throws Exception {
        String app = run(from.docker().client(), "move", image, "sh", "-c", SCRIPT);
        long last = waitForNumber(from.docker().client(), app, 3);
        from.checkpoint(new CheckpointRequest(app, "cp", base, CheckpointOptions.defaults().withLeaveRunning(false)),
                ProgressListener.NONE);
        long stopped = numbers(from.docker().client(), app).getLast();
        assertTrue(stopped >= last);

        String restored = E2E.name("moved");
        cleanup.add(() -> TwoEngines.removeWithHolder(to, restored));
        RestoreResult r = to.restore(new RestoreRequest(app, "cp", base, restored), ProgressListener.NONE);
        assertTrue(r.verification().passed(), r.verification().toString());
        DockerClient target = to.docker().client();
        waitForNumber(target, restored, stopped + 2);
        assertEquals(stopped + 1, numbers(target, restored).getFirst(),
                "the restored loop continues where the original stopped");
        assertEquals("pong", E2E.exec(target, restored, "nc", "127.0.0.1", "7777").output().strip(),
                "the restored listener answers on the loopback");
    }

    private String run(DockerClient docker, String base, String image, String... cmd) {
        String name = E2E.name(base);
        String id = docker.createContainerCmd(image).withName(name).withCmd(cmd)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        docker.startContainerCmd(id).exec();
        cleanup.add(() -> {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        });
        return name;
    }

    private static void removeImage(Engine engine, String image) {
        try {
            engine.docker().client().removeImageCmd(image).withForce(true).exec();
        } catch (NotFoundException e) {
            // gone
        }
    }

    private static List<Long> numbers(DockerClient docker, String name) {
        return Counts.inLog(docker, name, "n-");
    }

    private static long waitForNumber(DockerClient docker, String name, long atLeast) throws Exception {
        return Counts.waitFor(name, () -> numbers(docker, name), atLeast, Duration.ofSeconds(30));
    }
}
