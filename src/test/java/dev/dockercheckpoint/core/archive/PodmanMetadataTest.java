package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dockercheckpoint.core.Manifest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PodmanMetadataTest {
    private static final byte[] CONFIG = """
            {"id": "abc", "name": "web", "rootfsImageName": "localhost/app:1", "checkpointedTime": "2026-01-02T03:04:05Z"}
            """.getBytes(StandardCharsets.UTF_8);

    private static Manifest manifest(String mounts) {
        byte[] spec = ("{\"process\": {\"args\": [\"sh\"]}, \"mounts\": [" + mounts + "]}")
                .getBytes(StandardCharsets.UTF_8);
        return PodmanMetadata.toManifest(CONFIG, spec, "checkpoint1");
    }

    @Test
    void podmansBindMountedDevShmAsksDockerForAShareableIpcMode() {
        Manifest m = manifest("{\"destination\": \"/dev/shm\", \"type\": \"bind\", \"source\": \"/var/lib/x/shm\"}");
        assertEquals(PodmanMetadata.SHAREABLE_IPC, m.spec().ipcMode());
        assertEquals("none", m.spec().networkMode());
        assertEquals("localhost/app:1", m.spec().image());
    }

    @Test
    void aTmpfsDevShmKeepsDockersDefault() {
        assertNull(manifest("{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\"}").spec().ipcMode());
        assertNull(manifest("").spec().ipcMode());
    }

    @Test
    void podmansNamedVolumesBecomeVolumeMounts() throws Exception {
        var config = dev.dockercheckpoint.core.Json.mapper().readTree("""
                {"namedVolumes": [{"volumeName": "data", "dest": "/data", "options": ["rw"]},
                                  {"volumeName": "cache", "dest": "/cache", "options": ["ro", "nosuid"]},
                                  {"volumeName": "../evil", "dest": "/x"},
                                  {"volumeName": "rel", "dest": "not/absolute"}]}
                """);
        var mounts = PodmanMetadata.namedVolumes(config);
        assertEquals(java.util.List.of(
                new dev.dockercheckpoint.core.ContainerSpec.MountSpec("volume", "data", "/data", false, null),
                new dev.dockercheckpoint.core.ContainerSpec.MountSpec("volume", "cache", "/cache", true, null)),
                mounts);
    }
}
