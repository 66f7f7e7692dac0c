package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Root's seed command (the built jar, as a typed command runs it): through a running helper that
 * serves the directory, in this process otherwise, and the same checkpoint and restore either way.
 */
@Tag("e2e")
class RootThroughHelperE2ETest {
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void clean() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        E2E.removeAll();
    }

    private static E2E.Output jar(String socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "DOCKER_CHECKPOINT_SOCKET=" + socket, HelperProcess.JAVA,
                "-jar", HelperProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        E2E.Output o = E2E.runAllowingFailure(cmd);
        System.out.println("$ " + String.join(" ", cmd) + "\n" + o.text());
        return o;
    }

    private static long audited(HelperProcess helper, String what) throws Exception {
        return helper.log().lines().filter(l -> l.contains("user=root") && l.contains(" " + what + " ")).count();
    }

    @Test
    void aHelperServingTheDirectoryDoesRootsCheckpointAndRestoreAndWithoutItTheyRunHere() throws Exception {
        E2E.engine();
        Path base = E2E.newBaseDir();
        cleanup.add(() -> E2E.deleteTree(base));
        HelperProcess helper = new HelperProcess().serving(base).start();
        cleanup.add(helper);
        String app = E2E.name("root-thin");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "n-", 2, Duration.ofSeconds(60));

        E2E.Output through = jar(helper.socket.toString(), "-container", app, "-name", "thin", "-dir",
                base.toString());
        assertEquals(0, through.exit(), through.text());
        assertTrue(through.text().contains("Checkpoint created: " + base.resolve(app).resolve("thin") + " ("),
                through.text());
        assertFalse(through.text().contains("(?,"), "the helper tells the size: " + through.text());
        assertTrue(through.text().contains("Application downtime"), through.text());
        assertFalse(through.text().contains("criu:"), "no CRIU log lines without -v: " + through.text());
        assertEquals(1, audited(helper, "checkpoint"), "the helper made it:\n" + helper.log());
        assertTrue(Files.isRegularFile(base.resolve(app).resolve("thin").resolve("container.json")));

        E2E.Output here = jar("none", "-container", app, "-name", "here", "-dir", base.toString());
        assertEquals(0, here.exit(), here.text());
        assertEquals(1, audited(helper, "checkpoint"), "DOCKER_CHECKPOINT_SOCKET=none: made here");
        Path elsewhere = E2E.newBaseDir();
        cleanup.add(() -> E2E.deleteTree(elsewhere));
        E2E.Output unserved = jar(helper.socket.toString(), "-container", app, "-name", "other", "-dir",
                elsewhere.toString());
        assertEquals(0, unserved.exit(), unserved.text());
        assertEquals(1, audited(helper, "checkpoint"), "a directory the helper does not serve: made here");
        assertTrue(Files.isRegularFile(elsewhere.resolve(app).resolve("other").resolve("container.json")));

        String copy = E2E.name("root-thin-copy");
        E2E.track(copy);
        E2E.Output restored = jar(helper.socket.toString(), "-restore", "-container", app, "-name", "thin",
                "-dir", base.toString(), "-new-name", copy);
        assertEquals(0, restored.exit(), restored.text());
        assertTrue(restored.text().contains("checks passed."), restored.text());
        assertEquals(1, audited(helper, "restore"), "the helper restored it:\n" + helper.log());
        E2E.waitForNumber(copy, "n-", 1, Duration.ofSeconds(30));
    }
}
