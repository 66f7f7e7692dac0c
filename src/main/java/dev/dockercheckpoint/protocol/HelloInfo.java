package dev.dockercheckpoint.protocol;

import dev.dockercheckpoint.core.DoctorReport;

/** The helper's answer to hello: protocol and helper versions, who the peer is, and what the host can do. */
public record HelloInfo(int protocolVersion, String helperVersion, String user, DoctorReport capabilities) {
}
