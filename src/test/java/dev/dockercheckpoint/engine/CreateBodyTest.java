package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.ContainerSpec.DockerConfig;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreateBodyTest {
    private static final String IMAGE_ID = "sha256:060c160b940c8cc7c4ec7c378b6e5d5acd418b6b680d34d4806b016f0594a66f";

    private static DockerConfig saved() throws IOException {
        return ContainerInfo.of(ContainerInfoTest.realInspect()).spec().docker();
    }

    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }

    @Test
    void configIsSentBackWholeWithTheChosenImage() throws Exception {
        JsonNode inspect = ContainerInfoTest.realInspect();
        ObjectNode body = CreateBody.of(saved(), IMAGE_ID).body();

        ObjectNode expected = inspect.get("Config").deepCopy();
        expected.put("Image", IMAGE_ID);
        ObjectNode config = body.deepCopy();
        config.remove(List.of("HostConfig", "NetworkingConfig"));
        assertEquals(expected, config);
        assertEquals("app-host", body.path("Hostname").asText(), "the original's hostname");
        assertEquals("example.internal", body.path("Domainname").asText());
        assertEquals(json("{\"/anon\": {}}"), body.path("Volumes"));
        assertEquals(json("{\"team\": \"payments\", \"tier\": \"backend\"}"), body.path("Labels"));
        assertEquals(7, body.path("StopTimeout").asInt());
    }

    @Test
    void hostConfigIsSentBackWholeButTheIdFileWithTheAnonymousVolumeAdded() throws Exception {
        JsonNode inspect = ContainerInfoTest.realInspect();
        JsonNode host = CreateBody.of(saved(), IMAGE_ID).body().path("HostConfig");

        ObjectNode expected = inspect.get("HostConfig").deepCopy();
        expected.remove("ContainerIDFile");
        ((ArrayNode) expected.get("Mounts")).add(json("""
                {"Type": "volume", "Source": "07cbd750ee3c0999f9f526328feca8d900c84572f2be27692dd38e102ac71737",
                 "Target": "/anon"}
                """));
        assertEquals(expected, host);
        assertFalse(host.has("ContainerIDFile"));
    }

    @Test
    void settingsTheSpecFieldsNeverHadAreInTheBody() throws Exception {
        JsonNode host = CreateBody.of(saved(), IMAGE_ID).body().path("HostConfig");
        assertEquals(134_217_728L, host.path("MemorySwap").asLong());
        assertEquals(33_554_432L, host.path("MemoryReservation").asLong());
        assertEquals(64, host.path("PidsLimit").asInt());
        assertEquals(json("[{\"Name\": \"nofile\", \"Hard\": 2048, \"Soft\": 1024}]"), host.path("Ulimits"));
        assertEquals(json("[\"db.example:192.0.2.10\"]"), host.path("ExtraHosts"));
        assertEquals(json("{\"Type\": \"json-file\", \"Config\": {\"max-file\": \"2\", \"max-size\": \"1m\"}}"),
                host.path("LogConfig"));
        assertEquals(json("[\"192.0.2.53\"]"), host.path("Dns"));
        assertEquals(json("[\"example.internal\"]"), host.path("DnsSearch"));
        assertEquals(json("[\"ndots:2\"]"), host.path("DnsOptions"));
        assertEquals(512, host.path("CpuShares").asInt());
        assertEquals("0", host.path("CpusetCpus").asText());
        assertEquals(100, host.path("OomScoreAdj").asInt());
        assertEquals(json("""
                [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/xnull", "CgroupPermissions": "rwm"}]
                """), host.path("Devices"));
        assertEquals(json("{\"kernel.shm_rmid_forced\": \"1\"}"), host.path("Sysctls"));
        assertEquals(json("{\"/scratch\": \"size=8m\"}"), host.path("Tmpfs"));
        assertEquals(json("{\"Name\": \"on-failure\", \"MaximumRetryCount\": 3}"), host.path("RestartPolicy"));
    }

    @Test
    void onlyTheAnonymousVolumeIsAddedNotVolumesAndBindsTheConfigurationNames() throws Exception {
        CreateBody.Plan plan = CreateBody.of(saved(), IMAGE_ID);
        assertEquals(List.of(json("""
                {"Type": "volume", "Source": "07cbd750ee3c0999f9f526328feca8d900c84572f2be27692dd38e102ac71737",
                 "Target": "/anon"}
                """)), plan.addedMounts());
        // /named comes from Binds, /mounted from Mounts, /bind is a bind mount
        assertEquals(json("[\"dcp-cfgsample-vol:/named\", \"/tmp/dcp-cfgsample-bind:/bind:ro\"]"),
                plan.body().path("HostConfig").path("Binds"));
    }

    @Test
    void networkNoneIsTheOneEndpointAtCreate() throws Exception {
        CreateBody.Plan plan = CreateBody.of(saved(), IMAGE_ID);
        assertEquals(json("{\"EndpointsConfig\": {\"none\": {}}}"), plan.body().path("NetworkingConfig"));
        assertEquals(Map.of(), plan.laterNetworks());
    }

    @Test
    void theSavedConfigurationIsNotChangedByBuildingABody() throws Exception {
        DockerConfig saved = saved();
        CreateBody.of(saved, IMAGE_ID).body().put("Image", "x");
        assertEquals(ContainerInfoTest.realInspect().get("Config"), saved.config());
        assertEquals(ContainerInfoTest.realInspect().get("HostConfig"), saved.hostConfig());
    }

    @Test
    void networkModesNetworkIsCreatedWithTheOthersConnectedLater() throws Exception {
        DockerConfig saved = new DockerConfig((ObjectNode) json("{}"),
                (ObjectNode) json("{\"NetworkMode\": \"front\"}"), (ObjectNode) json("""
                        {"back": {"Aliases": ["api"]}, "front": {"Aliases": ["web"],
                         "IPAMConfig": {"IPv4Address": "192.0.2.5"}}}
                        """), null);
        CreateBody.Plan plan = CreateBody.of(saved, "img");
        assertEquals(json("""
                {"EndpointsConfig": {"front": {"Aliases": ["web"], "IPAMConfig": {"IPv4Address": "192.0.2.5"}}}}
                """), plan.body().path("NetworkingConfig"));
        assertEquals(Map.of("back", json("{\"Aliases\": [\"api\"]}")), plan.laterNetworks());
    }

    @Test
    void defaultNetworkModeMeansTheBridgeNetwork() throws Exception {
        DockerConfig saved = new DockerConfig((ObjectNode) json("{}"),
                (ObjectNode) json("{\"NetworkMode\": \"default\"}"),
                (ObjectNode) json("{\"other\": {}, \"bridge\": {}}"), null);
        CreateBody.Plan plan = CreateBody.of(saved, "img");
        assertEquals(json("{\"EndpointsConfig\": {\"bridge\": {}}}"), plan.body().path("NetworkingConfig"));
        assertEquals(List.of("other"), List.copyOf(plan.laterNetworks().keySet()));
    }

    @Test
    void aContainerSharingAnothersNetworkGetsNoNetworkingConfig() throws Exception {
        DockerConfig saved = new DockerConfig((ObjectNode) json("{}"),
                (ObjectNode) json("{\"NetworkMode\": \"container:4f1c0e9a7b3d\"}"), (ObjectNode) json("{}"), null);
        CreateBody.Plan plan = CreateBody.of(saved, "img");
        assertFalse(plan.body().has("NetworkingConfig"));
        assertEquals("container:4f1c0e9a7b3d", plan.body().path("HostConfig").path("NetworkMode").asText());
    }

    @Test
    void linksAreGivenInTheFormCreateTakes() throws Exception {
        DockerConfig saved = new DockerConfig((ObjectNode) json("{}"),
                (ObjectNode) json("{\"Links\": [\"/db:/web/database\", \"/cache:/web/cache\"]}"), null, null);
        assertEquals(json("[\"db:database\", \"cache:cache\"]"),
                CreateBody.of(saved, "img").body().path("HostConfig").path("Links"));
        assertEquals("db:db", CreateBody.createLink("db:db"), "already in create's form");
    }

    @Test
    void anonymousVolumesKeepReadOnlyAndTheirDriver() throws Exception {
        JsonNode host = json("{\"Binds\": [\"data:/data/\"], \"Mounts\": [{\"Type\": \"bind\", \"Target\": \"/b\"}]}");
        JsonNode mounts = json("""
                [{"Type": "volume", "Name": "data", "Destination": "/data", "Driver": "local", "RW": true},
                 {"Type": "bind", "Source": "/srv", "Destination": "/b", "RW": true},
                 {"Type": "volume", "Name": "v1", "Destination": "/ro", "Driver": "local", "RW": false},
                 {"Type": "volume", "Name": "v2", "Destination": "/nfs", "Driver": "example/nfs", "RW": true},
                 {"Type": "tmpfs", "Destination": "/run", "RW": true}]
                """);
        assertEquals(List.of(
                json("{\"Type\": \"volume\", \"Source\": \"v1\", \"Target\": \"/ro\", \"ReadOnly\": true}"),
                json("""
                        {"Type": "volume", "Source": "v2", "Target": "/nfs",
                         "VolumeOptions": {"DriverConfig": {"Name": "example/nfs"}}}
                        """)), CreateBody.anonymousVolumeMounts(host, mounts));
    }

    @Test
    void noMountsAddedWhenEveryVolumeIsNamed() throws Exception {
        DockerConfig saved = new DockerConfig((ObjectNode) json("{}"), (ObjectNode) json("{\"Binds\": [\"v:/v\"]}"),
                null, (ArrayNode) json("[{\"Type\": \"volume\", \"Name\": \"v\", \"Destination\": \"/v\"}]"));
        JsonNode host = CreateBody.of(saved, "img").body().path("HostConfig");
        assertFalse(host.has("Mounts"), host.toString());
        assertTrue(CreateBody.anonymousVolumeMounts(host, null).isEmpty());
    }
}
