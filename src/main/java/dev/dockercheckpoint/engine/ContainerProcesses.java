package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes of a container as Docker lists them (its cgroup), set against the process
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
