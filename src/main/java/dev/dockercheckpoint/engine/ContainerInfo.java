package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.ContainerSpec.DockerConfig;
import dev.dockercheckpoint.core.ContainerSpec.MountSpec;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import dev.dockercheckpoint.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of {@code GET /containers/{id}/json} the engine uses. */
public record ContainerInfo(String id, String name, String status, boolean running, boolean paused, int pid,
        String graphDriver, String upperDir, String lowerDirs, ContainerSpec spec) {

    public static ContainerInfo of(JsonNode json) {
        JsonNode state = json.path("State");
        String name = json.path("Name").asText("");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        JsonNode graph = json.path("GraphDriver");
        return new ContainerInfo(json.path("Id").asText(), name, state.path("Status").asText(""),
                state.path("Running").asBoolean(false), state.path("Paused").asBoolean(false),
                state.path("Pid").asInt(0), graph.path("Name").asText(""),
                graph.path("Data").path("UpperDir").asText(null), graph.path("Data").path("LowerDir").asText(null),
                spec(json));
    }

    static ContainerSpec spec(JsonNode json) {
        JsonNode c = json.path("Config");
        JsonNode h = json.path("HostConfig");
        JsonNode rp = h.path("RestartPolicy");
        RestartPolicySpec restart = rp.isObject()
                ? new RestartPolicySpec(rp.path("Name").asText(""), rp.path("MaximumRetryCount").asInt(0))
                : null;
        List<MountSpec> mounts = new ArrayList<>();
        for (JsonNode m : json.path("Mounts")) {
            String type = m.path("Type").asText("");
            String source = "volume".equals(type) ? m.path("Name").asText("") : m.path("Source").asText("");
            if (type.equals("tmpfs")) {
                continue; // recreated from HostConfig.Tmpfs
            }
            mounts.add(new MountSpec(type, source, m.path("Destination").asText(""), !m.path("RW").asBoolean(true),
                    emptyToNull(m.path("Propagation").asText(""))));
        }
        return new ContainerSpec(
                c.path("Image").asText(""),
                json.path("Image").asText(null),
                strings(c.path("Cmd")),
                strings(c.path("Entrypoint")),
                strings(c.path("Env")),
                emptyToNull(c.path("WorkingDir").asText("")),
                emptyToNull(c.path("User").asText("")),
                emptyToNull(c.path("Hostname").asText("")),
                emptyToNull(c.path("Domainname").asText("")),
                map(c.path("Labels")),
                c.path("Tty").asBoolean(false),
                c.path("OpenStdin").asBoolean(false),
                c.path("StdinOnce").asBoolean(false),
                emptyToNull(h.path("NetworkMode").asText("")),
                emptyToNull(h.path("IpcMode").asText("")),
                emptyToNull(h.path("PidMode").asText("")),
                emptyToNull(h.path("UTSMode").asText("")),
                restart,
                mounts,
                strings(h.path("CapAdd")),
                strings(h.path("CapDrop")),
                strings(h.path("SecurityOpt")),
                h.path("Privileged").asBoolean(false),
                h.path("ReadonlyRootfs").asBoolean(false),
                longOrNull(h.path("ShmSize")),
                longOrNull(h.path("Memory")),
                longOrNull(h.path("NanoCpus")),
                emptyToNull(c.path("StopSignal").asText("")),
                c.path("StopTimeout").isInt() ? c.path("StopTimeout").asInt() : null,
                map(h.path("Tmpfs")),
                h.path("Init").isBoolean() ? h.path("Init").asBoolean() : null,
                strings(h.path("GroupAdd")),
                dockerConfig(json));
    }

    /**
     * Docker's complete configuration of the container: {@code Config} and {@code HostConfig} as
     * they are, the user's settings per network, and the mounts. Null when the document lacks
     * {@code Config} or {@code HostConfig}.
     */
    static DockerConfig dockerConfig(JsonNode json) {
        if (!(json.path("Config") instanceof ObjectNode config)
                || !(json.path("HostConfig") instanceof ObjectNode hostConfig)) {
            return null;
        }
        ObjectNode networks = null;
        if (json.path("NetworkSettings").path("Networks") instanceof ObjectNode attached) {
            networks = Json.mapper().createObjectNode();
            String id = json.path("Id").asText("");
            String shortId = id.length() > 12 ? id.substring(0, 12) : id;
            String userMac = config.path("MacAddress").asText("");
            for (var e : attached.properties()) {
                networks.set(e.getKey(), endpointSettings(e.getValue(), shortId, userMac));
            }
        }
        ArrayNode mounts = json.path("Mounts") instanceof ArrayNode list ? list : null;
        return new DockerConfig(config, hostConfig, networks, mounts);
    }

    /**
     * The settings of one network attachment that a user gives (docker network connect --alias,
     * --ip, --ip6, --link-local-ip, --link, --driver-opt, docker run --mac-address), without what
     * Docker fills in itself: the endpoint, addresses it chose, and the alias it adds for the
     * container's short id. A MAC address is the user's only when it is also
     * {@code Config.MacAddress} (where API 1.41 keeps the one a user set).
     */
    private static ObjectNode endpointSettings(JsonNode endpoint, String shortId, String userMac) {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode aliases = out.arrayNode();
        for (JsonNode a : endpoint.path("Aliases")) {
            if (!a.asText().equals(shortId)) {
                aliases.add(a.asText());
            }
        }
        if (!aliases.isEmpty()) {
            out.set("Aliases", aliases);
        }
        if (endpoint.path("IPAMConfig") instanceof ObjectNode ipam && !ipam.isEmpty()) {
            out.set("IPAMConfig", ipam);
        }
        if (endpoint.path("Links") instanceof ArrayNode links && !links.isEmpty()) {
            out.set("Links", links);
        }
        if (endpoint.path("DriverOpts") instanceof ObjectNode opts && !opts.isEmpty()) {
            out.set("DriverOpts", opts);
        }
        String mac = endpoint.path("MacAddress").asText("");
        if (!mac.isEmpty() && mac.equalsIgnoreCase(userMac)) {
            out.put("MacAddress", mac);
        }
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> list.add(n.asText()));
        } else if (node.isTextual()) {
            list.add(node.asText());
        }
        return list;
    }

    private static Map<String, String> map(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }

    private static Long longOrNull(JsonNode node) {
        return node.isNumber() && node.asLong() != 0 ? node.asLong() : null;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
