package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.dockercheckpoint.core.CheckpointOptions;

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
    @JsonSubTypes.Type(value = Request.Doctor.class, name = "doctor"),
    @JsonSubTypes.Type(value = Request.Cancel.class, name = "cancel")
})
public sealed interface Request {
    String id();

    /** First request of a connection: the client's protocol version and name. */
    record Hello(@JsonProperty(required = true) String id, @JsonProperty(required = true) int protocolVersion,
            String client) implements Request {
    }

    /** Containers known to Docker; {@code all} includes stopped ones. */
    record ListContainers(@JsonProperty(required = true) String id, boolean all) implements Request {
    }

    /** Container changes (Docker events) pushed as they happen, until the connection closes. */
    record Subscribe(@JsonProperty(required = true) String id) implements Request {
    }

    record Checkpoint(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            String name, String dir, CheckpointOptions options)
            implements Request {
    }

    record Restore(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container,
            String name, String dir, String newName) implements Request {
    }

    record Verify(@JsonProperty(required = true) String id, @JsonProperty(required = true) String container) implements Request {
    }

    record ListCheckpoints(@JsonProperty(required = true) String id, String dir) implements Request {
    }

    record Details(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name) implements Request {
    }

    /** A page of dump.log or restore.log: up to {@code maxLines} lines from byte {@code offset}. */
    /** Default page size when {@code maxLines} is 0. */
    int DEFAULT_LOG_LINES = 1000;

    record ReadLog(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String log, long offset, int maxLines)
            implements Request {
    }

    record Delete(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name) implements Request {
    }

    /** The diagnosis of a checkpoint's dump.log or restore.log (verdict, cause, fix, timeline). */
    record Diagnose(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String log) implements Request {
    }

    /** A checkpoint's contents: process tree, memory, open files, statistics. */
    record Inspect(@JsonProperty(required = true) String id, String dir,
            @JsonProperty(required = true) String container, @JsonProperty(required = true) String name)
            implements Request {
    }

    record Doctor(@JsonProperty(required = true) String id) implements Request {
    }

    /** Cancels the running operation started by request {@code target}. */
    record Cancel(@JsonProperty(required = true) String id, @JsonProperty(required = true) String target) implements Request {
    }
}
