package dev.dockercheckpoint.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A failure explained for a user: a one-line message, a hint saying what to do next,
 * and optionally the decisive lines of a CRIU log with the log's path.
 */
public class DcpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String hint;
    private final transient List<String> details;
    private final transient Path logFile;

    public DcpException(ErrorCode code, String message, String hint) {
        this(code, message, hint, List.of(), null, null);
    }

    public DcpException(ErrorCode code, String message, String hint, Throwable cause) {
        this(code, message, hint, List.of(), null, cause);
    }

    public DcpException(ErrorCode code, String message, String hint, List<String> details, Path logFile,
            Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.hint = hint == null ? "" : hint;
        this.details = List.copyOf(details);
        this.logFile = logFile;
    }

    public ErrorCode code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    /** Decisive log lines (for a CRIU failure), possibly empty. */
    public List<String> details() {
        return details;
    }

    /** The log the details come from, or null. */
    public Path logFile() {
        return logFile;
    }
}
