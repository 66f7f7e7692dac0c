package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;

/**
 * A request from a client. Every request carries an {@code id} chosen by the client; every
 * message the helper sends about it carries the same id. {@code dir} is a checkpoint base
 * directory (null: the default).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Request.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Request.ListContainers.class, name = "list-containers"),
    @JsonSubTypes.Type(value = Request.Subscribe.class, name = "subscribe"),
    @JsonSubTypes.Type(value = Request.Checkpoint.class, name = "checkpoint"),
    @JsonSubTypes.Type(value = Request.Restore.class, name = "restore"),
    @JsonSubTypes.Type(value = Request.Verify.class, name = "verify"),
    @JsonSubTypes.Type(value = Request.ListCheckpoints.class, name = "list-checkpoints"),
    @JsonSubTypes.Type(value = Request.Details.class, name = "checkpoint-details"),
    @JsonSubTypes.Type(value = Request.ReadLog.class, name = "read-log"),
    @JsonSubTypes.Type(value = Request.Delete.class, name = "delete-checkpoint"),
    @JsonSubTypes.Type(value = Request.Diagnose.class, name = "diagnose-log"),
    @JsonSubTypes.Type(value = Request.Inspect.class, name = "inspect"),
    @JsonSubTypes.Type(value = Request.VerifyCheckpoint.class, name = "verify-checkpoint"),
    @JsonSubTypes.Type(value = Request.Doctor.class, name = "doctor"),
    @JsonSubTypes.Type(value = Request.Cancel.class, name = "cancel"),
    @JsonSubTypes.Type(value = Request.Migrate.class, name = "migrate"),
    @JsonSubTypes.Type(value = Request.Export.class, name = "export"),
    @JsonSubTypes.Type(value = Request.Import.class, name = "import")
})
public sealed interface Request {
    /** Longest request id, client name and cancel target. */
    int MAX_ID = 100;
    /** Longest container reference (a name or a full id). */
    int MAX_REF = 256;
    /** Longest directory path. */
    int MAX_PATH = 1024;
    /** Most lines one read-log request may ask for. */
    int MAX_LOG_LINES = 100_000;

    String id();

    /**
     * Checks one string field: null is allowed (the field is optional or its absence is reported
     * as missing), otherwise at most {@code max} characters and no control characters.
     */
    private static String bounded(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "field \"" + field + "\" is longer than " + max
                    + " characters", "shorten it; see docs/protocol.md for each field's limit");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "field \"" + field + "\" contains a control character",
                    "send printable text only");
        }
        return value;
    }

    /** As {@link #bounded}, for a field that must be there: null is refused as missing. */
    private static String required(String field, String value, int max) {
        if (value == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "missing field \"" + field + "\"",
                    "see docs/protocol.md for the fields of each request");
        }
        return bounded(field, value, max);
    }

    private static String requestId(String id) {
        if (id == null || id.isBlank()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "request without a valid \"id\"",
                    "give every request an id of 1.." + MAX_ID + " printable characters");
        }
        return bounded("id", id, MAX_ID);
    }

    /**
     * First request of a connection: the client's protocol version and name, and the engine (one
     * of those the helper names in its answer) that the connection's requests go to; absent: the
     * helper's default. {@code brief} true: the answer leaves out what the host can do
     * ({@code capabilities} null), for a client that shows none of it (the command line).
     */
    record Hello(@JsonProperty(required = true) String id, @JsonProperty(required = true) int protocolVersion,
            String client, String engine, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean brief)
            implements Request {
        public Hello {
            id = requestId(id);
            client = bounded("client", client, MAX_ID);
            engine = bounded("engine", engine, MAX_REF);
        }

        public Hello(String id, int protocolVersion, String client, String engine) {
            this(id, protocolVersion, client, engine, null);
        }

        public Hello(String id, int protocolVersion, String client) {
            this(id, protocolVersion, client, null, null);
        }
    }

    /** Containers known to Docker; {@code all} includes stopped ones. */
    record ListContainers(@JsonProperty(required = true) String id, boolean all) implements Request {
        public ListContainers {
            id = requestId(id);
        }
    }

    /** Container changes (Docker events) pushed as they happen, until the connection closes. */
    record Subscribe(@JsonProperty(required = true) String id) implements Request {
        public Subscribe {
            id = requestId(id);
        }
    }

    /**
     * A checkpoint; {@code quiet} true: without CRIU's log lines as events (a thousand or more for
     * a tiny container; the log stays in the checkpoint).
     */
    record Checkpoint(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            String name, String dir, CheckpointOptions options,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean quiet) implements Request {
        public Checkpoint {
            id = requestId(id);
            container = required("container", container, MAX_REF);
            name = bounded("name", name, MAX_REF);
            dir = bounded("dir", dir, MAX_PATH);
        }

        public Checkpoint(String id, String container, String name, String dir, CheckpointOptions options) {
            this(id, container, name, dir, options, null);
        }
    }

    /** A restore; {@code quiet} as for {@link Checkpoint}. */
    record Restore(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            String name, String dir, String newName,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean quiet) implements Request {
        public Restore {
            id = requestId(id);
            container = required("container", container, MAX_REF);
            name = bounded("name", name, MAX_REF);
            dir = bounded("dir", dir, MAX_PATH);
            newName = bounded("newName", newName, MAX_REF);
        }

        public Restore(String id, String container, String name, String dir, String newName) {
            this(id, container, name, dir, newName, null);
        }
    }

    record Verify(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container) implements Request {
        public Verify {
            id = requestId(id);
            container = required("container", container, MAX_REF);
        }
    }

    record ListCheckpoints(@JsonProperty(required = true) String id, String dir) implements Request {
        public ListCheckpoints {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
        }
    }

    record Details(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name) implements Request {
        public Details {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
        }
    }

    /** A page of dump.log or restore.log: up to {@code maxLines} lines from byte {@code offset}. */
    /** Default page size when {@code maxLines} is 0. */
    int DEFAULT_LOG_LINES = 1000;

    record ReadLog(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String log, long offset, int maxLines)
            implements Request {
        public ReadLog {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
            log = required("log", log, MAX_ID);
            if (offset < 0) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "field \"offset\" is negative",
                        "pass a byte offset of 0 or more (0: from the start)");
            }
            if (maxLines < 0 || maxLines > MAX_LOG_LINES) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "field \"maxLines\" must be 0.." + MAX_LOG_LINES,
                        "leave it out for " + DEFAULT_LOG_LINES + " lines");
            }
            maxLines = maxLines == 0 ? DEFAULT_LOG_LINES : maxLines;
        }
    }

    record Delete(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name) implements Request {
        public Delete {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
        }
    }

    /** The diagnosis of a checkpoint's dump.log or restore.log (verdict, cause, fix, timeline). */
    record Diagnose(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String log) implements Request {
        public Diagnose {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
            log = required("log", log, MAX_ID);
        }
    }

    /** A checkpoint's contents: process tree, memory, open files, statistics. */
    record Inspect(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name)
            implements Request {
        public Inspect {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
        }
    }

    /** Checks every file of a stored checkpoint against the checksums recorded when it was made. */
    record VerifyCheckpoint(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name)
            implements Request {
        public VerifyCheckpoint {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = required("container", container, MAX_REF);
            name = required("name", name, MAX_REF);
        }
    }

    record Doctor(@JsonProperty(required = true) String id) implements Request {
        public Doctor {
            id = requestId(id);
        }
    }

    /**
     * Migrates a running container of the connection's engine to the helper's engine {@code to}
     * (a name from the hello answer), as {@code newName} there (null: the same name), its checkpoint
     * written to {@code dir} on the way and removed afterwards unless {@code keepCheckpoint}.
     */
    record Migrate(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            @JsonProperty(required = true) String to, String newName, String dir, CheckpointOptions options,
            boolean keepCheckpoint) implements Request {
        public Migrate {
            id = requestId(id);
            container = required("container", container, MAX_REF);
            to = required("to", to, MAX_REF);
            newName = bounded("newName", newName, MAX_REF);
            dir = bounded("dir", dir, MAX_PATH);
        }
    }

    /** Cancels the running operation started by request {@code target}. */
    record Cancel(@JsonProperty(required = true) String id, @JsonProperty(required = true) String target) implements Request {
        public Cancel {
            id = requestId(id);
            target = required("target", target, MAX_ID);
        }
    }

    /** Compressions an export may ask for. */
    java.util.List<String> COMPRESSIONS = java.util.List.of("zstd", "gzip", "none");
    /** The most an import may be asked to accept ({@code maxBytes}), and its default. */
    long MAX_IMPORT_BYTES = 64L << 30;

    /**
     * A stored checkpoint as one archive, whose bytes the helper streams to the client in frames
     * (docs/protocol.md, Transfers): the client writes the file, the helper never opens it;
     * {@code withVolumes} adds the named volumes' contents as they are now; {@code verify} reads
     * and hashes every file against the checksums recorded when the checkpoint was made, and
     * refuses a damaged checkpoint (otherwise unchanged files carry their recorded checksums).
     */
    record Export(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            String name, String dir, String compression, boolean withVolumes, boolean verify) implements Request {
        /** Without the volumes' contents. */
        public Export(String id, String container, String name, String dir, String compression) {
            this(id, container, name, dir, compression, false, false);
        }

        /** Without {@code verify}. */
        public Export(String id, String container, String name, String dir, String compression,
                boolean withVolumes) {
            this(id, container, name, dir, compression, withVolumes, false);
        }

        public Export {
            id = requestId(id);
            container = required("container", container, MAX_REF);
            name = bounded("name", name, MAX_REF);
            dir = bounded("dir", dir, MAX_PATH);
            compression = bounded("compression", compression, MAX_ID);
            if (compression != null && !COMPRESSIONS.contains(compression)) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "field \"compression\" must be one of "
                        + String.join(", ", COMPRESSIONS), "leave it out for zstd");
            }
        }
    }

    /**
     * An archive, whose bytes the client streams to the helper in frames after the helper's
     * {@code stream} message, stored as a new checkpoint in {@code dir}; {@code container} and
     * {@code name} store it under other names than the archive's; {@code maxBytes} bounds the
     * files' total size (0 or absent: {@value #MAX_IMPORT_BYTES}, also the most allowed).
     */
    record Import(@JsonProperty(required = true) String id, String dir, String container, String name,
            long maxBytes) implements Request {
        public Import {
            id = requestId(id);
            dir = bounded("dir", dir, MAX_PATH);
            container = bounded("container", container, MAX_REF);
            name = bounded("name", name, MAX_REF);
            if (maxBytes < 0 || maxBytes > MAX_IMPORT_BYTES) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "field \"maxBytes\" must be 0.." + MAX_IMPORT_BYTES,
                        "leave it out for the helper's limit of 64 GiB");
            }
            maxBytes = maxBytes == 0 ? MAX_IMPORT_BYTES : maxBytes;
        }
    }
}
