package dev.dockercheckpoint.core.criulog;

import java.util.Objects;

/**
 * One line of a CRIU log, {@code (SS.uuuuuu) [PID: ][Error|Warn ] (criu/file.c:line): message}, or a
 * plain line without CRIU's prefix (restorer output, runc's logrus lines).
 *
 * @param number  1-based line number in the log
 * @param time    seconds since CRIU started, or {@link Double#NaN} for a line without a timestamp
 * @param pid     the pid CRIU printed before the message (restore logs), or -1
 * @param level   ERROR and WARN as CRIU marked them; INFO otherwise
 * @param source  {@code criu/file.c:line} of an Error or Warn line, or null
 * @param message the text after the prefixes
 * @param text    the whole line as written
 */
public record LogLine(long number, double time, int pid, LogLevel level, String source, String message, String text) {
    public LogLine {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(text, "text");
    }

    public boolean hasTime() {
        return !Double.isNaN(time);
    }

    public boolean hasPid() {
        return pid >= 0;
    }

    public boolean isError() {
        return level == LogLevel.ERROR;
    }

    public boolean isWarning() {
        return level == LogLevel.WARN;
    }
}
