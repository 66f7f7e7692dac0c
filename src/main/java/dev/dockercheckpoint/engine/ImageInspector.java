package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.criulog.CriuStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads a checkpoint's CRIU images with {@code crit} (CRIU's own image tool, Debian's
 * python3-pycriu, installed with CRIU): the process tree, each process's pages and open files.
 * crit rather than a native reader: the images are many protobuf message types that change with
 * CRIU versions, and crit always matches the installed CRIU; inspecting is rare, so a few Python
 * processes (run in parallel) are an acceptable cost. (The small, stable stats image is read
 * natively, on every checkpoint.)
 */
final class ImageInspector {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long PAGE = 4096;

    private final ProcessRunner runner;

    ImageInspector(ProcessRunner runner) {
        this.runner = runner;
    }

    CheckpointContents inspect(String container, String name, Path dir, CriuStats stats) {
        String crit = HostTools.which("crit").map(Path::toString).orElseThrow(() -> new DcpException(
                ErrorCode.TOOL_MISSING, "crit not found", "install CRIU's image tool (Debian: python3-pycriu)"));
        JsonNode pstree = decode(crit, dir.resolve("pstree.img"));
        Map<Integer, String> commands = commands(run(crit, "x", dir.toString(), "ps"));
        Map<Integer, List<String>> files = files(run(crit, "x", dir.toString(), "fds"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<CheckpointContents.Process>> procs = new ArrayList<>();
            for (JsonNode e : pstree.path("entries")) {
                int pid = e.path("pid").asInt();
                int ppid = e.path("ppid").asInt();
                int threads = e.path("threads").size();
                procs.add(CompletableFuture.supplyAsync(() -> {
                    long pages = pages(crit, dir.resolve("pagemap-" + pid + ".img"));
                    return new CheckpointContents.Process(pid, ppid, commands.getOrDefault(pid, "?"), threads, pages,
                            pages * PAGE, files.getOrDefault(pid, List.of()));
                }, pool));
            }
            return new CheckpointContents(container, name, procs.stream().map(CompletableFuture::join).toList(),
                    stats);
        }
    }

    private long pages(String crit, Path pagemap) {
        if (!Files.isRegularFile(pagemap)) {
            return 0;
        }
        long total = 0;
        for (JsonNode e : decode(crit, pagemap).path("entries")) {
            total += e.path("nr_pages").asLong(0);
        }
        return total;
    }

    private JsonNode decode(String crit, Path image) {
        String out = run(crit, "decode", "-i", image.toString());
        try {
            return Json.mapper().readTree(out);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "cannot decode " + image.getFileName() + ": "
                    + e.getMessage(), "the image is damaged, or crit does not match this CRIU");
        }
    }

    private String run(String... cmd) {
        ProcessResult r = runner.run(List.of(cmd), TIMEOUT);
        if (!r.ok()) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "crit failed on " + cmd[cmd.length - 1] + ": "
                    + r.lastMessage(), "check that the checkpoint's images are complete");
        }
        return r.stdout();
    }

    /** "    PID   PGID    SID   COMM" then one row per process (COMM indented by depth). */
    static Map<Integer, String> commands(String ps) {
        Map<Integer, String> result = new HashMap<>();
        for (String line : ps.split("\n")) {
            String[] f = line.strip().split("\\s+", 4);
            if (f.length == 4 && f[0].matches("\\d+")) {
                result.put(Integer.parseInt(f[0]), f[3].strip());
            }
        }
        return result;
    }

    /** A pid on a line of its own, then tab-indented "fd: target" lines. */
    static Map<Integer, List<String>> files(String fds) {
        Map<Integer, List<String>> result = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : fds.split("\n")) {
            if (line.matches("\\d+")) {
                current = new ArrayList<>();
                result.put(Integer.parseInt(line), current);
            } else if (current != null && !line.isBlank()) {
                current.add(line.strip());
            }
        }
        return result;
    }
}
