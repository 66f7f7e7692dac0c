package dev.dockercheckpoint.core.criulog;

import java.util.Objects;

/**
 * An Error or Warn line that is not known to be harmless, with the knowledge-base pattern that
 * explains it when there is one.
 *
 * @param line  the line
 * @param match the pattern found in it, or null
 */
public record NotableLine(LogLine line, PatternMatch match) {
    public NotableLine {
        Objects.requireNonNull(line, "line");
    }
}
