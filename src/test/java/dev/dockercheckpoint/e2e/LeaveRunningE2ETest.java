package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** -leave-running: true keeps the container running, false stops it after the dump. */
@Tag("e2e")
class LeaveRunningE2ETest extends BaseDirE2E {


    @Test
    void leaveRunningTrueKeepsItRunning() throws Exception {
        String app = E2E.name("lr-true");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "n-", 1, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-leave-running=true", "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        assertTrue(E2E.running(app));
        long last = E2E.numbers(app, "n-").getLast();
        E2E.waitForNumber(app, "n-", last + 2, Duration.ofSeconds(20));
        assertFalse(Files.readString(base.resolve(app).resolve("checkpoint1/dump.log")).isEmpty());
    }

    @Test
    void leaveRunningFalseStopsIt() throws Exception {
        String app = E2E.name("lr-false");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "n-", 1, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-leave-running=false", "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (E2E.running(app) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(E2E.running(app), "status " + E2E.status(app));
        assertEquals("exited", E2E.status(app));
        assertTrue(dump.out().contains("is stopped"), dump.toString());
    }
}
