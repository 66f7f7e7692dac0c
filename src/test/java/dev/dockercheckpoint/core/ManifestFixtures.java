package dev.dockercheckpoint.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.ContainerSpec.MountSpec;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built manifests with every field set, shared by the core tests. */
public final class ManifestFixtures {
    private ManifestFixtures() {
    }

    public static ContainerSpec fullSpec() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("com.example.team", "payments");
        labels.put("version", "2.1");
        Map<String, String> tmpfs = new LinkedHashMap<>();
        tmpfs.put("/run", "rw,noexec,size=64m");
        tmpfs.put("/scratch", "");
        return new ContainerSpec(
                "registry.example.com/team/app:2.1",
                "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                List.of("--port", "8080"),
                List.of("/usr/bin/tini", "--", "/app/run"),
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=prod",
                        "EMPTY="),
                "/srv/app",
                "1000:1000",
                "app-host",
                "example.internal",
                labels,
                true,
                true,
                false,
                "bridge",
                "private",
                "host",
                "host",
                new RestartPolicySpec("on-failure", 5),
                List.of(new MountSpec("bind", "/srv/data", "/data", false, "rprivate"),
                        new MountSpec("volume", "appcache", "/cache", true, null)),
                List.of("NET_ADMIN", "SYS_PTRACE"),
                List.of("MKNOD"),
                List.of("seccomp=unconfined", "apparmor=unconfined"),
                true,
                true,
                67_108_864L,
                536_870_912L,
                1_500_000_000L,
                "SIGINT",
                42,
                tmpfs,
                Boolean.TRUE,
                List.of("audio", "1234"),
                dockerConfig());
    }

    /** Docker's configuration in its own format, with the JSON nulls and large numbers Docker writes. */
    public static ContainerSpec.DockerConfig dockerConfig() {
        try {
            ObjectNode config = (ObjectNode) Json.mapper().readTree("""
                    {"Hostname": "app-host", "Domainname": "example.internal", "User": "1000:1000",
                     "Env": ["MODE=prod"], "Cmd": ["--port", "8080"], "Image": "registry.example.com/team/app:2.1",
                     "Volumes": {"/cache": {}}, "Entrypoint": ["/usr/bin/tini", "--", "/app/run"], "OnBuild": null,
                     "Labels": {"version": "2.1"}, "StopSignal": "SIGINT", "StopTimeout": 42}
                    """);
            ObjectNode host = (ObjectNode) Json.mapper().readTree("""
                    {"Binds": ["/srv/data:/data"], "ContainerIDFile": "", "LogConfig": {"Type": "json-file",
                     "Config": {"max-size": "1m"}}, "NetworkMode": "bridge", "ExtraHosts": ["db:192.0.2.10"],
                     "Memory": 536870912, "MemorySwap": 9223372036854775807, "MemorySwappiness": null,
                     "PidsLimit": 64, "Ulimits": [{"Name": "nofile", "Hard": 2048, "Soft": 1024}],
                     "Sysctls": {"kernel.shm_rmid_forced": "1"}, "ConsoleSize": [0, 0]}
                    """);
            ObjectNode networks = (ObjectNode) Json.mapper().readTree("""
                    {"bridge": {"Aliases": ["app"], "IPAMConfig": {"IPv4Address": "192.0.2.5"}}}
                    """);
            ArrayNode mounts = (ArrayNode) Json.mapper().readTree("""
                    [{"Type": "volume", "Name": "appcache", "Source": "/var/lib/docker/volumes/appcache/_data",
                      "Destination": "/cache", "Driver": "local", "Mode": "", "RW": false, "Propagation": ""}]
                    """);
            return new ContainerSpec.DockerConfig(config, host, networks, mounts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Manifest fullManifest() {
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("inspect", 12L);
        timings.put("dump", 1_234L);
        timings.put("filesystem", 56L);
        timings.put("total", 1_302L);
        return new Manifest(
                Manifest.FORMAT_VERSION,
                "checkpoint1",
                "myapp",
                "4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f",
                Instant.parse("2024-05-01T12:34:56.123456789Z"),
                fullSpec(),
                new CheckpointOptions(true, false, true, true),
                timings,
                new Manifest.Versions("0.1.0", "27.3.1", "1.47", "1.1.14", "4.0", "6.8.0-45-generic"),
                new Manifest.FilesystemChanges(3, 2, 1, 10_240L),
                "predump",
                new dev.dockercheckpoint.core.criulog.CriuStats("dump", 100_984L, 185_710L, 1_200L, 300L, 140L, 0L,
                        98L, null, null, null, null, null, null, null, null, null, null, null, null));
    }
}
