package dev.dockercheckpoint.core.criulog;

/** What a log says about the outcome of its operation. */
public enum Verdict {
    /** CRIU printed its success line. */
    SUCCESS,
    /** CRIU printed its failure line, or a fatal error without a success line. */
    FAILURE,
    /** Neither: the log stops early (CRIU killed, still running, or the file was cut). */
    INCOMPLETE
}
