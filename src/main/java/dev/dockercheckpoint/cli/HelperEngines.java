package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.HelloInfo;
import java.util.stream.Collectors;

/** Which of the helper's engines a command line meant, from its --context or DOCKER_HOST. */
final class HelperEngines {
    private HelperEngines() {
    }

    /**
     * The helper engine to pick: null for the helper's default (no context, no DOCKER_HOST, or
     * one naming the default's socket); the engine whose name is the context's, or whose socket is
     * {@code host}. Refused, with the helper's engines, when none matches.
     */
    /** True when two {@code unix://} hosts name the same socket (/var/run is often a link to /run). */
    static boolean sameSocket(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.equals(b)) {
            return true;
        }
        if (!a.startsWith("unix://") || !b.startsWith("unix://")) {
            return false;
        }
        try {
            return java.nio.file.Path.of(a.substring(7)).toRealPath()
                    .equals(java.nio.file.Path.of(b.substring(7)).toRealPath());
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static String pick(HelloInfo hello, String context, String host) {
        if (hello == null || hello.engines().isEmpty() || (context == null && (host == null || host.isBlank()))) {
            return null;
        }
        if (context != null) {
            for (HelloInfo.EngineInfo e : hello.engines()) {
                if (e.name().equals(context)) {
                    return e.name();
                }
            }
        }
        for (HelloInfo.EngineInfo e : hello.engines()) {
            if (sameSocket(e.host(), host)) {
                return e == hello.engines().getFirst() && context == null ? null : e.name();
            }
        }
        String served = hello.engines().stream().map(e -> e.name() + " (" + e.host() + ")")
                .collect(Collectors.joining(", "));
        String asked = context != null ? "context " + context + " (" + host + ")" : "DOCKER_HOST " + host;
        throw new DcpException(ErrorCode.UNSUPPORTED, "the helper does not serve the engine of " + asked
                + "; it serves " + served,
                "use --context with one of those, unset DOCKER_HOST, add the engine to \"engines\" in the helper's "
                        + "configuration (/etc/docker-checkpoint/helper.json), or run with sudo");
    }

    /**
     * The helper engine a migration's {@code --to} names: one of its engines by name, by socket,
     * or a Docker context of the user ({@code contextHost}, null when there is none) whose socket
     * is one of them. Refused, with the helper's engines, when none matches.
     */
    static String target(HelloInfo hello, String to, String contextHost) {
        if (hello == null || hello.engines().isEmpty()) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "this helper does not say which engines it serves, so it"
                    + " cannot migrate", "use a helper of the same docker-checkpoint version, or run with sudo");
        }
        for (HelloInfo.EngineInfo e : hello.engines()) {
            if (e.name().equals(to)) {
                return e.name();
            }
        }
        String host = to.startsWith("unix://") ? to : contextHost;
        for (HelloInfo.EngineInfo e : hello.engines()) {
            if (sameSocket(e.host(), host)) {
                return e.name();
            }
        }
        String served = hello.engines().stream().map(e -> e.name() + " (" + e.host() + ")")
                .collect(Collectors.joining(", "));
        throw new DcpException(ErrorCode.UNSUPPORTED, "the helper serves no engine " + to
                + (host != null && !host.equals(to) ? " (" + host + ")" : "") + "; it serves " + served,
                "name one of those with --to (by name or socket), add the engine to \"engines\" in the helper's"
                        + " configuration (/etc/docker-checkpoint/helper.json), or run with sudo");
    }
}
