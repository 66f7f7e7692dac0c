package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The processes of a container as its cgroup holds them (read here, or as Docker lists them), set against the process
 * tree of its init. CRIU dumps only the init's tree: a process started with {@code docker exec}
 * is a child of the runtime's shim, outside that tree, and would silently be missing after a
 * restore.
 */
final class ContainerProcesses {

    /** One process of the container, by its host PID. */
    record Task(int pid, int ppid, String command) {
        @Override
        public String toString() {
            return pid + " " + command;
        }
    }

    private ContainerProcesses() {
    }

    /** The tasks of {@code GET /containers/{id}/top} (ps -ef columns), in Docker's order. */
    static List<Task> parseTop(JsonNode top) {
        List<Task> tasks = new ArrayList<>();
        if (top == null) {
            return tasks;
        }
        List<String> titles = new ArrayList<>();
        top.path("Titles").forEach(t -> titles.add(t.asText()));
        int pid = titles.indexOf("PID");
        int ppid = titles.indexOf("PPID");
        int cmd = titles.indexOf("CMD") >= 0 ? titles.indexOf("CMD") : titles.indexOf("COMMAND");
        if (pid < 0 || ppid < 0) {
            return tasks;
        }
        for (JsonNode row : top.path("Processes")) {
            try {
                tasks.add(new Task(Integer.parseInt(row.path(pid).asText().strip()),
                        Integer.parseInt(row.path(ppid).asText().strip()),
                        cmd < 0 ? "?" : row.path(cmd).asText("").strip()));
            } catch (NumberFormatException e) {
                // a row that is not a process
            }
        }
        return tasks;
    }

    /**
     * The tasks of the container whose init is {@code initPid}, read from its cgroup (every
     * process in it and in its child cgroups, as runc lists them for {@code docker top}) and
     * {@code /proc}: a millisecond instead of Docker's runc run. Null when they cannot be read
     * here (another cgroup layout or namespace), then Docker is asked.
     */
    static List<Task> fromCgroup(int initPid) {
        return fromCgroup(Path.of("/proc"), Path.of("/sys/fs/cgroup"), initPid);
    }

    static List<Task> fromCgroup(Path proc, Path cgroupRoot, int initPid) {
        try {
            Path dir = cgroupDir(Files.readAllLines(proc.resolve(Integer.toString(initPid)).resolve("cgroup")),
                    cgroupRoot);
            if (dir == null || !Files.isRegularFile(dir.resolve("cgroup.procs"))) {
                return null;
            }
            List<Integer> pids = new ArrayList<>();
            try (Stream<Path> dirs = Files.walk(dir)) {
                for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                    for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
                        if (!line.isBlank()) {
                            pids.add(Integer.parseInt(line.strip()));
                        }
                    }
                }
            }
            List<Task> tasks = new ArrayList<>();
            for (int pid : pids) {
                Path p = proc.resolve(Integer.toString(pid));
                try {
                    tasks.add(task(pid, Files.readString(p.resolve("stat"), StandardCharsets.UTF_8),
                            Files.readAllBytes(p.resolve("cmdline"))));
                } catch (NoSuchFileException e) {
                    // ended since the cgroup was read
                }
            }
            return tasks.stream().anyMatch(t -> t.pid() == initPid) ? tasks : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The directory of the cgroup in {@code /proc/PID/cgroup}'s lines: the freezer's (cgroup
     * v1, what runc freezes) when that hierarchy is mounted under {@code cgroupRoot}, else the
     * unified one when cgroup v2 is mounted there; null for neither.
     */
    static Path cgroupDir(List<String> lines, Path cgroupRoot) {
        String freezer = null;
        String unified = null;
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            } else if (Arrays.asList(f[1].split(",")).contains("freezer")) {
                freezer = f[2];
            }
        }
        // a host's v1 hierarchies show in every process's list, mounted here or not (an engine in
        // a mount namespace of its own with cgroup v2 at /sys/fs/cgroup)
        if (freezer != null && Files.isDirectory(cgroupRoot.resolve("freezer"))) {
            return cgroupRoot.resolve("freezer").resolve(relative(freezer));
        }
        if (unified != null && Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
            return cgroupRoot.resolve(relative(unified));
        }
        return null;
    }

    private static String relative(String cgroupPath) {
        String p = cgroupPath.replaceFirst("^/+", "");
        if (p.contains("..")) {
            throw new IllegalArgumentException("cgroup path " + cgroupPath);
        }
        return p;
    }

    /**
     * A task from {@code /proc/PID/stat} (its command name in parentheses may hold anything,
     * so the fields are read after the last one) and {@code cmdline} (NUL-separated; empty for a
     * kernel thread or a zombie, then the name in brackets, as ps shows it).
     */
    static Task task(int pid, String stat, byte[] cmdline) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] after = stat.substring(close + 2).split(" ");
        int ppid = Integer.parseInt(after[1]);
        String command = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        return new Task(pid, ppid, command.isEmpty() ? "[" + stat.substring(open + 1, close) + "]" : command);
    }

    /** The tasks that are neither the init process nor one of its descendants. */
    static List<Task> outsideInitTree(List<Task> tasks, int initPid) {
        Map<Integer, Integer> parent = new HashMap<>();
        tasks.forEach(t -> parent.put(t.pid(), t.ppid()));
        Set<Integer> inTree = new HashSet<>();
        inTree.add(initPid);
        List<Task> outside = new ArrayList<>();
        for (Task t : tasks) {
            if (!descends(t.pid(), initPid, parent, inTree)) {
                outside.add(t);
            }
        }
        return outside;
    }

    private static boolean descends(int pid, int initPid, Map<Integer, Integer> parent, Set<Integer> inTree) {
        List<Integer> path = new ArrayList<>();
        Integer p = pid;
        // bounded by the number of tasks: a PID cycle (reused PIDs between reads) cannot loop
        for (int steps = 0; p != null && steps <= parent.size(); steps++) {
            if (inTree.contains(p)) {
                inTree.addAll(path);
                return true;
            }
            path.add(p);
            p = parent.get(p);
        }
        return false;
    }
}
