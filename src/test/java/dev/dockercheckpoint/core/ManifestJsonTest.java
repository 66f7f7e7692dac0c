package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {

    @Test
    void fullyPopulatedManifestRoundTrips() throws Exception {
        Manifest original = ManifestFixtures.fullManifest();
        String json = Json.mapper().writeValueAsString(original);
        Manifest back = Json.mapper().readValue(json, Manifest.class);

        assertEquals(original, back);
        // field by field, so that a failure says what was lost
        assertEquals(original.spec(), back.spec());
        assertEquals(original.spec().mounts(), back.spec().mounts());
        assertEquals(original.spec().restartPolicy(), back.spec().restartPolicy());
        assertEquals(original.spec().labels(), back.spec().labels());
        assertEquals(original.spec().env(), back.spec().env());
        assertEquals(original.spec().tmpfs(), back.spec().tmpfs());
        assertEquals(original.spec().docker(), back.spec().docker());
        assertEquals(original.options(), back.options());
        assertEquals(original.timingsMillis(), back.timingsMillis());
        assertEquals(original.versions(), back.versions());
        assertEquals(original.filesystem(), back.filesystem());
        assertEquals("predump", back.parent());
        assertEquals(Instant.parse("2024-05-01T12:34:56.123456789Z"), back.createdAt());
    }

    @Test
    void prettyPrintedManifestRoundTripsToo() throws Exception {
        Manifest original = ManifestFixtures.fullManifest();
        String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(original);
        assertEquals(original, Json.mapper().readValue(json, Manifest.class));
    }

    @Test
    void createdAtIsWrittenAsIsoTextNotAsNumber() throws Exception {
        JsonNode tree = Json.mapper().valueToTree(ManifestFixtures.fullManifest());
        assertTrue(tree.path("createdAt").isTextual(), tree.path("createdAt").toString());
        assertEquals("2024-05-01T12:34:56.123456789Z", tree.path("createdAt").asText());
        assertEquals(Manifest.FORMAT_VERSION, tree.path("formatVersion").asInt());
        assertEquals(1_234L, tree.path("timingsMillis").path("dump").asLong());
    }

    @Test
    void nullFieldsAreOmitted() throws Exception {
        Manifest sparse = new Manifest(1, "cp", "app", "id", null, null, null, null, null, null, null);
        JsonNode tree = Json.mapper().valueToTree(sparse);
        assertFalse(tree.has("parent"));
        assertFalse(tree.has("createdAt"));
        assertFalse(tree.has("spec"));
        assertEquals(sparse, Json.mapper().treeToValue(tree, Manifest.class));
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() throws Exception {
        Manifest original = ManifestFixtures.fullManifest();
        ObjectNode tree = Json.mapper().valueToTree(original);
        tree.put("futureTopLevel", "x");
        tree.putObject("futureObject").put("a", 1);
        ((ObjectNode) tree.path("spec")).put("futureSpecField", true);
        ((ObjectNode) tree.path("spec").path("mounts").get(0)).put("consistency", "cached");
        ((ObjectNode) tree.path("spec").path("restartPolicy")).put("extra", 1);
        ((ObjectNode) tree.path("versions")).put("containerd", "1.7.0");
        ((ObjectNode) tree.path("options")).put("ghostOption", true);
        ((ObjectNode) tree.path("filesystem")).put("symlinks", 3);

        Manifest back = Json.mapper().readValue(Json.mapper().writeValueAsString(tree), Manifest.class);
        assertEquals(original, back);
    }

    @Test
    void readsAHandWrittenDocument() throws Exception {
        String json = """
                {
                  "formatVersion": 1,
                  "checkpointName": "checkpoint1",
                  "containerName": "myapp",
                  "containerId": "abc123",
                  "createdAt": "2024-01-02T03:04:05Z",
                  "spec": {
                    "image": "nginx:1.27",
                    "cmd": ["nginx", "-g", "daemon off;"],
                    "labels": {"a": "b"},
                    "tty": true,
                    "restartPolicy": {"name": "always", "maximumRetryCount": 0},
                    "mounts": [{"type": "bind", "source": "/srv", "destination": "/usr/share/nginx/html",
                                "readOnly": true}],
                    "shmSize": 1024
                  },
                  "options": {"leaveRunning": false, "tcpEstablished": true, "fileLocks": false, "preDump": true},
                  "timingsMillis": {"total": 99},
                  "somethingNew": [1, 2, 3]
                }
                """;
        Manifest m = Json.mapper().readValue(json, Manifest.class);
        assertEquals("myapp", m.containerName());
        assertEquals(Instant.parse("2024-01-02T03:04:05Z"), m.createdAt());
        assertEquals(List.of("nginx", "-g", "daemon off;"), m.spec().cmd());
        assertEquals(Map.of("a", "b"), m.spec().labels());
        assertTrue(m.spec().tty());
        assertEquals(new ContainerSpec.RestartPolicySpec("always", 0), m.spec().restartPolicy());
        assertEquals(List.of(new ContainerSpec.MountSpec("bind", "/srv", "/usr/share/nginx/html", true, null)),
                m.spec().mounts());
        assertEquals(1024L, m.spec().shmSize());
        assertEquals(new CheckpointOptions(false, true, false, true), m.options());
        assertEquals(Map.of("total", 99L), m.timingsMillis());
        assertNull(m.versions());
        assertNull(m.filesystem());
        assertNull(m.parent());
        // collections absent from the document are empty, not null
        assertEquals(List.of(), m.spec().env());
        assertEquals(List.of(), m.spec().entrypoint());
        assertEquals(Map.of(), m.spec().tmpfs());
        assertNull(m.spec().docker(), "a checkpoint made before Docker's configuration was kept restores from"
                + " the named fields");
    }

    @Test
    void dockerConfigIsKeptAsDockerWroteIt() throws Exception {
        JsonNode tree = Json.mapper().valueToTree(ManifestFixtures.fullManifest());
        JsonNode docker = tree.path("spec").path("docker");
        assertTrue(docker.path("config").path("OnBuild").isNull(), "JSON nulls inside stay: " + docker);
        assertTrue(docker.path("hostConfig").has("MemorySwappiness"));
        assertEquals(Long.MAX_VALUE, docker.path("hostConfig").path("MemorySwap").asLong());
        assertEquals("json-file", docker.path("hostConfig").path("LogConfig").path("Type").asText());
        assertEquals("192.0.2.5", docker.path("networks").path("bridge").path("IPAMConfig").path("IPv4Address")
                .asText());
        assertEquals("appcache", docker.path("mounts").get(0).path("Name").asText());

        Manifest back = Json.mapper().treeToValue(tree, Manifest.class);
        assertEquals(ManifestFixtures.dockerConfig(), back.spec().docker());
    }

    @Test
    void dockerConfigCannotBeChangedThroughItsTrees() {
        ObjectNode config = Json.mapper().createObjectNode().put("Hostname", "a");
        ContainerSpec.DockerConfig saved = new ContainerSpec.DockerConfig(config, config.deepCopy(), null, null);
        config.put("Hostname", "changed");
        saved.config().put("Hostname", "changed too");
        assertEquals("a", saved.config().path("Hostname").asText());
        assertEquals("a", saved.hostConfig().path("Hostname").asText());
        assertNull(saved.networks());
        assertNull(saved.mounts());
    }

    @Test
    void nullCollectionsInContainerSpecBecomeEmpty() {
        ContainerSpec spec = new ContainerSpec("img", null, null, null, null, null, null, null, null, null, false,
                false, false, null, null, null, null, null, null, null, null, null, false, false, null, null, null,
                null, null, null, null, null);
        assertEquals(List.of(), spec.cmd());
        assertEquals(List.of(), spec.entrypoint());
        assertEquals(List.of(), spec.env());
        assertEquals(Map.of(), spec.labels());
        assertEquals(List.of(), spec.mounts());
        assertEquals(List.of(), spec.capAdd());
        assertEquals(List.of(), spec.capDrop());
        assertEquals(List.of(), spec.securityOpt());
        assertEquals(Map.of(), spec.tmpfs());
        assertEquals(List.of(), spec.groupAdd());
    }

    @Test
    void explicitJsonNullsAndMissingCollectionsBecomeEmpty() throws Exception {
        String json = """
                {"image": "img", "cmd": null, "entrypoint": null, "env": null, "labels": null, "mounts": null,
                 "capAdd": null, "capDrop": null, "securityOpt": null, "tmpfs": null}
                """;
        ContainerSpec spec = Json.mapper().readValue(json, ContainerSpec.class);
        assertEquals("img", spec.image());
        assertEquals(List.of(), spec.cmd());
        assertEquals(List.of(), spec.entrypoint());
        assertEquals(List.of(), spec.env());
        assertEquals(Map.of(), spec.labels());
        assertEquals(List.of(), spec.mounts());
        assertEquals(List.of(), spec.capAdd());
        assertEquals(List.of(), spec.capDrop());
        assertEquals(List.of(), spec.securityOpt());
        assertEquals(Map.of(), spec.tmpfs());
        assertEquals(List.of(), spec.groupAdd());
        assertNull(spec.init());
        assertNull(spec.stopTimeout());
    }

    @Test
    void nullTimingsBecomeEmpty() throws Exception {
        Manifest m = new Manifest(1, "cp", "app", "id", null, null, null, null, null, null, null);
        assertEquals(Map.of(), m.timingsMillis());
        Manifest read = Json.mapper().readValue("{\"formatVersion\":1,\"timingsMillis\":null}", Manifest.class);
        assertEquals(Map.of(), read.timingsMillis());
    }

    @Test
    void collectionsAreDefensiveCopies() {
        List<String> cmd = new ArrayList<>(List.of("a"));
        Map<String, String> labels = new HashMap<>(Map.of("k", "v"));
        Map<String, Long> timings = new HashMap<>(Map.of("total", 1L));
        ContainerSpec spec = new ContainerSpec("img", null, cmd, null, null, null, null, null, null, labels, false,
                false, false, null, null, null, null, null, null, null, null, null, false, false, null, null, null,
                null, null, null, null, null);
        Manifest m = new Manifest(1, "cp", "app", "id", null, spec, null, timings, null, null, null);
        cmd.add("b");
        labels.put("k2", "v2");
        timings.put("dump", 2L);
        assertEquals(List.of("a"), spec.cmd());
        assertEquals(Map.of("k", "v"), spec.labels());
        assertEquals(Map.of("total", 1L), m.timingsMillis());
        assertThrows(UnsupportedOperationException.class, () -> spec.cmd().add("c"));
        assertThrows(UnsupportedOperationException.class, () -> m.timingsMillis().put("x", 1L));
    }
}
