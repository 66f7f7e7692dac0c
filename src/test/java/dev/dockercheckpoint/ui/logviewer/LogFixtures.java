package dev.dockercheckpoint.ui.logviewer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generated CRIU-like logs with a known layout: line {@code i} is an Error line when
 * {@code i % ERROR_EVERY == ERROR_AT}, a Warn line when {@code i % WARN_EVERY == WARN_AT} (and not
 * an error), holds "needle" when {@code i % NEEDLE_EVERY == NEEDLE_AT}, and always "#i#".
 */
final class LogFixtures {
    static final int ERROR_EVERY = 500;
    static final int ERROR_AT = 123;
    static final int WARN_EVERY = 97;
    static final int WARN_AT = 13;
    static final int NEEDLE_EVERY = 1000;
    static final int NEEDLE_AT = 777;

    private static final String[] INFO = {
        "mnt: Found /proc/self/mountinfo with rw,relatime options for the root mount",
        "Dumping pages (type: 6 long: 0x7f3a4c000000 nr: 64) of task 1234",
        "sockets: Collecting netns 4026532008 for sockets of the dumpee",
        "fsnotify: Dumping inotify watch on /var/lib/app/config.yml",
        "cg: Set 1 is the root one",
        "pagemap-cache: 1234: dropping 82 pages at 0x55d3c7a00000",
    };

    private LogFixtures() {
    }

    static LogDocument.Level level(int i) {
        if (i % ERROR_EVERY == ERROR_AT) {
            return LogDocument.Level.ERROR;
        }
        if (i % WARN_EVERY == WARN_AT) {
            return LogDocument.Level.WARN;
        }
        return LogDocument.Level.OTHER;
    }

    static String line(int i) {
        StringBuilder b = new StringBuilder(120);
        timestamp(b, i);
        switch (level(i)) {
            case ERROR -> {
                if (i % 3 == 0) {
                    b.append("  ").append(1000 + i % 97).append(": ");
                }
                b.append("Error (criu/sk-inet.c:191): inet: Connected TCP socket #").append(i)
                        .append("#, consider using --tcp-established option.");
            }
            case WARN -> b.append("Warn  (criu/files-reg.c:1832): Can't restore mtime of #").append(i).append('#');
            case OTHER -> b.append(INFO[i % INFO.length]).append(" #").append(i).append('#');
        }
        if (i % NEEDLE_EVERY == NEEDLE_AT) {
            b.append(" needle");
        }
        return b.toString();
    }

    private static void timestamp(StringBuilder b, int i) {
        long micros = i * 37L;
        long seconds = micros / 1_000_000 % 100;
        long frac = micros % 1_000_000;
        b.append('(');
        if (seconds < 10) {
            b.append('0');
        }
        b.append(seconds).append('.');
        String f = Long.toString(frac);
        b.append("000000", 0, 6 - f.length()).append(f).append(") ");
    }

    /** Writes lines 0..n-1 (each ending in '\n'). */
    static Path write(Path file, int n) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int i = 0; i < n; i++) {
                out.write(line(i).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        }
        return file;
    }

    /** Writes lines until the file holds at least {@code bytes} bytes; returns the line count. */
    static int writeAtLeast(Path file, long bytes) throws IOException {
        long written = 0;
        int n = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (written < bytes) {
                byte[] line = line(n++).getBytes(StandardCharsets.UTF_8);
                out.write(line);
                out.write('\n');
                written += line.length + 1;
            }
        }
        return n;
    }

    static int count(int n, LogDocument.Level level) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (level(i) == level) {
                c++;
            }
        }
        return c;
    }

    static List<Integer> lines(int n, LogDocument.Level level) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (level(i) == level) {
                out.add(i);
            }
        }
        return out;
    }

    /** Byte offsets where each line of {@code bytes} starts (lines split at '\n'). */
    static List<Long> lineStarts(byte[] bytes) {
        List<Long> starts = new ArrayList<>();
        if (bytes.length == 0) {
            return starts;
        }
        starts.add(0L);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && i + 1 < bytes.length) {
                starts.add((long) i + 1);
            }
        }
        return starts;
    }
}
