package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Docker contexts as the docker CLI keeps them: {@code ~/.docker/contexts/meta/<sha256 of the
 * name>/meta.json} names the engine's endpoint ({@code Endpoints.docker.Host}); {@code default}
 * is DOCKER_HOST or the local socket. Only {@code unix://} endpoints are served here.
 */
public final class DockerContexts {
    private final Path dockerConfigDir;

    public DockerContexts(Path dockerConfigDir) {
        this.dockerConfigDir = dockerConfigDir;
    }

    /** The contexts of the user running this process ({@code DOCKER_CONFIG} or {@code ~/.docker}). */
    public static DockerContexts ofCurrentUser() {
        String env = System.getenv("DOCKER_CONFIG");
        return new DockerContexts(env != null && !env.isEmpty() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".docker"));
    }

    /** The engine endpoint of context {@code name}. */
    public String host(String name) {
        if ("default".equals(name)) {
            String env = System.getenv("DOCKER_HOST");
            return env != null && env.startsWith("unix://") ? env : "unix:///var/run/docker.sock";
        }
        Path meta = dockerConfigDir.resolve("contexts").resolve("meta").resolve(sha256(name)).resolve("meta.json");
        JsonNode json;
        try {
            json = Files.isRegularFile(meta) ? Json.mapper().readTree(Files.readAllBytes(meta)) : null;
        } catch (IOException e) {
            json = null;
        }
        if (json == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no Docker context named " + name + " in "
                    + dockerConfigDir, "docker context ls shows the contexts (known: " + String.join(", ", names())
                            + ")");
        }
        String host = json.path("Endpoints").path("docker").path("Host").asText("");
        if (!host.startsWith("unix://")) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "Docker context " + name + " points at " + host
                    + ", not a local unix socket", "checkpoints need the engine's host: use a local context");
        }
        return host;
    }

    /** The names of the contexts ("default" first). */
    public List<String> names() {
        List<String> names = new ArrayList<>(List.of("default"));
        Path dir = dockerConfigDir.resolve("contexts").resolve("meta");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    try {
                        JsonNode json = Json.mapper().readTree(Files.readAllBytes(p.resolve("meta.json")));
                        names.add(json.path("Name").asText(p.getFileName().toString()));
                    } catch (IOException e) {
                        // not a context
                    }
                }
            } catch (IOException e) {
                // none readable
            }
        }
        return names;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
