package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The helper's own configuration, {@value #DEFAULT_FILE} by default: the checkpoint base
 * directories it serves (nothing else is accepted from a client), the Docker engines it connects
 * to (the first is the default), and its limits. A missing file means the defaults; a present
 * file with an unknown field or a bad value stops the helper with a message naming it.
 *
 * <pre>
 * {
 *   "baseDirs": ["/tmp/docker-checkpoints", "/var/lib/docker-checkpoint/checkpoints"],
 *   "engines": [{"name": "default", "host": "unix:///var/run/docker.sock"}],
 *   "limits": {"connections": 256, "connectionsPerUser": 128, "operationsPerUser": 8,
 *              "queuedMessages": 4096, "queuedBytes": 16777216}
 * }
 * </pre>
 */
public record HelperConfig(List<Path> baseDirs, List<EngineEntry> engines, Limits limits) {
    public static final String DEFAULT_FILE = "/etc/docker-checkpoint/helper.json";
    public static final Path VAR_LIB_BASE = Path.of("/var/lib/docker-checkpoint/checkpoints");
    public static final String DEFAULT_ENGINE = "default";
    static final int MAX_BASE_DIRS = 32;
    static final int MAX_ENGINES = 16;
    static final int MAX_PATH = 1024;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** A Docker engine the helper serves: a name clients pick it by and its {@code unix://} socket. */
    public record EngineEntry(@JsonProperty(required = true) String name, @JsonProperty(required = true) String host) {
    }

    /**
     * How much one helper and one user may take: open connections in all and per user, running
     * operations (checkpoint, restore, verify) per user, and messages (and their bytes) waiting to
     * be sent on one connection (a client that lets more pile up is disconnected).
     */
    public record Limits(int connections, int connectionsPerUser, int operationsPerUser, int queuedMessages,
            long queuedBytes) {
        public static final Limits DEFAULT = new Limits(256, 128, 8, 4096, 16L << 20);

        public Limits(int connections, int connectionsPerUser, int operationsPerUser, int queuedMessages) {
            this(connections, connectionsPerUser, operationsPerUser, queuedMessages, DEFAULT.queuedBytes);
        }

        @JsonCreator
        static Limits of(@JsonProperty("connections") Integer connections,
                @JsonProperty("connectionsPerUser") Integer connectionsPerUser,
                @JsonProperty("operationsPerUser") Integer operationsPerUser,
                @JsonProperty("queuedMessages") Integer queuedMessages,
                @JsonProperty("queuedBytes") Long queuedBytes) {
            return new Limits(or(connections, DEFAULT.connections), or(connectionsPerUser, DEFAULT.connectionsPerUser),
                    or(operationsPerUser, DEFAULT.operationsPerUser), or(queuedMessages, DEFAULT.queuedMessages),
                    queuedBytes == null ? DEFAULT.queuedBytes : queuedBytes);
        }

        private static int or(Integer value, int fallback) {
            return value == null ? fallback : value;
        }
    }

    public HelperConfig {
        baseDirs = List.copyOf(baseDirs);
        engines = List.copyOf(engines);
    }

    @JsonCreator
    static HelperConfig fromJson(@JsonProperty("baseDirs") List<String> baseDirs,
            @JsonProperty("engines") List<EngineEntry> engines, @JsonProperty("limits") Limits limits) {
        HelperConfig defaults = defaults(System.getenv("DOCKER_HOST"));
        return validated(baseDirs == null ? defaults.baseDirs
                : baseDirs.stream().map(HelperConfig::absolute).toList(),
                engines == null ? defaults.engines : engines, limits == null ? Limits.DEFAULT : limits);
    }

    /** The defaults: the seed's base in /tmp and one under /var/lib; the engine at {@code dockerHost} or Docker's default socket. */
    public static HelperConfig defaults(String dockerHost) {
        String host = dockerHost != null && dockerHost.startsWith("unix:///") ? dockerHost : "unix:///var/run/docker.sock";
        return new HelperConfig(List.of(CheckpointStore.DEFAULT_BASE, VAR_LIB_BASE),
                List.of(new EngineEntry(DEFAULT_ENGINE, host)), Limits.DEFAULT);
    }

    /** Reads {@code file}; the defaults when it does not exist. */
    public static HelperConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return defaults(System.getenv("DOCKER_HOST"));
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(),
                    "check that the helper's configuration is a readable file");
        }
        return parse(file.toString(), text);
    }

    static HelperConfig parse(String where, String text) {
        try {
            HelperConfig config = STRICT.readValue(text, HelperConfig.class);
            if (config == null) {
                throw new DcpException(ErrorCode.INVALID_INPUT, where + " is empty",
                        "write a JSON object, e.g. {\"baseDirs\": [\"" + CheckpointStore.DEFAULT_BASE + "\"]}");
            }
            return config;
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DcpException d) {
                throw new DcpException(d.code(), where + ": " + d.getMessage(), d.hint());
            }
            String msg = e.getOriginalMessage() == null ? "not JSON" : e.getOriginalMessage().replaceAll("\\s+", " ");
            var loc = e.getLocation();
            throw new DcpException(ErrorCode.INVALID_INPUT, where + (loc == null ? "" : " line " + loc.getLineNr())
                    + ": " + msg, "fields: baseDirs (list of absolute paths), engines ([{name, host}]), limits; see "
                    + "docs/protocol.md");
        }
    }

    private static Path absolute(String dir) {
        if (dir == null || dir.isEmpty() || !dir.startsWith("/") || dir.length() > MAX_PATH
                || dir.chars().anyMatch(Character::isISOControl)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "base directory " + Names.quote(String.valueOf(dir))
                    + " is not an absolute path", "list absolute directories, e.g. " + CheckpointStore.DEFAULT_BASE);
        }
        return Path.of(dir).normalize();
    }

    private static HelperConfig validated(List<Path> baseDirs, List<EngineEntry> engines, Limits limits) {
        if (baseDirs.isEmpty() || baseDirs.size() > MAX_BASE_DIRS) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "baseDirs must list 1 to " + MAX_BASE_DIRS
                    + " directories", "list at least one, e.g. " + CheckpointStore.DEFAULT_BASE);
        }
        for (Path p : baseDirs) {
            if (p.getNameCount() == 0) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "base directory / is not allowed",
                        "list a directory of its own, e.g. " + CheckpointStore.DEFAULT_BASE);
            }
        }
        if (engines.isEmpty() || engines.size() > MAX_ENGINES) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "engines must list 1 to " + MAX_ENGINES + " engines",
                    "list at least one, e.g. {\"name\": \"default\", \"host\": \"unix:///var/run/docker.sock\"}");
        }
        var names = new LinkedHashSet<String>();
        for (EngineEntry e : engines) {
            Names.requireValid("engine name", e.name());
            if (!names.add(e.name())) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "engine " + e.name() + " is listed twice",
                        "give every engine its own name");
            }
            if (!e.host().startsWith("unix:///") || e.host().length() > MAX_PATH
                    || e.host().chars().anyMatch(Character::isISOControl)) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "engine " + e.name() + ": host "
                        + Names.quote(e.host()) + " is not a local socket",
                        "the helper connects to local engines only: unix:///PATH");
            }
        }
        if (limits.connections() < 1 || limits.connectionsPerUser() < 1 || limits.operationsPerUser() < 1
                || limits.queuedMessages() < 16 || limits.queuedBytes() < 65536) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "limits must be positive (queuedMessages at least 16, "
                    + "queuedBytes at least 65536)",
                    "leave limits out for the defaults: " + Limits.DEFAULT);
        }
        return new HelperConfig(new ArrayList<>(new LinkedHashSet<>(baseDirs)), engines, limits);
    }

    /** The engine named {@code name} (null: the default, the first listed), or null when none has that name. */
    public EngineEntry engine(String name) {
        if (name == null) {
            return engines.getFirst();
        }
        return engines.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    /** The default base directory: the first listed. */
    public Path defaultBaseDir() {
        return baseDirs.getFirst();
    }

    /**
     * The base directory a client asked for: absent or empty means the default; otherwise an
     * absolute path without {@code ..} that, once normalised ({@code .}, repeated and trailing
     * slashes), is exactly one of {@link #baseDirs} (neither a directory above one nor below one).
     * Anything else is refused with the list of the allowed ones.
     */
    public Path baseDir(String requested) {
        if (requested == null || requested.isEmpty()) {
            return defaultBaseDir();
        }
        if (requested.length() > MAX_PATH || requested.chars().anyMatch(Character::isISOControl)
                || !requested.startsWith("/")) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "checkpoint directory must be an absolute path: "
                    + Names.quote(requested.length() > 200 ? requested.substring(0, 200) + "..." : requested),
                    "pass one of the helper's directories: " + allowed());
        }
        Path path = Path.of(requested);
        for (Path name : path) {
            if (name.toString().equals("..")) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "checkpoint directory must not contain ..: "
                        + Names.quote(requested), "pass one of the helper's directories: " + allowed());
            }
        }
        path = path.normalize();
        if (baseDirs.contains(path)) {
            return path;
        }
        throw new DcpException(ErrorCode.DIRECTORY_NOT_ALLOWED, "checkpoint directory " + path
                + " is not one this helper serves; allowed: " + allowed(),
                "choose one of them (-dir), or have an administrator add it to \"baseDirs\" in the helper's"
                        + " configuration (" + DEFAULT_FILE + ", or the file given to helper --config) and restart"
                        + " the helper");
    }

    private String allowed() {
        return String.join(", ", baseDirs.stream().map(Path::toString).toList());
    }
}
