package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.ContainerSpec.MountSpec;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerInfoTest {
    /** Trimmed from a real {@code docker inspect myapp} of Docker 27 with overlay2. */
    private static final String INSPECT = """
            {
              "Id": "4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f",
              "Created": "2024-05-01T12:00:00.000000000Z",
              "Path": "/app/run",
              "Args": ["--port", "8080"],
              "State": {
                "Status": "running",
                "Running": true,
                "Paused": false,
                "Restarting": false,
                "OOMKilled": false,
                "Dead": false,
                "Pid": 123,
                "ExitCode": 0,
                "Error": "",
                "StartedAt": "2024-05-01T12:00:01.000000000Z",
                "FinishedAt": "0001-01-01T00:00:00Z"
              },
              "Image": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "Name": "/myapp",
              "RestartCount": 0,
              "Driver": "overlay2",
              "HostConfig": {
                "Binds": ["/srv/data:/data:ro"],
                "NetworkMode": "none",
                "PortBindings": {},
                "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
                "AutoRemove": false,
                "CapAdd": ["NET_ADMIN", "SYS_PTRACE"],
                "CapDrop": null,
                "IpcMode": "private",
                "PidMode": "",
                "UTSMode": "",
                "Privileged": false,
                "ReadonlyRootfs": false,
                "SecurityOpt": null,
                "Tmpfs": {"/run": "rw,noexec,size=65536k"},
                "ShmSize": 67108864,
                "Memory": 0,
                "NanoCpus": 0,
                "Init": null,
                "GroupAdd": null
              },
              "GraphDriver": {
                "Data": {
                  "LowerDir": "/var/lib/docker/overlay2/abc-init/diff:/var/lib/docker/overlay2/def/diff",
                  "MergedDir": "/var/lib/docker/overlay2/abc/merged",
                  "UpperDir": "/var/lib/docker/overlay2/abc/diff",
                  "WorkDir": "/var/lib/docker/overlay2/abc/work"
                },
                "Name": "overlay2"
              },
              "Mounts": [
                {
                  "Type": "bind",
                  "Source": "/srv/data",
                  "Destination": "/data",
                  "Mode": "ro",
                  "RW": false,
                  "Propagation": "rprivate"
                },
                {
                  "Type": "volume",
                  "Name": "appcache",
                  "Source": "/var/lib/docker/volumes/appcache/_data",
                  "Destination": "/cache",
                  "Driver": "local",
                  "Mode": "z",
                  "RW": true,
                  "Propagation": ""
                },
                {
                  "Type": "tmpfs",
                  "Source": "",
                  "Destination": "/run",
                  "Mode": "",
                  "RW": true,
                  "Propagation": ""
                }
              ],
              "Config": {
                "Hostname": "4f1c0e9a7b3d",
                "Domainname": "",
                "User": "1000:1000",
                "AttachStdin": false,
                "Tty": true,
                "OpenStdin": false,
                "StdinOnce": false,
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=prod"],
                "Cmd": ["/app/run", "--port", "8080"],
                "Image": "registry.example.com/team/app:2.1",
                "Volumes": null,
                "WorkingDir": "/srv/app",
                "Entrypoint": null,
                "OnBuild": null,
                "Labels": {"com.example.team": "payments", "version": "2.1"},
                "StopSignal": "SIGINT"
              },
              "NetworkSettings": {"Networks": {"none": {}}}
            }
            """;

    /**
     * {@code docker inspect} (Docker 20.10.24, API 1.41) of a container started with: --network none
     * --memory 64m --memory-swap 128m --memory-reservation 32m --pids-limit 64 --ulimit nofile=1024:2048
     * --add-host db.example:192.0.2.10 --log-opt max-size=1m --log-opt max-file=2 --dns 192.0.2.53
     * --dns-search example.internal --dns-option ndots:2 --cpu-shares 512 --cpuset-cpus 0 --oom-score-adj 100
     * --device /dev/null:/dev/xnull --sysctl kernel.shm_rmid_forced=1 --label team=payments --label
     * tier=backend -e MODE=prod -w /data --hostname app-host --domainname example.internal -v
     * dcp-cfgsample-vol:/named -v /anon -v /tmp/dcp-cfgsample-bind:/bind:ro --mount
     * type=volume,source=dcp-cfgsample-vol2,target=/mounted --tmpfs /scratch:size=8m --cap-add SYS_PTRACE
     * --cap-drop NET_RAW --restart on-failure:3 --stop-signal SIGINT --stop-timeout 7.
     */
    static JsonNode realInspect() throws IOException {
        try (InputStream in = ContainerInfoTest.class.getResourceAsStream("/docker/inspect-many-flags.json")) {
            return Json.mapper().readTree(in).get(0);
        }
    }

    private static ContainerInfo parse(String json) throws Exception {
        JsonNode node = Json.mapper().readTree(json);
        return ContainerInfo.of(node);
    }

    @Test
    void stateAndIdentity() throws Exception {
        ContainerInfo info = parse(INSPECT);
        assertEquals("4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f", info.id());
        assertEquals("myapp", info.name());
        assertEquals("running", info.status());
        assertTrue(info.running());
        assertFalse(info.paused());
        assertEquals(123, info.pid());
        assertEquals("overlay2", info.graphDriver());
        assertEquals("/var/lib/docker/overlay2/abc/diff", info.upperDir());
    }

    @Test
    void configFieldsAreMapped() throws Exception {
        ContainerSpec spec = parse(INSPECT).spec();
        assertEquals("registry.example.com/team/app:2.1", spec.image());
        assertEquals("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", spec.imageId());
        assertEquals(List.of("/app/run", "--port", "8080"), spec.cmd());
        assertEquals(List.of(), spec.entrypoint(), "null Entrypoint becomes empty");
        assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=prod"),
                spec.env());
        assertEquals("/srv/app", spec.workingDir());
        assertEquals("1000:1000", spec.user());
        assertEquals("4f1c0e9a7b3d", spec.hostname());
        assertNull(spec.domainname(), "empty Domainname becomes null");
        assertEquals(Map.of("com.example.team", "payments", "version", "2.1"), spec.labels());
        assertTrue(spec.tty());
        assertFalse(spec.openStdin());
        assertFalse(spec.stdinOnce());
        assertEquals("SIGINT", spec.stopSignal());
        assertNull(spec.stopTimeout());
    }

    @Test
    void hostConfigFieldsAreMapped() throws Exception {
        ContainerSpec spec = parse(INSPECT).spec();
        assertEquals("none", spec.networkMode());
        assertEquals("private", spec.ipcMode());
        assertNull(spec.pidMode());
        assertNull(spec.utsMode());
        assertEquals(new RestartPolicySpec("on-failure", 3), spec.restartPolicy());
        assertEquals(List.of("NET_ADMIN", "SYS_PTRACE"), spec.capAdd());
        assertEquals(List.of(), spec.capDrop());
        assertEquals(List.of(), spec.securityOpt());
        assertFalse(spec.privileged());
        assertFalse(spec.readonlyRootfs());
        assertEquals(67_108_864L, spec.shmSize());
        assertNull(spec.memory(), "Memory 0 means unlimited");
        assertNull(spec.nanoCpus(), "NanoCpus 0 means unlimited");
        assertEquals(Map.of("/run", "rw,noexec,size=65536k"), spec.tmpfs());
        assertNull(spec.init());
        assertEquals(List.of(), spec.groupAdd());
    }

    @Test
    void mountsAreMappedAndTmpfsMountsSkipped() throws Exception {
        ContainerSpec spec = parse(INSPECT).spec();
        assertEquals(List.of(
                new MountSpec("bind", "/srv/data", "/data", true, "rprivate"),
                new MountSpec("volume", "appcache", "/cache", false, null)), spec.mounts());
    }

    @Test
    void optionalLimitsAndFlagsWhenSet() throws Exception {
        String json = """
                {"Id": "abc", "Name": "plain",
                 "Config": {"Image": "busybox", "Cmd": "sleep 1000", "Entrypoint": ["/bin/sh", "-c"],
                            "StopTimeout": 30, "OpenStdin": true, "StdinOnce": true},
                 "HostConfig": {"Memory": 268435456, "NanoCpus": 500000000, "Init": true, "Privileged": true,
                                "ReadonlyRootfs": true, "GroupAdd": ["audio"], "CapDrop": ["MKNOD"],
                                "SecurityOpt": ["no-new-privileges"], "PidMode": "host", "UTSMode": "host"}}
                """;
        ContainerInfo info = parse(json);
        assertEquals("plain", info.name(), "a name without slash is kept");
        ContainerSpec spec = info.spec();
        assertEquals(List.of("sleep 1000"), spec.cmd(), "a string Cmd becomes a one-element list");
        assertEquals(List.of("/bin/sh", "-c"), spec.entrypoint());
        assertEquals(30, spec.stopTimeout());
        assertTrue(spec.openStdin());
        assertTrue(spec.stdinOnce());
        assertEquals(268_435_456L, spec.memory());
        assertEquals(500_000_000L, spec.nanoCpus());
        assertEquals(Boolean.TRUE, spec.init());
        assertTrue(spec.privileged());
        assertTrue(spec.readonlyRootfs());
        assertEquals(List.of("audio"), spec.groupAdd());
        assertEquals(List.of("MKNOD"), spec.capDrop());
        assertEquals(List.of("no-new-privileges"), spec.securityOpt());
        assertEquals("host", spec.pidMode());
        assertEquals("host", spec.utsMode());
    }

    @Test
    void sparseDocumentGivesSafeDefaults() throws Exception {
        ContainerInfo info = parse("{\"Id\": \"abc\"}");
        assertEquals("abc", info.id());
        assertEquals("", info.name());
        assertEquals("", info.status());
        assertFalse(info.running());
        assertFalse(info.paused());
        assertEquals(0, info.pid());
        assertEquals("", info.graphDriver());
        assertNull(info.upperDir());
        ContainerSpec spec = info.spec();
        assertEquals("", spec.image());
        assertNull(spec.imageId());
        assertNull(spec.restartPolicy());
        assertEquals(List.of(), spec.mounts());
        assertEquals(List.of(), spec.cmd());
        assertEquals(Map.of(), spec.labels());
        assertNull(spec.networkMode());
        assertNull(spec.shmSize());
        assertNull(spec.docker(), "no Config and HostConfig, nothing to keep");
    }

    @Test
    void dockerConfigKeepsConfigHostConfigAndMountsWhole() throws Exception {
        JsonNode json = realInspect();
        ContainerSpec.DockerConfig saved = ContainerInfo.of(json).spec().docker();
        assertEquals(json.get("Config"), saved.config());
        assertEquals(json.get("HostConfig"), saved.hostConfig());
        assertEquals(json.get("Mounts"), saved.mounts());
        assertEquals(Json.mapper().readTree("{\"none\": {}}"), saved.networks(),
                "network none: nothing a user set, Docker's endpoint and ids are left out");
    }

    @Test
    void networksKeepOnlyWhatAUserSet() throws Exception {
        JsonNode json = Json.mapper().readTree("""
                {"Id": "4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f",
                 "Config": {"MacAddress": "02:42:c0:00:02:05"}, "HostConfig": {"NetworkMode": "front"},
                 "NetworkSettings": {"Networks": {
                   "front": {"IPAMConfig": {"IPv4Address": "192.0.2.5"}, "Links": ["db:database"],
                             "Aliases": ["web", "4f1c0e9a7b3d"], "NetworkID": "n1", "EndpointID": "e1",
                             "Gateway": "192.0.2.1", "IPAddress": "192.0.2.5", "IPPrefixLen": 24,
                             "MacAddress": "02:42:c0:00:02:05", "DriverOpts": {"com.example.opt": "1"}},
                   "back": {"IPAMConfig": null, "Links": null, "Aliases": ["4f1c0e9a7b3d"], "NetworkID": "n2",
                            "IPAddress": "198.51.100.7", "MacAddress": "02:42:c6:33:64:07", "DriverOpts": null}}}}
                """);
        JsonNode networks = ContainerInfo.of(json).spec().docker().networks();
        assertEquals(Json.mapper().readTree("""
                {"front": {"Aliases": ["web"], "IPAMConfig": {"IPv4Address": "192.0.2.5"}, "Links": ["db:database"],
                           "DriverOpts": {"com.example.opt": "1"}, "MacAddress": "02:42:c0:00:02:05"},
                 "back": {}}
                """), networks);
    }

    @Test
    void pausedContainer() throws Exception {
        ContainerInfo info = parse("""
                {"Id": "abc", "Name": "/p", "State": {"Status": "paused", "Running": true, "Paused": true, "Pid": 9}}
                """);
        assertEquals("p", info.name());
        assertEquals("paused", info.status());
        assertTrue(info.running());
        assertTrue(info.paused());
        assertEquals(9, info.pid());
    }
}
