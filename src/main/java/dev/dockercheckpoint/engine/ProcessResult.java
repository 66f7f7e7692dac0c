package dev.dockercheckpoint.engine;

import java.time.Duration;
import java.util.List;

/** Outcome of one external command. */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stderr, or stdout when stderr is empty, trimmed to its last non-empty line. */
    public String lastMessage() {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
