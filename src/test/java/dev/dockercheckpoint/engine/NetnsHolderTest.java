package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.Json;
import org.junit.jupiter.api.Test;

/** What the holder of a restored container's network namespace carries, and what it takes off the container. */
class NetnsHolderTest {
    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.mapper().readTree(text);
    }

    @Test
    void theHolderCarriesTheNetworkSettingsDockerAcceptsOnlyOnANamespacesOwner() throws Exception {
        ObjectNode config = json("{\"Hostname\":\"web\",\"Domainname\":\"example.internal\",\"Image\":\"x\"}");
        ObjectNode host = json("{\"NetworkMode\":\"none\",\"Dns\":[\"192.0.2.53\"],\"ExtraHosts\":[\"db:192.0.2.10\"],"
                + "\"Memory\":67108864}");
        ObjectNode holder = NetnsHolder.holderBody(config, host, "web-restored");
        assertEquals(NetnsHolder.IMAGE, holder.path("Image").asText());
        assertEquals("web", holder.path("Hostname").asText());
        assertEquals("example.internal", holder.path("Domainname").asText());
        assertEquals("none", holder.path("HostConfig").path("NetworkMode").asText());
        assertEquals("192.0.2.53", holder.path("HostConfig").path("Dns").path(0).asText());
        assertEquals("db:192.0.2.10", holder.path("HostConfig").path("ExtraHosts").path(0).asText());
        assertTrue(holder.path("HostConfig").path("Memory").isMissingNode(), "limits stay on the container");
        assertEquals("web-restored", holder.path("Labels").path(NetnsHolder.LABEL).asText());
    }

    @Test
    void theContainerJoinsTheHoldersNamespaceWithoutTheMovedSettings() throws Exception {
        ObjectNode body = json("{\"Hostname\":\"web\",\"Image\":\"x\",\"ExposedPorts\":{},\"HostConfig\":"
                + "{\"NetworkMode\":\"none\",\"Dns\":[\"192.0.2.53\"],\"PortBindings\":{},\"Memory\":1},"
                + "\"NetworkingConfig\":{\"EndpointsConfig\":{}}}");
        NetnsHolder.join(body, "abc");
        assertEquals("container:abc", body.path("HostConfig").path("NetworkMode").asText());
        assertFalse(body.has("Hostname") || body.has("ExposedPorts") || body.has("NetworkingConfig"));
        assertFalse(body.path("HostConfig").has("Dns") || body.path("HostConfig").has("PortBindings"));
        assertEquals(1, body.path("HostConfig").path("Memory").asInt());
    }

    @Test
    void onlyDocker28AndNewerNeedsItAndOnlyForANamespaceOfTheContainersOwn() {
        var none = dev.dockercheckpoint.core.ManifestFixtures.fullSpec();
        assertEquals(28, NetnsHolder.major("28.5.2+dfsg4"));
        assertEquals(20, NetnsHolder.major("20.10.24+dfsg1"));
        assertTrue(NetnsHolder.needed("29.0.1", none) == NetnsHolder.ownNamespace(none));
        assertFalse(NetnsHolder.needed("20.10.24", none));
    }

    @Test
    void theWaitingProgramIsAStaticX8664Elf() {
        byte[] p = NetnsHolder.pauseProgram();
        assertEquals(129, p.length);
        assertEquals(0x7f, p[0]);
        assertEquals('E', p[1]);
        assertEquals(0x3e, p[18], "e_machine x86-64");
    }
}
