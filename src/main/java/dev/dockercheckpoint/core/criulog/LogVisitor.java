package dev.dockercheckpoint.core.criulog;

/** Receives the lines of a log in order, one at a time. */
@FunctionalInterface
public interface LogVisitor {
    /** Called for each line; return false to stop reading. */
    boolean visit(LogLine line);
}
