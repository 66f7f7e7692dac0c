package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Docker connection of the engine: docker-java with the httpclient5 transport on the
 * daemon's Unix socket, speaking the newest API version both sides know (negotiated once, at
 * connect, between {@link #MIN_API} and {@link #MAX_API}). Endpoints or parameters docker-java
 * lacks (start from a checkpoint, archive stat headers, raw inspect JSON) go through the same
 * transport. Every call that creates, starts or removes something is logged.
 */
public final class Docker implements AutoCloseable {
    /** Docker Engine 20.10's API: the oldest this tool talks to. */
    public static final String MIN_API = "1.41";
    /** Docker Engine 28's API: the newest this tool knows. */
    public static final String MAX_API = "1.51";
    private static final Logger LOG = LoggerFactory.getLogger(Docker.class);

    private final DockerHttpClient http;
    private final DockerClient client;
    private final String host;
    private final String apiVersion;
    private volatile String serverVersion;

    private Docker(String host) {
        this.host = host;
        DockerClientConfig base = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withApiVersion(MIN_API)
                .withDockerTlsVerify(false)
                .build();
        this.http = new ApacheDockerHttpClient.Builder()
                .dockerHost(base.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        String negotiated;
        try {
            negotiated = negotiate(serverVersions());
        } catch (RuntimeException e) {
            try {
                http.close();
            } catch (IOException ignored) {
                // the connection failed already
            }
            throw e;
        }
        this.apiVersion = negotiated;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .withApiVersion(negotiated)
                .withDockerTlsVerify(false)
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    /** {@code GET /version} without a version prefix: every engine answers it. */
    private JsonNode serverVersions() {
        try (Response response = execute(Request.builder().method(Request.Method.GET).path("/version").build())) {
            checkStatus(response, "GET /version");
            return Json.mapper().readTree(response.getBody());
        } catch (IOException e) {
            throw unavailable(host, e);
        }
    }

    /**
     * The API version to speak with an engine whose {@code /version} is {@code v}: its newest, at
     * most {@link #MAX_API}; refused below {@link #MIN_API}. An engine whose oldest is newer than
     * {@link #MAX_API} is spoken to in its oldest.
     */
    static String negotiate(JsonNode v) {
        String server = v.path("ApiVersion").asText("");
        String serverMin = v.path("MinAPIVersion").asText(MIN_API);
        if (server.isEmpty()) {
            throw new DcpException(ErrorCode.DOCKER_ERROR, "the Docker engine did not say which API versions it speaks",
                    "check that DOCKER_HOST points at a Docker engine");
        }
        if (compare(server, MIN_API) < 0) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "Docker engine " + v.path("Version").asText("?")
                    + " speaks API " + server + "; docker-checkpoint needs " + MIN_API + " or newer (Docker 20.10+)",
                    "upgrade Docker");
        }
        String chosen = compare(server, MAX_API) > 0 ? MAX_API : server;
        if (compare(serverMin, chosen) > 0) {
            LOG.warn("Docker engine {} needs API {} or newer; speaking {}", v.path("Version").asText("?"), serverMin,
                    serverMin);
            chosen = serverMin;
        }
        return chosen;
    }

    /** Compares "1.41"-style versions numerically. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? parse(x[i]) : 0;
            int yi = i < y.length ? parse(y[i]) : 0;
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The API version spoken with this engine. */
    public String apiVersion() {
        return apiVersion;
    }

    /** Connects to DOCKER_HOST (unix only) or /var/run/docker.sock and checks that the daemon answers. */
    public static Docker connect() {
        String env = System.getenv("DOCKER_HOST");
        String host = env != null && env.startsWith("unix://") ? env : "unix:///var/run/docker.sock";
        return connect(host);
    }

    /** Connects to the engine at {@code host} (unix://PATH). */
    public static Docker connect(String host) {
        return new Docker(host);
    }

    static DcpException unavailable(String host, Throwable e) {
        return new DcpException(ErrorCode.DOCKER_UNAVAILABLE, "Docker engine not reachable at " + host,
                "start dockerd (e.g. sudo systemctl start docker) and check that you may use its socket", e);
    }

    public String host() {
        return host;
    }

    /** The docker-java client for typed calls. */
    public DockerClient client() {
        return client;
    }

    /** Raw inspect JSON of a container, or null when there is no such container. */
    public JsonNode inspectContainer(String ref) {
        return getJson("/containers/" + encode(ref) + "/json");
    }

    public JsonNode info() {
        return getJson("/info");
    }

    public JsonNode version() {
        return getJson("/version");
    }

    /** GET returning JSON; null on 404. */
    public JsonNode getJson(String path) {
        try (Response response = execute(Request.builder().method(Request.Method.GET).path(versioned(path)).build())) {
            if (response.getStatusCode() == 404) {
                return null;
            }
            checkStatus(response, "GET " + path);
            return Json.mapper().readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST with a JSON body; returns the JSON answer (null when empty). */
    public JsonNode postJson(String path, Object body) {
        byte[] bytes;
        try {
            bytes = Json.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Response response = execute(Request.builder().method(Request.Method.POST).path(versioned(path))
                .putHeader("Content-Type", "application/json").bodyBytes(bytes).build())) {
            checkStatus(response, "POST " + path);
            byte[] answer = response.getBody().readAllBytes();
            return answer.length == 0 ? null : Json.mapper().readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker save}: the image as a stream (the caller closes it). */
    public InputStream saveImage(String ref) {
        Response response = execute(Request.builder().method(Request.Method.GET)
                .path(versioned("/images/" + encode(ref) + "/get")).build());
        try {
            checkStatus(response, "save image " + ref);
        } catch (RuntimeException e) {
            response.close();
            throw e;
        }
        InputStream body = response.getBody();
        return new java.io.FilterInputStream(body) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    response.close();
                }
            }
        };
    }

    /** {@code docker load} of a stream made by {@link #saveImage}. */
    public void loadImage(InputStream image) {
        LOG.info("docker load (image from another engine)");
        try (Response response = execute(Request.builder().method(Request.Method.POST).path(versioned("/images/load"))
                .putHeader("Content-Type", "application/x-tar").body(image).build())) {
            checkStatus(response, "load image");
            response.getBody().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Imports a root filesystem tar as image {@code repo:tag} ({@code docker import}). */
    public void importImage(String repo, String tag, byte[] tar) {
        LOG.info("docker import - {}:{}", repo, tag);
        String path = "/images/create?fromSrc=-&repo=" + encode(repo) + "&tag=" + encode(tag);
        try (Response response = execute(Request.builder().method(Request.Method.POST).path(versioned(path))
                .putHeader("Content-Type", "application/x-tar").bodyBytes(tar).build())) {
            checkStatus(response, "import image " + repo + ":" + tag);
            response.getBody().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine's version ("28.5.2"), read once. */
    public String serverVersion() {
        String v = serverVersion;
        if (v == null) {
            JsonNode json = version();
            v = json == null ? "" : json.path("Version").asText("");
            serverVersion = v;
        }
        return v;
    }

    /** The container's processes as {@code ps -ef} lists them (host PIDs); null when it is gone. */
    public JsonNode top(String id) {
        return getJson("/containers/" + encode(id) + "/top");
    }

    /** Changes a container's restart policy in place ({@code docker update --restart}). */
    public void updateRestartPolicy(String id, String name, int maximumRetryCount) {
        LOG.info("docker update --restart {}{} {}", name, maximumRetryCount > 0 ? ":" + maximumRetryCount : "", id);
        postJson("/containers/" + encode(id) + "/update",
                java.util.Map.of("RestartPolicy", java.util.Map.of("Name", name, "MaximumRetryCount",
                        "on-failure".equals(name) ? maximumRetryCount : 0)));
    }

    /** Starts a created container from the checkpoint {@code name} in its checkpoints directory. */
    public void startFromCheckpoint(String id, String checkpoint) {
        LOG.info("docker start {} --checkpoint {}", id, checkpoint);
        String path = "/containers/" + encode(id) + "/start?checkpoint=" + encode(checkpoint);
        for (int attempt = 1; ; attempt++) {
            try (Response response = execute(Request.builder().method(Request.Method.POST).path(versioned(path))
                    .putHeader("Content-Type", "application/json").bodyBytes(new byte[0]).build())) {
                checkStatus(response, "start from checkpoint");
                return;
            } catch (DockerApiException e) {
                // moby#42900: a first start from a checkpoint can race containerd's content store
                if (attempt >= 3 || e.daemonMessage() == null || !e.daemonMessage().contains("already exists")) {
                    throw e;
                }
                LOG.warn("start from checkpoint hit moby#42900 ({}); trying again", e.daemonMessage());
            }
        }
    }

    /**
     * GET /containers/{id}/archive: a tar stream of one path. The caller closes the response.
     * Returns null when the path does not exist.
     */
    public Response archive(String id, String path) {
        Response response = execute(Request.builder().method(Request.Method.GET)
                .path(versioned("/containers/" + encode(id) + "/archive?path=" + encode(path))).build());
        if (response.getStatusCode() == 404) {
            response.close();
            return null;
        }
        try {
            checkStatus(response, "read " + path + " from container");
        } catch (RuntimeException e) {
            response.close();
            throw e;
        }
        return response;
    }

    /** Extracts a tar stream into the container's filesystem at {@code path}. */
    public void putArchive(String id, String path, InputStream tar) {
        LOG.info("docker cp (tar) -> {}:{}", id, path);
        client.copyArchiveToContainerCmd(id).withRemotePath(path).withTarInputStream(tar).exec();
    }

    /** Force-removes a container, ignoring one that is already gone. */
    public void removeContainer(String id) {
        LOG.info("docker rm -f {}", id);
        try {
            client.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    private Response execute(Request request) {
        try {
            return http.execute(request);
        } catch (RuntimeException e) {
            throw unavailable(host, e);
        }
    }

    private static void checkStatus(Response response, String what) {
        int status = response.getStatusCode();
        if (status < 400) {
            return;
        }
        String message = "";
        try {
            JsonNode body = Json.mapper().readTree(response.getBody());
            message = body.path("message").asText("");
        } catch (IOException | RuntimeException e) {
            // no JSON body
        }
        throw new DockerApiException(status, what + " failed (HTTP " + status + "): " + message, message);
    }

    /** Maps docker-java's exceptions to a user-facing failure. */
    public static DcpException translate(String what, DockerException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").strip();
        if (e instanceof ConflictException) {
            return new DcpException(ErrorCode.NAME_IN_USE, what + ": " + msg, "choose another name");
        }
        return new DcpException(ErrorCode.DOCKER_ERROR, what + ": " + msg, "see the Docker daemon's log", e);
    }

    String versioned(String path) {
        return "/v" + apiVersion + path;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing docker client", e);
        }
    }

    /** An error answer of the Docker API. */
    public static final class DockerApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String daemonMessage;

        DockerApiException(int status, String message, String daemonMessage) {
            super(message);
            this.status = status;
            this.daemonMessage = daemonMessage;
        }

        public int status() {
            return status;
        }

        public String daemonMessage() {
            return daemonMessage;
        }
    }
}
