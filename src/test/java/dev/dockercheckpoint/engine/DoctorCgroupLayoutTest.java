package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DoctorReport.Item;
import dev.dockercheckpoint.core.DoctorReport.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's check that runc sees the engine's cgroups, on mount tables recorded on the project's
 * hosts (test resources cgroup/): the hybrid host itself (cgroup v1 hierarchies, cgroup2 at
 * /sys/fs/cgroup/unified) and the mount namespace of scripts/setup-cgroup2-engine (cgroup2 bound
 * over /sys/fs/cgroup); mountinfo-unified-host.txt is the relevant part of a cgroup v2 host's table.
 * The engines' pids come from a fake /proc.
 */
class DoctorCgroupLayoutTest {
    private static final String NSENTER = "nsenter --mount=/proc/16556/ns/mnt --";

    @TempDir
    Path tmp;

    private static String mountinfo(String name) throws IOException {
        return Files.readString(Path.of("src/test/resources/cgroup", name));
    }

    @Test
    void theHybridHostIsCgroupV1ForRunc() throws IOException {
        Doctor.CgroupMount m = Doctor.cgroupMount(mountinfo("mountinfo-hybrid-host.txt"));
        assertEquals("1", m.version());
        assertEquals("cgroup v1 hierarchies (cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids, systemd),"
                + " with the cgroup2 hierarchy at /sys/fs/cgroup/unified (hybrid)", m.description());
    }

    @Test
    void theEnginesNamespaceIsCgroupV2ForRuncThoughTheV1MountsAreStillListedBelow() throws IOException {
        Doctor.CgroupMount m = Doctor.cgroupMount(mountinfo("mountinfo-cgroup2-engine-namespace.txt"));
        assertEquals("2", m.version());
        assertEquals("the cgroup2 hierarchy (cgroup v2)", m.description());
        assertEquals("2", Doctor.cgroupMount(mountinfo("mountinfo-unified-host.txt")).version());
    }

    @Test
    void nothingAtSysFsCgroup() {
        String sysOnly = "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n";
        assertEquals("", Doctor.cgroupMount(sysOnly).version());
        assertEquals("no cgroup filesystem", Doctor.cgroupMount(sysOnly).description());
        // a sysfs mounted again over /sys hides the cgroup mounts made before it
        String hidden = sysOnly + "31 23 0:28 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
                + "90 23 0:22 / /sys rw,relatime - sysfs sysfs rw\n";
        assertEquals("", Doctor.cgroupMount(hidden).version());
    }

    @Test
    void aCgroupV2EngineSeenFromTheHybridHostFailsWithTheNsenterFix() throws IOException {
        Item item = Doctor.cgroupLayout("2", mountinfo("mountinfo-hybrid-host.txt"), NSENTER);
        assertEquals(Doctor.CGROUP_LAYOUT, item.id());
        assertEquals(Status.FAIL, item.status());
        assertTrue(item.detail().startsWith("the engine uses cgroup v2 but /sys/fs/cgroup in this mount namespace holds"
                + " cgroup v1 hierarchies ("), item.detail());
        assertTrue(item.detail().endsWith(": runc cannot see the engine's cgroups from this mount namespace (this"
                + " process and the engine are in different ones), so a checkpoint fails at the freeze (cgroups not"
                + " configured for container)"), item.detail());
        assertEquals("run docker-checkpoint in the engine's mount namespace: nsenter --mount=/proc/16556/ns/mnt --"
                + " docker-checkpoint ...", item.fix());
    }

    @Test
    void theReverseFailsToo() throws IOException {
        Item item = Doctor.cgroupLayout("1", mountinfo("mountinfo-cgroup2-engine-namespace.txt"),
                "nsenter --mount=/proc/14050/ns/mnt --");
        assertEquals(Status.FAIL, item.status());
        assertTrue(item.detail().startsWith("the engine uses cgroup v1 but /sys/fs/cgroup in this mount namespace holds"
                + " the cgroup2 hierarchy (cgroup v2): runc cannot see"), item.detail());
        assertTrue(item.fix().contains("nsenter --mount=/proc/14050/ns/mnt -- docker-checkpoint"), item.fix());
    }

    @Test
    void matchingLayoutsPass() throws IOException {
        Item v2 = Doctor.cgroupLayout("2", mountinfo("mountinfo-cgroup2-engine-namespace.txt"), NSENTER);
        assertEquals(Status.OK, v2.status());
        assertEquals("the engine uses cgroup v2; /sys/fs/cgroup in this mount namespace holds the cgroup2 hierarchy"
                + " (cgroup v2)", v2.detail());
        assertEquals(Status.OK, Doctor.cgroupLayout("2", mountinfo("mountinfo-unified-host.txt"), NSENTER).status());
        assertEquals(Status.OK, Doctor.cgroupLayout("1", mountinfo("mountinfo-hybrid-host.txt"), NSENTER).status());
    }

    @Test
    void unknownsAreNoFailure() throws IOException {
        Item noVersion = Doctor.cgroupLayout("", mountinfo("mountinfo-hybrid-host.txt"), NSENTER);
        assertEquals(Status.OK, noVersion.status());
        assertTrue(noVersion.detail().startsWith("the engine does not report its cgroup version"), noVersion.detail());
        Item unreadable = Doctor.cgroupLayout("2", null, NSENTER);
        assertEquals(Status.WARN, unreadable.status());
        assertTrue(unreadable.fix().contains("stat -f -c %T /sys/fs/cgroup"), unreadable.fix());
    }

    private Path proc() throws IOException {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        dockerd(proc, "14050", "dockerd");
        dockerd(proc, "16556", "/opt/docker-checkpoint-cgroup2/root/usr/sbin/dockerd", "--config-file",
                "/opt/docker-checkpoint-cgroup2/daemon.json", "--containerd",
                "/run/dcp-cgroup2/containerd/containerd.sock",
                "-H", "unix:///run/dcp-cgroup2/docker.sock", "--pidfile", "/run/dcp-cgroup2/docker.pid");
        dockerd(proc, "17000", "/opt/docker-checkpoint-engine2/root/usr/sbin/dockerd",
                "--host=unix:///run/dcp-engine2/docker.sock");
        Path other = Files.createDirectories(proc.resolve("1"));
        Files.writeString(other.resolve("comm"), "init\n");
        Files.write(other.resolve("cmdline"), "/sbin/init\0".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(proc.resolve("self"));
        return proc;
    }

    private static void dockerd(Path proc, String pid, String... args) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid));
        Files.writeString(dir.resolve("comm"), "dockerd\n");
        Files.write(dir.resolve("cmdline"), (String.join("\0", args) + "\0").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDockerdOfAnEngineIsFoundByItsSocket() throws IOException {
        Path proc = proc();
        assertEquals(OptionalLong.of(16556), Doctor.dockerdPid(proc, "unix:///run/dcp-cgroup2/docker.sock"));
        assertEquals(OptionalLong.of(17000), Doctor.dockerdPid(proc, "unix:///var/run/dcp-engine2/docker.sock"));
        // the default socket: the dockerd started without -H
        assertEquals(OptionalLong.of(14050), Doctor.dockerdPid(proc, "unix:///var/run/docker.sock"));
        assertEquals(OptionalLong.empty(), Doctor.dockerdPid(proc, "unix:///run/elsewhere.sock"));
        // two candidates for the default socket: none is named
        dockerd(proc, "18000", "dockerd", "-H", "fd://");
        assertEquals(OptionalLong.empty(), Doctor.dockerdPid(proc, "unix:///run/docker.sock"));
    }
}
