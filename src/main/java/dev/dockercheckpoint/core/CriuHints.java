package dev.dockercheckpoint.core;

import java.util.List;
import java.util.Locale;

/** A first fix suggestion from the decisive CRIU error lines. */
public final class CriuHints {
    private CriuHints() {
    }

    public static String hintFor(List<String> errors, boolean restore) {
        String all = String.join("\n", errors).toLowerCase(Locale.ROOT);
        if (all.contains("tcp-established") || all.contains("connected tcp socket")) {
            return restore ? "the checkpoint holds TCP connections; it was dumped with -tcp and must be restored"
                    + " with the same setting" : "the container holds established TCP connections: checkpoint with -tcp"
                    + " (the default)";
        }
        if (all.contains("file-locks") || all.contains("file lock")) {
            return restore ? "the checkpoint holds file locks; restore needs -file-locks as at dump time"
                    : "a process holds file locks: checkpoint with -file-locks (the default)";
        }
        if (all.contains("mem_dirty_track") || all.contains("dirty")) {
            return "the kernel lacks memory dirty tracking: checkpoint without -pre-dump";
        }
        if (all.contains("has bad mode") || all.contains("has bad size") || all.contains("no such file")) {
            return "a file the process had open differs or is missing in the new container";
        }
        return "read the log for the lines before the first Error";
    }
}
