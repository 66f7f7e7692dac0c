package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the engine's runtime really keeps a running container, read from the container's
 * containerd shim rather than guessed: the shim's working directory is the container's bundle,
 * whose {@code options.json} names the runc binary and runc's state root the engine configured,
 * and whose {@code work} link leads to the directory where CRIU leaves restore.log and
 * stats-restore. The same layout holds for containerd 1.6, 1.7 and 2.x with the runc v2 shim.
 *
 * @param runc the runc binary the shim runs (absolute)
 * @param runcRoot runc's state root for the container's namespace (holds {@code <id>/state.json})
 * @param bundle the container's bundle directory
 * @param workDir the shim's work directory (CRIU's restore.log and stats-restore), or null
 * @param criu the criu binary runc finds on the shim's PATH, or null when none
 * @param shimPath the PATH the shim (and so runc and CRIU) runs with
 */
record ContainerRuntime(String runc, String runcRoot, Path bundle, Path workDir, String criu, String shimPath) {

    /** The runtime of running container {@code id}, from its shim; empty when no shim is found. */
    static Optional<ContainerRuntime> locate(String id) {
        return locate(Path.of("/proc"), id);
    }

    static Optional<ContainerRuntime> locate(Path proc, String id) {
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path p : (Iterable<Path>) pids.filter(ContainerRuntime::isPid)::iterator) {
                List<String> args = args(p.resolve("cmdline"));
                if (args.isEmpty() || !args.getFirst().contains("containerd-shim") || !shimOf(args, id)) {
                    continue;
                }
                Optional<ContainerRuntime> r = fromShim(p, args);
                if (r.isPresent()) {
                    return r;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** A shim serves a container when its {@code -id} is that container (one shim per container here). */
    private static boolean shimOf(List<String> args, String id) {
        String shimId = option(args, "-id");
        return id.equals(shimId);
    }

    private static Optional<ContainerRuntime> fromShim(Path pidDir, List<String> args) throws IOException {
        Path bundle = pidDir.resolve("cwd").toRealPath();
        Path options = bundle.resolve("options.json");
        String namespace = option(args, "-namespace");
        String path = environment(pidDir.resolve("environ"), "PATH");
        String binary = "runc";
        String root = null;
        if (Files.isRegularFile(options, LinkOption.NOFOLLOW_LINKS)) {
            JsonNode o = Json.mapper().readTree(Files.readAllBytes(options));
            binary = text(o, "binary_name", "BinaryName", "runc");
            root = text(o, "root", "Root", null);
        }
        if (root == null || root.isEmpty()) {
            root = "/run/containerd/runc"; // the runc shim's default
        }
        String runcRoot = Path.of(root, namespace == null ? "default" : namespace).toString();
        String runc = binary.startsWith("/") ? binary : onPath(binary, path);
        if (runc == null) {
            return Optional.empty();
        }
        Path work = bundle.resolve("work");
        Path workDir = Files.isDirectory(work) ? work.toRealPath() : null;
        return Optional.of(new ContainerRuntime(runc, runcRoot, bundle, workDir, onPath("criu", path), path));
    }

    private static String text(JsonNode o, String a, String b, String fallback) {
        JsonNode n = o.has(a) ? o.get(a) : o.get(b);
        return n == null || n.asText().isEmpty() ? fallback : n.asText();
    }

    /** The value after {@code name} (or in {@code name=value}) in an argument list. */
    static String option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals(name) || a.equals("-" + name)) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The first executable {@code name} on {@code path} (a PATH value), or null. */
    static String onPath(String name, String path) {
        if (path == null) {
            return HostTools.which(name).map(Path::toString).orElse(null);
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static boolean isPid(Path p) {
        String n = p.getFileName().toString();
        return !n.isEmpty() && n.chars().allMatch(Character::isDigit);
    }

    private static List<String> args(Path cmdline) {
        try {
            return split(Files.readAllBytes(cmdline));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String environment(Path environ, String name) {
        try {
            for (String kv : split(Files.readAllBytes(environ))) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        } catch (IOException e) {
            // not readable: the caller falls back to this process's PATH
        }
        return null;
    }

    private static List<String> split(byte[] nulSeparated) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < nulSeparated.length; i++) {
            if (nulSeparated[i] == 0) {
                out.add(new String(nulSeparated, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < nulSeparated.length) {
            out.add(new String(nulSeparated, start, nulSeparated.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }
}
