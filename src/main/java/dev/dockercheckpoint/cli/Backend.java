package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.engine.DockerContexts;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the command line's work runs: in-process on the engine when root (as the original tool
 * did), through the privileged helper otherwise.
 */
interface Backend extends AutoCloseable {
    CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener);

    RestoreResult restore(RestoreRequest request, ProgressListener listener);

    CheckpointContents inspect(Path dir, String container, String name);

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
    static Backend open() {
        return open(null);
    }

    /**
     * As {@link #open()}, on the Docker engine of context {@code context} when not null (as
     * {@code docker --context}); the helper serves its own engine only.
     */
    static Backend open(String context) {
        if (context != null && !Posix.isRoot()) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "--context needs root: the helper works on its own engine",
                    "run with sudo, or set the helper's DOCKER_HOST");
        }
        if (Posix.isRoot()) {
            Engine engine = context == null ? Engine.local()
                    : Engine.forHost(DockerContexts.ofCurrentUser().host(context));
            return new Backend() {
                @Override
                public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
                    return engine.checkpoint(request, listener);
                }

                @Override
                public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
                    return engine.restore(request, listener);
                }

                @Override
                public CheckpointContents inspect(Path dir, String container, String name) {
                    return engine.inspect(dir, container, name);
                }

                @Override
                public List<CheckpointSummary> listCheckpoints(Path dir) {
                    CheckpointStore store = new CheckpointStore(dir);
                    return store.list().stream().map(store::summary).toList();
                }

                @Override
                public Path defaultDir() {
                    return CheckpointStore.DEFAULT_BASE;
                }

                @Override
                public void close() {
                    engine.close();
                }
            };
        }
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
        return new Backend() {
            @Override
            public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
                return client.checkpoint(request, listener);
            }

            @Override
            public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
                return client.restore(request, listener);
            }

            @Override
            public CheckpointContents inspect(Path dir, String container, String name) {
                return client.inspect(dir.toAbsolutePath(), container, name);
            }

            @Override
            public List<CheckpointSummary> listCheckpoints(Path dir) {
                return client.listCheckpoints(dir.toAbsolutePath());
            }

            @Override
            public Path defaultDir() {
                List<String> served = client.lastHello() == null ? List.of() : client.lastHello().baseDirs();
                return served.isEmpty() ? CheckpointStore.DEFAULT_BASE : Path.of(served.getFirst());
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
