package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.ContainerSpec.MountSpec;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
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
                strings(h.path("GroupAdd")));
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
