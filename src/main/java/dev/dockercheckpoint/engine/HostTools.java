package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds runc and CRIU on the host, their versions and what CRIU can do on this kernel. */
public final class HostTools {
    /** Where runc keeps container state for Docker's containerd, newest layouts last. */
    static final List<String> RUNC_ROOTS = List.of("/run/docker/runtime-runc/moby", "/run/containerd/runc/moby",
            "/run/runc");
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?)");

    private final ProcessRunner runner;
    private final ConcurrentHashMap<String, Object> cache = new ConcurrentHashMap<>();

    public HostTools(ProcessRunner runner) {
        this.runner = runner;
    }

    public ProcessRunner runner() {
        return runner;
    }

    /** Absolute path of an executable on PATH (plus the sbin directories), if any. */
    public static Optional<Path> which(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The runc binary; fails with a hint when absent. */
    public String runc() {
        return which("runc").map(Path::toString).orElseThrow(() -> new DcpException(ErrorCode.TOOL_MISSING,
                "runc not found", "install runc (Debian: apt-get install runc); Docker uses it as its runtime"));
    }

    /** The criu binary; fails with a hint when absent. */
    public String criu() {
        return which("criu").map(Path::toString).orElseThrow(() -> new DcpException(ErrorCode.TOOL_MISSING,
                "criu not found", "install CRIU 4.2 or newer (see README: Prerequisites)"));
    }

    /**
     * The runc binary and state root the engine uses for running container {@code id}, read from
     * its containerd shim; when no shim can be read, runc on PATH and a known state root.
     */
    ContainerRuntime runtime(String id) {
        Optional<ContainerRuntime> located = ContainerRuntime.locate(id);
        if (located.isPresent() && Files.isRegularFile(Path.of(located.get().runcRoot(), id, "state.json"))) {
            return located.get();
        }
        return new ContainerRuntime(runc(), runcRoot(id), null, null, which("criu").map(Path::toString).orElse(null),
                null);
    }

    /** The runc binary the engine runs container {@code id} with (its shim's), or runc on PATH. */
    public String runcFor(String id) {
        return runtime(id).runc();
    }

    /** runc's state root holding container {@code id}, from its shim or else a known location. */
    public String runcRoot(String id) {
        Optional<ContainerRuntime> located = ContainerRuntime.locate(id);
        if (located.isPresent() && Files.isRegularFile(Path.of(located.get().runcRoot(), id, "state.json"))) {
            return located.get().runcRoot();
        }
        for (String root : RUNC_ROOTS) {
            if (Files.isRegularFile(Path.of(root, id, "state.json"))) {
                return root;
            }
        }
        throw new DcpException(ErrorCode.TOOL_MISSING, "runc has no state for container " + id.substring(0, 12)
                + " under " + String.join(", ", RUNC_ROOTS),
                "this Docker engine does not run containers through runc at a known state root");
    }

    /** "1.1.5" style version of runc, or "unknown". */
    public String runcVersion() {
        return (String) cache.computeIfAbsent("runcVersion", k -> which("runc")
                .map(p -> firstVersion(runner.run(List.of(p.toString(), "--version"), SHORT).stdout()))
                .orElse("not found"));
    }

    /** "1.3.6" style version of a binary ({@code --version}), cached per path. */
    public String versionOf(String binary) {
        return (String) cache.computeIfAbsent("version:" + binary, k -> {
            try {
                return firstVersion(runner.run(List.of(binary, "--version"), SHORT).stdout());
            } catch (RuntimeException e) {
                return "unknown";
            }
        });
    }

    /** "4.2.1" style version of CRIU, or "not found". */
    public String criuVersion() {
        return (String) cache.computeIfAbsent("criuVersion", k -> which("criu")
                .map(p -> firstVersion(runner.run(List.of(p.toString(), "--version"), SHORT).stdout()))
                .orElse("not found"));
    }

    /** Output of {@code criu check}: ok when it prints "Looks good". */
    public ProcessResult criuCheck() {
        return runner.run(List.of(criu(), "check"), SHORT);
    }

    /** Whether the kernel tracks dirty memory pages, which pre-dump needs. Cached. */
    public boolean memoryDirtyTracking() {
        return (Boolean) cache.computeIfAbsent("memDirty", k -> which("criu").map(p -> runner
                .run(List.of(p.toString(), "check", "--feature", "mem_dirty_track"), SHORT).ok()).orElse(false));
    }

    /** The running kernel's release. */
    public static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    static String firstVersion(String text) {
        Matcher m = VERSION.matcher(text);
        return m.find() ? m.group(1) : "unknown";
    }
}
