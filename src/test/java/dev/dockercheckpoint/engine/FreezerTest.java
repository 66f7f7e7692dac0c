package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezerTest {
    private static final ContainerInfo APP = new ContainerInfo("abc", "app", "running", true, false, 1, "overlay2",
            null, null, null);

    /** A runc whose pause fails {@code failures} times with {@code message}, then succeeds. */
    private static ProcessRunner runc(List<List<String>> calls, int failures, String message) {
        return (command, timeout) -> {
            calls.add(command);
            boolean fail = calls.size() <= failures;
            return new ProcessResult(command, fail ? 1 : 0, "", fail ? "time=\"x\" level=error msg=\"" + message + "\""
                    : "", Duration.ZERO);
        };
    }

    @Test
    void aFreezeThatDidNotFinishInTimeIsTriedAgain() {
        List<List<String>> calls = new ArrayList<>();
        Freezer.freeze(runc(calls, 2, "unable to freeze"), "runc", "/run/runc", APP, "unix:///var/run/docker.sock");
        assertEquals(3, calls.size());
        assertEquals(List.of("runc", "--root", "/run/runc", "pause", "abc"), calls.getLast());
    }

    @Test
    void afterTheLastTryTheErrorSaysWhatToDo() {
        List<List<String>> calls = new ArrayList<>();
        DcpException e = assertThrows(DcpException.class, () -> Freezer.freeze(runc(calls, 9, "unable to freeze"),
                "runc", "/run/runc", APP, "unix:///var/run/docker.sock"));
        assertEquals(Freezer.FREEZE_TRIES, calls.size());
        assertTrue(e.getMessage().contains("cannot freeze container app"), e.getMessage());
        assertTrue(e.hint().contains("did not stop in time 3 times"), e.hint());
    }

    @Test
    void otherFailuresAreNotRetried() {
        List<List<String>> calls = new ArrayList<>();
        DcpException e = assertThrows(DcpException.class, () -> Freezer.freeze(runc(calls, 9, "container not running"),
                "runc", "/run/runc", APP, "unix:///var/run/docker.sock"));
        assertEquals(1, calls.size());
        assertTrue(e.hint().contains("running and not paused"), e.hint());
    }
}
