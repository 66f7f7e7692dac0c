package dev.dockercheckpoint.ui.logviewer;

/** A page of a {@link LogDocument}'s log could not be read. */
public final class LogReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
