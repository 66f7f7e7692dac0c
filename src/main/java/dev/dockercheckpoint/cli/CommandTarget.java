package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.engine.DockerContexts;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the command line's work runs: in-process on the engine when root, as the original tool
 * did ({@link EngineTarget}), through the privileged helper otherwise ({@link HelperTarget}).
 */
interface CommandTarget extends AutoCloseable {
    /** Checkpoints a container; the report says what the command line prints of it. */
    CheckpointReport checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreReport restore(RestoreRequest request, ProgressListener listener);

    CheckpointContents inspect(Path dir, String container, String name);

    /** Checks every file of a stored checkpoint against the checksums recorded when it was made. */
    IntegrityReport verifyCheckpoint(Path dir, String container, String name, ProgressListener listener);

    /** The complete checkpoints in base directory {@code dir}. */
    List<CheckpointSummary> listCheckpoints(Path dir);

    /**
     * The base directory used when none is given: the seed's {@code /tmp/docker-checkpoints} in
     * process, the first the helper serves through it.
     */
    Path defaultDir();

    @Override
    void close();

    /**
     * The engine when root (unless the system property {@value #SOCKET_PROPERTY} names a helper);
     * otherwise the helper at DOCKER_CHECKPOINT_SOCKET or the default socket.
     */
    static CommandTarget open() {
        return open(null);
    }

    /**
     * As {@link #open()}, on the Docker engine of context {@code context} when not null (as
     * {@code docker --context}). Through the helper, the context (or a DOCKER_HOST of the
     * user's) must name one of the helper's engines, by name or by socket.
     */
    static CommandTarget open(String context) {
        if (Posix.isRoot() && System.getProperty(SOCKET_PROPERTY) == null) {
            return new EngineTarget(context == null ? Engine.local()
                    : Engine.forHost(DockerContexts.ofCurrentUser().host(context)));
        }
        return helper(context);
    }

    /**
     * The helper at DOCKER_CHECKPOINT_SOCKET (or the default socket), on the engine of {@code
     * context} (a Docker context, one of the helper's engine names, or a {@code unix://} socket)
     * or of DOCKER_HOST; refused with the helper's engines when it serves none of them.
     */
    static HelperTarget helper(String context) {
        Path socket = helperSocket();
        if (socket == null) {
            throw new DcpException(ErrorCode.PERMISSION_DENIED, "not root, and DOCKER_CHECKPOINT_SOCKET=none"
                    + " turns the helper off", "run with sudo, or unset DOCKER_CHECKPOINT_SOCKET");
        }
        HelperClient client = HelperPrefetch.take(socket);
        try {
            if (client == null) {
                client = HelperClient.connectAndBriefHello(socket, Duration.ofSeconds(2));
            }
        } catch (DcpException e) {
            if (e.code() == ErrorCode.HELPER_UNAVAILABLE) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "not root, and " + e.getMessage(),
                        "run with sudo, or " + e.hint());
            }
            throw e;
        }
        try {
            return onEngine(client, context);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * The target for the seed's checkpoint and restore: as root, the running helper when it
     * serves the engine and base directory {@code dir} (null: its default), because its warm JVM
     * does the work and this command then loads neither docker-java nor the engine; else this
     * process, as {@link #open(String)}. Without root, the helper. With {@value #SOCKET_PROPERTY}
     * set, the helper again, on the same path as root's (the start-up cache is trained on it).
     */
    static CommandTarget openPreferringHelper(String context, Path dir) {
        if (!Posix.isRoot()) {
            return helper(context);
        }
        return helperOr(helperSocket(), context, dir, () -> open(context));
    }

    /**
     * The helper at {@code socket} (null: none) when it answers at once and serves the engine of
     * {@code context} and base directory {@code dir}; else {@code elsewhere}'s target.
     */
    static CommandTarget helperOr(Path socket, String context, Path dir, Supplier<CommandTarget> elsewhere) {
        if (socket != null && Files.exists(socket)) {
            HelperClient client = null;
            try {
                client = HelperPrefetch.take(socket);
                if (client == null) {
                    client = HelperClient.connectAndBriefHello(socket, Duration.ZERO);
                }
                if (dir == null || serves(client.lastHello().baseDirs(), dir)) {
                    return onEngine(client, context);
                }
                org.slf4j.LoggerFactory.getLogger(CommandTarget.class).debug("the helper at {} does not serve {}"
                        + " (it serves {})", socket, dir, client.lastHello().baseDirs());
                client.close();
            } catch (RuntimeException e) {
                // not running, or not serving this engine: the work is done here (-v says why)
                org.slf4j.LoggerFactory.getLogger(CommandTarget.class).debug("the helper at {} is not used: {}",
                        socket, e.toString());
                if (client != null) {
                    client.close();
                }
            }
        }
        return elsewhere.get();
    }

    /** A system property naming the helper's socket; when set, commands always go through it. */
    String SOCKET_PROPERTY = "docker-checkpoint.socket";

    /**
     * The helper's socket: the system property {@value #SOCKET_PROPERTY}, DOCKER_CHECKPOINT_SOCKET,
     * or the default; null when DOCKER_CHECKPOINT_SOCKET is {@code none} (no helper).
     */
    static Path helperSocket() {
        String property = System.getProperty(SOCKET_PROPERTY);
        if (property != null) {
            return Path.of(property);
        }
        String env = System.getenv("DOCKER_CHECKPOINT_SOCKET");
        if ("none".equals(env)) {
            return null;
        }
        return env == null || env.isEmpty() ? Protocol.DEFAULT_SOCKET : Path.of(env);
    }

    private static boolean serves(List<String> baseDirs, Path dir) {
        Path wanted = dir.toAbsolutePath().normalize();
        for (String served : baseDirs) {
            Path p = Path.of(served);
            try {
                if (p.equals(wanted) || Files.exists(wanted) && Files.isSameFile(p, wanted)) {
                    return true;
                }
            } catch (IOException e) {
                // not the same
            }
        }
        return false;
    }

    /** The helper connection {@code client}, on the engine of {@code context} or DOCKER_HOST (see {@link #helper}). */
    private static HelperTarget onEngine(HelperClient client, String context) {
        String host = context == null ? System.getenv("DOCKER_HOST")
                : context.startsWith("unix://") ? context
                : client.lastHello().engineNames().contains(context) ? null
                : DockerContexts.ofCurrentUser().host(context);
        String engine = HelperEngines.pick(client.lastHello(), context, host);
        if (engine != null) {
            client.hello(engine);
        }
        return new HelperTarget(client);
    }
}
