package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.engine.DockerContexts;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the command line's work runs: in-process on the engine when root, as the original tool
 * did ({@link EngineTarget}), through the privileged helper otherwise ({@link HelperTarget}).
 */
interface CommandTarget extends AutoCloseable {
    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreResult restore(RestoreRequest request, ProgressListener listener);

    CheckpointContents inspect(Path dir, String container, String name);

    @Override
    void close();

    /** The engine when root; otherwise the helper at DOCKER_CHECKPOINT_SOCKET or the default socket. */
    static CommandTarget open() {
        return open(null);
    }

    /**
     * As {@link #open()}, on the Docker engine of context {@code context} when not null (as
     * {@code docker --context}); the helper serves its own engine only.
     */
    static CommandTarget open(String context) {
        if (context != null && !Posix.isRoot()) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "--context needs root: the helper works on its own engine",
                    "run with sudo, or set the helper's DOCKER_HOST");
        }
        if (Posix.isRoot()) {
            return new EngineTarget(context == null ? Engine.local()
                    : Engine.forHost(DockerContexts.ofCurrentUser().host(context)));
        }
        String env = System.getenv("DOCKER_CHECKPOINT_SOCKET");
        Path socket = env == null || env.isEmpty() ? Protocol.DEFAULT_SOCKET : Path.of(env);
        try {
            return new HelperTarget(HelperClient.connectAndHello(socket, Duration.ofSeconds(2)));
        } catch (DcpException e) {
            if (e.code() == ErrorCode.HELPER_UNAVAILABLE) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "not root, and " + e.getMessage(),
                        "run with sudo, or " + e.hint());
            }
            throw e;
        }
    }
}
