package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Json;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerProcessesTest {
    @TempDir
    Path tmp;

    private static final String ID = "84667c168cdd";

    /** A process in the fake {@code /proc}: its stat line (command name {@code comm}) and NUL-separated command line. */
    private void process(Path proc, int pid, int ppid, String comm, String... argv) throws IOException {
        Path p = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(p.resolve("stat"), pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid
                + " 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 1234 2269184 400 18446744073709551615\n");
        Files.write(p.resolve("cmdline"), argv.length == 0 ? new byte[0]
                : (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(p.resolve("cgroup"), "9:name=systemd:/docker/" + ID + "\n8:pids:/docker/" + ID
                + "\n6:freezer:/docker/" + ID + "\n0::/docker/" + ID + "\n");
    }

    @Test
    void theCgroupsProcessesAndTheirChildCgroupsAreReadFromProcAsDockerTopListsThem() throws IOException {
        Path proc = tmp.resolve("proc");
        Path cgroup = tmp.resolve("sys/fs/cgroup");
        Path container = Files.createDirectories(cgroup.resolve("freezer/docker").resolve(ID));
        Files.writeString(container.resolve("cgroup.procs"), "9100\n9120\n9300\n9999\n");
        Path child = Files.createDirectories(container.resolve("inner"));
        Files.writeString(child.resolve("cgroup.procs"), "9310\n");
        process(proc, 9100, 9080, "sh", "sh", "-c", "while true; do sleep 1; done");
        process(proc, 9120, 9100, "sleep", "sleep", "1");
        process(proc, 9300, 9080, "odd) (name", "sh");
        process(proc, 9310, 9300, "zombie");
        // 9999 ended between the cgroup's listing and its stat: left out
        List<ContainerProcesses.Task> tasks = ContainerProcesses.fromCgroup(proc, cgroup, 9100);
        assertEquals(List.of(new ContainerProcesses.Task(9100, 9080, "sh -c while true; do sleep 1; done"),
                new ContainerProcesses.Task(9120, 9100, "sleep 1"), new ContainerProcesses.Task(9300, 9080, "sh"),
                new ContainerProcesses.Task(9310, 9300, "[zombie]")), tasks);
        assertEquals(List.of("9300 sh", "9310 [zombie]"), ContainerProcesses.outsideInitTree(tasks, 9100).stream()
                .map(Object::toString).toList());
    }

    @Test
    void onCgroupV2TheUnifiedHierarchyIsReadAndWithoutEitherDockerIsAsked() throws IOException {
        Path proc = tmp.resolve("proc");
        Path v2 = Files.createDirectories(tmp.resolve("v2"));
        Files.writeString(v2.resolve("cgroup.controllers"), "cpu memory pids\n");
        process(proc, 500, 480, "sleep", "sleep", "9");
        Files.writeString(proc.resolve("500/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");
        Path scope = Files.createDirectories(v2.resolve("system.slice/docker-" + ID + ".scope"));
        Files.writeString(scope.resolve("cgroup.procs"), "500\n");
        assertEquals(List.of(new ContainerProcesses.Task(500, 480, "sleep 9")),
                ContainerProcesses.fromCgroup(proc, v2, 500));

        // a hybrid host's v1 lines seen from a mount namespace with cgroup v2 at the root
        Files.writeString(proc.resolve("500/cgroup"), "6:freezer:/\n0::/system.slice/docker-" + ID + ".scope\n");
        assertEquals(List.of(new ContainerProcesses.Task(500, 480, "sleep 9")),
                ContainerProcesses.fromCgroup(proc, v2, 500));
        Files.writeString(proc.resolve("500/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");

        Path noV2 = Files.createDirectories(tmp.resolve("hybrid-without-freezer"));
        assertNull(ContainerProcesses.fromCgroup(proc, noV2, 500), "no freezer line and no cgroup v2: ask Docker");
        assertNull(ContainerProcesses.fromCgroup(proc, v2, 501), "no such init");
        Files.writeString(scope.resolve("cgroup.procs"), "700\n");
        assertNull(ContainerProcesses.fromCgroup(proc, v2, 500), "a cgroup without the init is another view: ask Docker");
        Files.writeString(proc.resolve("500/cgroup"), "0::/../../etc\n");
        assertNull(ContainerProcesses.fromCgroup(proc, v2, 500), "a path out of the hierarchy is not followed");
    }

    @Test
    void thisJvmIsFoundInItsOwnCgroupWithItsRealParent() {
        long self = ProcessHandle.current().pid();
        boolean readable = Files.isDirectory(Path.of("/sys/fs/cgroup/freezer"))
                || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        org.junit.jupiter.api.Assumptions.assumeTrue(readable, "no freezer and no cgroup v2 here");
        List<ContainerProcesses.Task> tasks = ContainerProcesses.fromCgroup((int) self);
        org.junit.jupiter.api.Assertions.assertNotNull(tasks, "this JVM's cgroup is readable");
        ContainerProcesses.Task me = tasks.stream().filter(t -> t.pid() == self).findFirst().orElseThrow();
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), me.ppid());
        assertTrue(me.command().contains("java"), me.command());
    }
    /** {@code GET /containers/{id}/top} of a container with a child of init and a docker exec'd shell. */
    private static final String TOP = """
            {"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"],
             "Processes":[
              ["root","9100","9080","0","09:18","?","00:00:00","sh -c while true; do sleep 1; done"],
              ["root","9120","9100","0","09:18","?","00:00:00","sleep 1"],
              ["root","9300","9080","0","09:19","pts/0","00:00:00","sh"],
              ["root","9310","9300","0","09:19","pts/0","00:00:00","sleep 1000"]]}""";

    @Test
    void processesOutsideTheInitTreeAreFound() throws Exception {
        JsonNode top = Json.mapper().readTree(TOP);
        List<ContainerProcesses.Task> tasks = ContainerProcesses.parseTop(top);
        assertEquals(4, tasks.size());
        assertEquals("sh -c while true; do sleep 1; done", tasks.get(0).command());

        List<ContainerProcesses.Task> outside = ContainerProcesses.outsideInitTree(tasks, 9100);
        assertEquals(List.of("9300 sh", "9310 sleep 1000"), outside.stream().map(Object::toString).toList());
    }

    @Test
    void aContainerWithOnlyInitsTreeLosesNothing() throws Exception {
        List<ContainerProcesses.Task> tasks = ContainerProcesses.parseTop(Json.mapper().readTree(TOP));
        assertEquals(List.of(), ContainerProcesses.outsideInitTree(tasks.subList(0, 2), 9100));
    }

    @Test
    void aPidCycleDoesNotLoop() {
        List<ContainerProcesses.Task> tasks = List.of(new ContainerProcesses.Task(5, 6, "a"),
                new ContainerProcesses.Task(6, 5, "b"), new ContainerProcesses.Task(1, 0, "init"));
        assertEquals(2, ContainerProcesses.outsideInitTree(tasks, 1).size());
    }

    @Test
    void anUnexpectedAnswerGivesNoTasks() throws Exception {
        assertEquals(List.of(), ContainerProcesses.parseTop(Json.mapper().readTree("{\"Titles\":[\"X\"]}")));
        assertEquals(List.of(), ContainerProcesses.parseTop(null));
    }
}
