package dev.dockercheckpoint.core.criulog;

/** Level of a CRIU log line: CRIU marks only errors and warnings, everything else is information. */
public enum LogLevel {
    ERROR,
    WARN,
    INFO
}
