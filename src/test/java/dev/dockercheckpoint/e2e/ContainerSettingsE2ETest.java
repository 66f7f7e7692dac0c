package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A container started with many settings is restored into a new container with every one of
 * them: Docker's whole Config and HostConfig are the same, and the settings are in force in the
 * restored processes. No field is left out of the comparison: Hostname is the original's by
 * design, Image is the same name (it still points at the checkpointed image), ContainerIDFile is
 * empty in both (no --cidfile). The one difference is expected and checked exactly: the
 * restored HostConfig.Mounts has an entry naming the original's anonymous volume.
 */
@Tag("e2e")
class ContainerSettingsE2ETest extends BaseDirE2E {
    private final List<String> volumes = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeContainersAndVolumes() {
        containers.forEach(E2E::remove);
        for (String v : volumes) {
            try {
                E2E.docker().removeVolumeCmd(v).exec();
            } catch (NotFoundException e) {
                // gone
            }
        }
    }

    @Test
    void restoredContainerHasTheOriginalsWholeConfiguration() throws Exception {
        String app = E2E.name("settings");
        String restored = E2E.name("settings-restored");
        containers.addAll(List.of(restored, app));
        String namedVolume = app + "-named";
        volumes.add(namedVolume);

        E2E.run(List.of("docker", "run", "-d", "--name", app, "--network", "none",
                "--memory", "64m", "--memory-swap", "128m", "--memory-reservation", "32m",
                "--pids-limit", "64", "--ulimit", "nofile=1024:2048",
                "--add-host", "db.example:192.0.2.10",
                "--log-driver", "json-file", "--log-opt", "max-size=1m", "--log-opt", "max-file=2",
                "--dns", "192.0.2.53", "--dns-search", "example.internal", "--dns-option", "ndots:2",
                "--cpu-shares", "512", "--cpuset-cpus", "0", "--oom-score-adj", "100",
                "--device", "/dev/null:/dev/xnull", "--sysctl", "kernel.shm_rmid_forced=1",
                "--label", "team=payments", "--label", "tier=backend", "-e", "MODE=prod", "-e", "EMPTY=",
                "-w", "/data", "--hostname", "settings-host", "--domainname", "example.internal",
                "-v", namedVolume + ":/named", "-v", "/anon", "--tmpfs", "/scratch:size=8m",
                "--cap-add", "SYS_PTRACE", "--cap-drop", "NET_RAW",
                "--restart", "on-failure:3", "--stop-signal", "SIGINT", "--stop-timeout", "7",
                E2E.BUSYBOX, "sh", "-c", String.join("; ",
                        "echo anonymous-data > /anon/file",
                        "echo named-data > /named/file",
                        "echo scratch-data > /scratch/file",
                        "i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done")));
        E2E.waitForNumber(app, "tick-", 2, Duration.ofSeconds(20));
        JsonNode original = E2E.engine().docker().inspectContainer(app);
        String anonymousVolume = volumeAt(original, "/anon");
        volumes.add(anonymousVolume);

        E2E.Cli dump = E2E.cli("-container", app, "-name", "c1", "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long lastBefore = E2E.numbers(app, "tick-").getLast();
        ContainerSpec.DockerConfig saved = new CheckpointStore(base).open(app, "c1").manifest().spec().docker();
        assertNotNull(saved, "container.json keeps Docker's configuration");
        assertEquals(original.get("Config"), saved.config());
        assertEquals(original.get("HostConfig"), saved.hostConfig());
        // the restored container is to be alone with the volumes: the original stays stopped
        if (E2E.running(app)) {
            E2E.docker().stopContainerCmd(app).withTimeout(1).exec();
        }

        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "c1", "-new-name", restored,
                "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(E2E.running(restored));
        E2E.waitForNumber(restored, "tick-", lastBefore + 1, Duration.ofSeconds(20));
        long first = E2E.numbers(restored, "tick-").getFirst();
        assertTrue(first >= lastBefore && first > 0, "the restored loop continues from " + lastBefore
                + " (CRIU's restore, not a fresh start): first tick " + first);

        JsonNode copy = E2E.engine().docker().inspectContainer(restored);
        ObjectNode expectedConfig = original.get("Config").deepCopy();
        ObjectNode expectedHost = original.get("HostConfig").deepCopy();
        if (holderEngine()) {
            // Docker 28+: the restored container lives in the network namespace of a holder
            // container, which carries what Docker accepts only on a namespace's owner
            containers.add(0, restored + "-netns");
            JsonNode holder = E2E.engine().docker().inspectContainer(restored + "-netns");
            assertEquals("container:" + holder.path("Id").asText(), copy.path("HostConfig").path("NetworkMode").asText());
            expectedHost.set("NetworkMode", copy.path("HostConfig").path("NetworkMode"));
            for (String f : List.of("ExtraHosts", "Dns", "DnsSearch", "DnsOptions")) {
                assertEquals(original.path("HostConfig").get(f), holder.path("HostConfig").get(f), "holder's " + f);
                expectedHost.set(f, copy.path("HostConfig").get(f));
            }
            // ports belong to the namespace's owner too (none here: network mode none)
            for (String f : List.of("PortBindings", "PublishAllPorts")) {
                expectedHost.set(f, copy.path("HostConfig").get(f));
            }
            for (String f : List.of("Hostname", "Domainname")) {
                assertEquals(original.path("Config").get(f), holder.path("Config").get(f), "holder's " + f);
                expectedConfig.set(f, copy.path("Config").get(f));
            }
        }
        JsonNode annotations = copy.path("HostConfig").path("Annotations");
        if (annotations.has("org.criu.config")) {
            // API 1.43+: runc reads this restore's CRIU settings from the file the annotation names
            assertTrue(original.path("HostConfig").path("Annotations").path("org.criu.config").isMissingNode());
            expectedHost.set("Annotations", annotations);
        }
        // Config: all of it, Hostname and Image included (the hostname is the original's, and
        // the image name still points at the checkpointed image)
        assertEquals(expectedConfig, copy.get("Config"), "Config");
        // HostConfig: all of it, except that Mounts gained one entry naming the anonymous volume,
        // which is how the new container gets that volume instead of a new empty one
        ArrayNode mounts = expectedHost.path("Mounts") instanceof ArrayNode m ? m : expectedHost.putArray("Mounts");
        mounts.addObject().put("Type", "volume").put("Source", anonymousVolume).put("Target", "/anon");
        assertEquals(expectedHost, copy.get("HostConfig"), () -> "HostConfig (key order aside)\nexpected "
                + pretty(expectedHost) + "\nrestored " + pretty(copy.get("HostConfig")));
        assertEquals(anonymousVolume, volumeAt(copy, "/anon"));
        assertEquals(namedVolume, volumeAt(copy, "/named"));

        // the settings are in force in the restored processes
        assertEquals("anonymous-data\n", out(restored, "cat", "/anon/file"));
        assertEquals("named-data\n", out(restored, "cat", "/named/file"));
        assertEquals("scratch-data\n", out(restored, "cat", "/scratch/file"));
        assertTrue(out(restored, "grep", " /scratch ", "/proc/mounts").startsWith("tmpfs /scratch tmpfs"));
        assertTrue(out(restored, "cat", "/etc/hosts").contains("192.0.2.10\tdb.example"), "extra host");
        String resolv = out(restored, "cat", "/etc/resolv.conf");
        assertTrue(resolv.contains("nameserver 192.0.2.53") && resolv.contains("search example.internal")
                && resolv.contains("options ndots:2"), resolv);
        assertEquals("settings-host\n", out(restored, "hostname"));
        assertEquals("100\n", out(restored, "cat", "/proc/1/oom_score_adj"));
        assertEquals("1\n", out(restored, "cat", "/proc/sys/kernel/shm_rmid_forced"));
        assertTrue(out(restored, "cat", "/proc/1/limits").matches("(?s).*Max open files\\s+1024\\s+2048\\s.*"),
                "nofile limit of the restored process");
        assertTrue(out(restored, "cat", "/proc/1/environ").contains("MODE=prod"));
        assertTrue(out(restored, "ls", "-l", "/dev/xnull").startsWith("c"), "device node");
        assertEquals("/data\n", out(restored, "readlink", "/proc/1/cwd"));
        // limits read on the host: inside a container restored by runc 1.1, /sys/fs/cgroup shows
        // the host's cgroups, not the container's. An engine without the memory or pids controller
        // (the cgroup v2 lane's hierarchy holds only hugetlb) discards those limits at docker run.
        int pid = copy.path("State").path("Pid").asInt();
        if (engineSupports("MemoryLimit")) {
            assertEquals("67108864", hostCgroupFile(pid, "memory", "memory.limit_in_bytes", "memory.max"));
        } else {
            assertEquals(0, original.path("HostConfig").path("Memory").asLong(),
                    "the engine discarded the memory limit");
        }
        if (engineSupports("PidsLimit")) {
            assertEquals("64", hostCgroupFile(pid, "pids", "pids.max", "pids.max"));
        }
    }

    /** Whether the engine applies a kind of limit ({@code docker info}: MemoryLimit, PidsLimit, ...). */
    private static boolean engineSupports(String infoField) {
        return E2E.engine().docker().info().path(infoField).asBoolean(true);
    }

    @Test
    void aCheckpointWithoutDockersConfigurationRestoresFromTheNamedFields() throws Exception {
        String app = E2E.name("settings-old");
        String restored = E2E.name("settings-old-restored");
        containers.addAll(List.of(restored, app));
        E2E.run(List.of("docker", "run", "-d", "--name", app, "--network", "none", "--label", "team=payments",
                "-w", "/data", "--memory", "64m", E2E.BUSYBOX, "sh", "-c",
                "i=0; while true; do echo old-$i; i=$((i+1)); sleep 1; done"));
        E2E.waitForNumber(app, "old-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-name", "c1", "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long lastBefore = E2E.numbers(app, "old-").getLast();

        // container.json as checkpoints made before Docker's configuration was kept
        Path manifest = base.resolve(app).resolve("c1").resolve("container.json");
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(manifest.toFile());
        assertNotNull(((ObjectNode) tree.get("spec")).remove("docker"));
        Files.writeString(manifest, tree.toPrettyString());
        // such checkpoints were made without checksums too
        Files.delete(manifest.resolveSibling(dev.dockercheckpoint.core.Checksums.FILE_NAME));
        assertNull(new CheckpointStore(base).open(app, "c1").manifest().spec().docker());

        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "c1", "-new-name", restored,
                "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        E2E.waitForNumber(restored, "old-", lastBefore + 1, Duration.ofSeconds(20));
        assertTrue(E2E.numbers(restored, "old-").getFirst() >= lastBefore);
        JsonNode copy = E2E.engine().docker().inspectContainer(restored);
        assertEquals("payments", copy.path("Config").path("Labels").path("team").asText());
        assertEquals("/data", copy.path("Config").path("WorkingDir").asText());
        assertEquals(engineSupports("MemoryLimit") ? 67_108_864L : 0L,
                copy.path("HostConfig").path("Memory").asLong());
        if (holderEngine()) {
            containers.add(0, restored + "-netns");
            assertEquals("container:" + E2E.engine().docker().inspectContainer(restored + "-netns").path("Id").asText(),
                    copy.path("HostConfig").path("NetworkMode").asText());
        } else {
            assertEquals("none", copy.path("HostConfig").path("NetworkMode").asText());
        }
    }

    /** Docker 28 and newer, whose own restore needs the network namespace of a holder container. */
    private static boolean holderEngine() {
        String v = E2E.engine().docker().serverVersion();
        return Integer.parseInt(v.split("[.+~-]", 2)[0]) >= 28;
    }

    private static String volumeAt(JsonNode inspect, String destination) {
        for (JsonNode m : inspect.path("Mounts")) {
            if (m.path("Destination").asText().equals(destination)) {
                return m.path("Name").asText();
            }
        }
        throw new AssertionError("no mount at " + destination + ": " + inspect.path("Mounts"));
    }

    private static String out(String container, String... cmd) throws InterruptedException {
        E2E.ExecResult r = E2E.exec(container, cmd);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + ": " + r.output());
        return r.output();
    }

    /**
     * A file of the cgroup process {@code pid} is in, for a controller: in its cgroup v1 hierarchy, or
     * in the unified hierarchy when /sys/fs/cgroup is the cgroup2 mount (a process on a hybrid host
     * is listed in both, whatever layout its engine uses).
     */
    private static String hostCgroupFile(int pid, String controller, String v1File, String v2File)
            throws IOException {
        boolean unifiedLayout = "cgroup2".equals(Files.getFileStore(Path.of("/sys/fs/cgroup")).type());
        String unified = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (!unifiedLayout && List.of(f[1].split(",")).contains(controller)) {
                return Files.readString(Path.of("/sys/fs/cgroup/" + controller + f[2], v1File)).strip();
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            }
        }
        assertNotNull(unified, "cgroup of " + pid);
        return Files.readString(Path.of("/sys/fs/cgroup" + unified, v2File)).strip();
    }

    private static String pretty(JsonNode node) {
        return node == null ? "null" : node.toPrettyString();
    }
}
