package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.engine.DockerContexts;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the command line's work runs: in-process on the engine when root, as the original tool
 * did ({@link EngineTarget}), through the privileged helper otherwise ({@link HelperTarget}).
 */
interface CommandTarget extends AutoCloseable {
    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreResult restore(RestoreRequest request, ProgressListener listener);

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

    /** The engine when root; otherwise the helper at DOCKER_CHECKPOINT_SOCKET or the default socket. */
    static CommandTarget open() {
        return open(null);
    }

    /**
     * As {@link #open()}, on the Docker engine of context {@code context} when not null (as
     * {@code docker --context}). Through the helper, the context (or a DOCKER_HOST of the
     * user's) must name one of the helper's engines, by name or by socket.
     */
    static CommandTarget open(String context) {
        if (Posix.isRoot()) {
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
        String env = System.getenv("DOCKER_CHECKPOINT_SOCKET");
        Path socket = env == null || env.isEmpty() ? Protocol.DEFAULT_SOCKET : Path.of(env);
        HelperClient client;
        try {
            client = HelperClient.connectAndHello(socket, Duration.ofSeconds(2));
        } catch (DcpException e) {
            if (e.code() == ErrorCode.HELPER_UNAVAILABLE) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "not root, and " + e.getMessage(),
                        "run with sudo, or " + e.hint());
            }
            throw e;
        }
        try {
            String host = context == null ? System.getenv("DOCKER_HOST")
                    : context.startsWith("unix://") ? context
                    : client.lastHello().engineNames().contains(context) ? null
                    : DockerContexts.ofCurrentUser().host(context);
            String engine = HelperEngines.pick(client.lastHello(), context, host);
            if (engine != null) {
                client.hello(engine);
            }
            return new HelperTarget(client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
