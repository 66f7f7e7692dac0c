package dev.dockercheckpoint.core.criulog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Logs composed from the captured ones in src/test/resources/criulogs, with lines CRIU prints in
 * situations the test host cannot produce on demand. Each inserted line is CRIU's format string
 * (source file named) filled in, placed where CRIU prints it.
 */
public final class ComposedLogs {
    /** Line number of the "Unexpected process" warning in {@link #lostProcessDump}. */
    public static final int LOST_PROCESS_LINE = 162;
    /** Line number of the "Can't get rlimit" error in {@link #rlimitDump}. */
    public static final int RLIMIT_LINE = 622;

    private ComposedLogs() {
    }

    /**
     * dump-success-locks.log of a container in which a process was started with docker exec: the
     * freezer holds it (criu/seize.c seize_cgroup_tree: "SEIZE %d (comm %s): success") but it is not
     * in the tree of the container's init, so after collecting the tree CRIU warns about it
     * (criu/seize.c freezer_wait_processes) and dumps without it. The dump still succeeds.
     */
    public static Path lostProcessDump(Path dir) throws IOException {
        List<String> lines = captured("dump-success-locks.log");
        lines.add(indexOf(lines, "SEIZE 29940 (comm locker): success") + 1,
                "(00.076931) SEIZE 30012 (comm sleep): success");
        lines.add(indexOf(lines, "Collected 29940 in 1 state") + 1,
                "(00.077131) Warn  (criu/seize.c:404): Unexpected process 30012 in the freezer cgroup (status 0x8057f)");
        if (!lines.get(LOST_PROCESS_LINE - 1).contains("Unexpected process 30012")) {
            throw new IllegalStateException("the warning moved: update LOST_PROCESS_LINE");
        }
        return write(dir.resolve("dump-lost-process.log"), lines);
    }

    /**
     * dump-success-locks.log cut where CRIU reads the task's resource limits, on a host whose root
     * lacks CAP_SYS_RESOURCE and a task that does not run as uid 0: criu/cr-dump.c
     * dump_task_rlimits() fails ("Can't get rlimit %d" with EPERM), dump_one_task() reports "Dump
     * core (pid: %d) failed with %d", then the network is unlocked, the tasks unfrozen, and the dump
     * fails (the tail as in dump-file-locks-without-flag.log).
     */
    public static Path rlimitDump(Path dir) throws IOException {
        List<String> lines = captured("dump-success-locks.log");
        List<String> head = new ArrayList<>(lines.subList(0, indexOf(lines, "Dumping core (pid: 29940)") + 3));
        head.addAll(List.of(
                "(00.087490) Error (criu/cr-dump.c:388): Can't get rlimit 0: Operation not permitted",
                "(00.087493) Error (criu/cr-dump.c:1737): Dump core (pid: 29940) failed with -1",
                "(00.087520) net: Unlock network",
                "(00.087522) Running network-unlock scripts",
                "(00.087523) \tRPC",
                "(00.150101) Unfreezing tasks into 1",
                "(00.150120) \tUnseizing 29940 into 1",
                "(00.150148) Error (criu/cr-dump.c:1975): Dumping FAILED."));
        if (!head.get(RLIMIT_LINE - 1).contains("Can't get rlimit 0")) {
            throw new IllegalStateException("the error moved: update RLIMIT_LINE");
        }
        return write(dir.resolve("dump-rlimit.log"), head);
    }

    /**
     * dump-success-tcp.log with {@code n} warnings that are not known to be harmless after its first
     * line: "Can't restore mtime" style warnings of criu/files-reg.c, numbered lines 2 to n + 1.
     */
    public static Path manyWarningsDump(Path dir, int n) throws IOException {
        List<String> lines = captured("dump-success-tcp.log");
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            extra.add(String.format(Locale.ROOT, "(00.000%03d) Warn  (criu/files-reg.c:1881): Can't link"
                    + " /tmp/a%d -> /tmp/b%d", i % 1000, i, i));
        }
        lines.addAll(1, extra);
        return write(dir.resolve("dump-many-warnings.log"), lines);
    }

    private static List<String> captured(String name) throws IOException {
        return new ArrayList<>(Files.readAllLines(CriuLogParserTest.LOGS.resolve(name), StandardCharsets.UTF_8));
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new IllegalStateException("no line with " + text);
    }

    private static Path write(Path file, List<String> lines) throws IOException {
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
