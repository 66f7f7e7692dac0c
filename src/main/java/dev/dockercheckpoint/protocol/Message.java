package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.DcpException;
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
