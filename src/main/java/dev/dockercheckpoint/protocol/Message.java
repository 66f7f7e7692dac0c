package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.DcpException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A message from the helper about request {@code id}: zero or more events (progress, log, check,
 * container), then exactly one {@code result} or {@code error} (a subscription ends only with the
 * connection).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = Message.Log.class, name = "log"),
    @JsonSubTypes.Type(value = Message.Check.class, name = "check"),
    @JsonSubTypes.Type(value = Message.ContainerChanged.class, name = "container"),
    @JsonSubTypes.Type(value = Message.Stream.class, name = "stream"),
    @JsonSubTypes.Type(value = Message.Result.class, name = "result"),
    @JsonSubTypes.Type(value = Message.Error.class, name = "error")
})
public sealed interface Message {
    String id();

    /**
     * The message in {@code node}, read field by field from the tree: binding the polymorphic
     * type costs a command line's start-up tens of milliseconds. Null for a type this client
     * does not know (a newer helper's).
     */
    static Message of(JsonNode node) throws IOException {
        String id = Trees.text(node, "id");
        return switch (node.path("type").asText()) {
            case "progress" -> new Progress(id, Trees.text(node, "phase"), node.path("fraction").asDouble(),
                    Trees.number(node, "done"), Trees.number(node, "total"));
            case "log" -> new Log(id, Trees.text(node, "line"));
            case "check" -> new Check(id, Trees.check(node.path("check")));
            case "container" -> new ContainerChanged(id, Trees.text(node, "action"),
                    Trees.text(node, "containerId"), Trees.text(node, "name"), Trees.text(node, "image"));
            case "stream" -> new Stream(id, Trees.text(node, "sender"), node.path("total").asLong());
            case "result" -> new Result(id, node.get("value"));
            case "error" -> {
                List<String> details = new ArrayList<>();
                node.path("details").forEach(d -> details.add(d.asText()));
                yield new Error(id, Trees.text(node, "code"), Trees.text(node, "message"), Trees.text(node, "hint"),
                        details, Trees.text(node, "logFile"));
            }
            default -> null;
        };
    }

    /** True for the last message about a request. */
    @JsonIgnore
    default boolean isFinal() {
        return this instanceof Result || this instanceof Error;
    }

    /**
     * An operation's progress; a transfer also says how many bytes of how many ({@code total} -1:
     * not known) it has done, absent for other operations.
     */
    record Progress(String id, String phase, double fraction,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long done,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long total) implements Message {
        public Progress(String id, String phase, double fraction) {
            this(id, phase, fraction, null, null);
        }
    }

    /**
     * A transfer's bytes follow in frames, sent by {@code sender}: {@code helper} (an export: its
     * frames come right after this message) or {@code client} (an import: the client waits for this
     * message before it sends them). {@code total} is the size of the checkpoint's files an export
     * reads (-1 for an import).
     */
    record Stream(String id, String sender, long total) implements Message {
        public static final String HELPER = "helper";
        public static final String CLIENT = "client";
    }

    /** A line CRIU wrote to its log while the operation runs. */
    record Log(String id, String line) implements Message {
    }

    /** One verification check finished. */
    record Check(String id, CheckResult check) implements Message {
    }

    /** A container changed (Docker event): action such as start, die, destroy, checkpoint. */
    record ContainerChanged(String id, String action, String containerId, String name, String image)
            implements Message {
    }

    /** The request succeeded; {@code value} depends on the request type (docs/protocol.md). */
    record Result(String id, JsonNode value) implements Message {
    }

    /** The request failed: a stable code, a one-line message, a hint, and decisive log lines. */
    record Error(String id, String code, String message, String hint, List<String> details, String logFile)
            implements Message {
        public Error {
            details = details == null ? List.of() : List.copyOf(details);
        }

        public static Error of(String id, DcpException e) {
            return new Error(id, e.code().name(), e.getMessage(), e.hint(), e.details(),
                    e.logFile() == null ? null : e.logFile().toString());
        }
    }
}
