package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dockercheckpoint.core.DcpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreezerTest {
    @TempDir
    Path tmp;

    private static final String ID = "84667c168cdd27aac0d50cf77c2175fad48f288bb00045aa1d38248e31c60fc5";

    private Path proc(int pid, String cgroupLines) throws IOException {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(proc.resolve(pid + "/cgroup"), cgroupLines);
        return proc;
    }

    @Test
    void onCgroupV1TheContainersFreezerIsWrittenAndReadBackWithoutRunc() throws IOException {
        Path proc = proc(4242, "6:freezer:/docker/" + ID + "\n0::/docker/" + ID + "\n");
        Path root = tmp.resolve("cgroup");
        Path dir = Files.createDirectories(root.resolve("freezer/docker").resolve(ID));
        Files.writeString(dir.resolve("freezer.state"), "THAWED\n");
        Freezer.Direct direct = Freezer.Direct.of(proc, root, 4242, ID);
        assertEquals(new Freezer.Direct(dir, false), direct);
        assertTrue(direct.freeze(Duration.ofMillis(50)));
        assertEquals("FROZEN", Files.readString(dir.resolve("freezer.state")));
        assertTrue(direct.thaw());
        assertEquals("THAWED", Files.readString(dir.resolve("freezer.state")));
    }

    @Test
    void onCgroupV2AFreezeThatDoesNotFinishIsUndoneAndLeftToRunc() throws IOException {
        Path proc = proc(4242, "0::/system.slice/docker-" + ID + ".scope\n");
        Path root = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Path dir = Files.createDirectories(root.resolve("system.slice/docker-" + ID + ".scope"));
        Files.writeString(dir.resolve("cgroup.freeze"), "0\n");
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        Freezer.Direct direct = Freezer.Direct.of(proc, root, 4242, ID);
        assertEquals(new Freezer.Direct(dir, true), direct);
        assertFalse(direct.freeze(Duration.ofMillis(20)), "the cgroup never said frozen");
        assertEquals("0", Files.readString(dir.resolve("cgroup.freeze")), "undone");
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 1\n");
        assertTrue(direct.freeze(Duration.ofMillis(20)));
        assertEquals("1", Files.readString(dir.resolve("cgroup.freeze")));
    }

    @Test
    void aCgroupNotNamedAfterTheContainerIsNeverWritten() throws IOException {
        // the init of the host, or a process whose cgroup is the root: only runc may freeze it
        Path proc = proc(4242, "6:freezer:/\n0::/\n");
        Path root = tmp.resolve("cgroup");
        Files.createDirectories(root.resolve("freezer"));
        Files.writeString(root.resolve("freezer/freezer.state"), "THAWED\n");
        assertNull(Freezer.Direct.of(proc, root, 4242, ID));
        assertNull(Freezer.Direct.of(proc, root, 1, ID), "pid 1 is never the container's");
        Path other = proc(4343, "6:freezer:/docker/0123456789ab\n");
        Files.createDirectories(root.resolve("freezer/docker/0123456789ab"));
        Files.writeString(root.resolve("freezer/docker/0123456789ab/freezer.state"), "THAWED\n");
        assertNull(Freezer.Direct.of(other, root, 4343, ID), "another container's cgroup");
        assertNull(Freezer.Direct.of(proc, root, 9999, ID), "no such process");
    }
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
