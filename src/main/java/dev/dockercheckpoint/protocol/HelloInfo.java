package dev.dockercheckpoint.protocol;

import dev.dockercheckpoint.core.DoctorReport;
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

    public HelloInfo(int protocolVersion, String helperVersion, String user, DoctorReport capabilities) {
        this(protocolVersion, helperVersion, user, capabilities, List.of(), List.of(), null);
    }
}
