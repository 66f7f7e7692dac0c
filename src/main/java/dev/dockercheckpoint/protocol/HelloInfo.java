package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.DoctorReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The helper's answer to hello: protocol and helper versions, who the peer is, what the host can
 * do, the checkpoint base directories the helper serves (the first is its default; no other is
 * accepted), the Docker engines it serves (the first is its default) and the name of the one
 * this connection's requests go to ({@code capabilities} describe that one).
 */
public record HelloInfo(int protocolVersion, String helperVersion, String user, DoctorReport capabilities,
        List<String> baseDirs, List<EngineInfo> engines, String engine) {

    /** An engine the helper serves: the name a client picks it by, and its socket ({@code unix://PATH}). */
    public record EngineInfo(String name, String host) {
    }

    /** The names of the engines, the default first. */
    public List<String> engineNames() {
        return engines.stream().map(EngineInfo::name).toList();
    }

    public HelloInfo {
        baseDirs = baseDirs == null ? List.of() : List.copyOf(baseDirs);
        engines = engines == null ? List.of() : List.copyOf(engines);
    }

    /**
     * The answer in {@code node}, read field by field (binding it costs a command line's start-up
     * milliseconds it need not spend); {@code capabilities} is bound only when present.
     */
    public static HelloInfo of(JsonNode node) throws IOException {
        List<String> baseDirs = new ArrayList<>();
        node.path("baseDirs").forEach(d -> baseDirs.add(d.asText()));
        List<EngineInfo> engines = new ArrayList<>();
        node.path("engines").forEach(e -> engines.add(new EngineInfo(e.path("name").asText(null),
                e.path("host").asText(null))));
        JsonNode capabilities = node.get("capabilities");
        return new HelloInfo(node.path("protocolVersion").asInt(), node.path("helperVersion").asText(null),
                node.path("user").asText(null), capabilities == null || capabilities.isNull() ? null
                        : Protocol.lenient().treeToValue(capabilities, DoctorReport.class),
                baseDirs, engines, node.path("engine").asText(null));
    }

    public HelloInfo(int protocolVersion, String helperVersion, String user, DoctorReport capabilities) {
        this(protocolVersion, helperVersion, user, capabilities, List.of(), List.of(), null);
    }
}
