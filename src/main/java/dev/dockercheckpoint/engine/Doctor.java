package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Capabilities;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.DoctorReport.Item;
import dev.dockercheckpoint.core.Posix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;

/** Preflight: everything a checkpoint and a restore need, each with a fix when missing. */
final class Doctor {
    static final String DOCKER = "docker";
    static final String EXPERIMENTAL = "experimental";
    static final String RUNC = "runc";
    static final String CRIU = "criu";
    static final String CRIU_CHECK = "criu-check";
    static final String DIRTY = "mem-dirty-track";
    static final String KERNEL = "checkpoint-restore";
    static final String ROOT = "root";
    static final String SYS_RESOURCE = "cap-sys-resource";
    static final String ENGINE_RUNTIME = "engine-runtime";
    static final String ENGINE_RESTORE = "engine-restore";
    static final String CGROUP_LAYOUT = "cgroup-layout";

    private Doctor() {
    }

    static DoctorReport run(Docker docker, HostTools tools) {
        List<Item> items = new ArrayList<>();
        JsonNode info = null;
        if (docker == null) {
            items.add(new Item(DOCKER, "Docker engine reachable", false, "no answer on /var/run/docker.sock",
                    "start dockerd (sudo systemctl start docker) and check access to its socket"));
        } else {
            try {
                JsonNode v = docker.version();
                info = docker.info();
                items.add(new Item(DOCKER, "Docker engine reachable", true, "Docker " + v.path("Version").asText()
                        + " (API " + v.path("ApiVersion").asText() + ") at " + docker.host(), ""));
            } catch (RuntimeException e) {
                items.add(new Item(DOCKER, "Docker engine reachable", false, e.getMessage(),
                        "start dockerd and check access to its socket"));
            }
        }
        if (docker != null && info != null) {
            items.addAll(engineItems(docker, info, tools));
            items.add(cgroupLayout(info.path("CgroupVersion").asText(""), read(Path.of("/proc/self/mountinfo")),
                    nsenter(docker.host())));
        }
        boolean experimental = info != null && info.path("ExperimentalBuild").asBoolean(false);
        items.add(new Item(EXPERIMENTAL, "Docker experimental features", experimental,
                info == null ? "unknown (Docker not reachable)" : experimental ? "enabled" : "disabled",
                "set \"experimental\": true in /etc/docker/daemon.json and restart dockerd"
                        + " (restoring from a checkpoint is experimental in Docker)"));
        Optional<Path> runc = HostTools.which("runc");
        items.add(new Item(RUNC, "runc found", runc.isPresent(),
                runc.map(p -> p + " " + tools.runcVersion()).orElse("not on PATH"),
                "install runc (Debian: apt-get install runc)"));
        Optional<Path> criu = HostTools.which("criu");
        String criuVersion = criu.isPresent() ? tools.criuVersion() : "not found";
        boolean criuNew = criu.isPresent() && atLeast(criuVersion, 4, 2);
        items.add(new Item(CRIU, "CRIU 4.2 or newer", criuNew,
                criu.map(p -> p + " " + criuVersion).orElse("not on PATH"),
                criu.isPresent() ? "CRIU " + criuVersion + " is too old for this kernel: install 4.2.x (README)"
                        : "install CRIU 4.2.x (README: Prerequisites)"));
        if (criu.isPresent()) {
            ProcessResult check = tools.criuCheck();
            boolean good = check.ok() && (check.stdout() + check.stderr()).contains("Looks good");
            items.add(new Item(CRIU_CHECK, "criu check", good, good ? "Looks good." : check.lastMessage(),
                    "run criu check as root and fix what it reports"));
            boolean dirty = tools.memoryDirtyTracking();
            items.add(Item.warnUnless(dirty, DIRTY, "Memory dirty tracking (pre-dump)",
                    dirty ? "available" : "missing: the kernel lacks CONFIG_MEM_SOFT_DIRTY",
                    "pre-dump is unavailable; checkpoint without -pre-dump or use a kernel with"
                            + " CONFIG_MEM_SOFT_DIRTY=y"));
        } else {
            items.add(new Item(CRIU_CHECK, "criu check", false, "CRIU not found", "install CRIU 4.2.x"));
            items.add(Item.warnUnless(false, DIRTY, "Memory dirty tracking (pre-dump)", "unknown (CRIU not found)",
                    "install CRIU 4.2.x"));
        }
        String config = kernelConfig("CONFIG_CHECKPOINT_RESTORE");
        boolean cr = "y".equals(config) || (config == null && Files.exists(Path.of("/proc/sys/kernel/ns_last_pid")));
        items.add(new Item(KERNEL, "Kernel CONFIG_CHECKPOINT_RESTORE", cr,
                config != null ? "CONFIG_CHECKPOINT_RESTORE=" + config + " (" + HostTools.kernel() + ")"
                        : cr ? "present (/proc/sys/kernel/ns_last_pid exists; " + HostTools.kernel() + ")"
                        : "absent (" + HostTools.kernel() + ")",
                "use a kernel built with CONFIG_CHECKPOINT_RESTORE=y"));
        items.add(sysResource(readProcStatus()));
        boolean root = Posix.isRoot();
        items.add(new Item(ROOT, "Running as root", root, root ? "uid 0" : "uid " + Posix.currentUid(),
                "run with sudo, or use the helper (docker-checkpoint helper) that runs as root"));
        return new DoctorReport(items);
    }

    /**
     * What the engine really uses, read from the engine itself: the API version spoken, its
     * data-root, and from a running container's shim the runc binary, runc's state root and the
     * CRIU runc finds; plus the engine versions with known checkpoint traps.
     */
    static List<Item> engineItems(Docker docker, JsonNode info, HostTools tools) {
        List<Item> items = new ArrayList<>();
        String version = docker.serverVersion();
        Optional<ContainerRuntime> runtime = Optional.empty();
        try {
            for (var c : docker.client().listContainersCmd().exec()) {
                runtime = ContainerRuntime.locate(c.getId());
                if (runtime.isPresent()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // listed as unknown below
        }
        String facts = "API " + docker.apiVersion() + ", data-root " + info.path("DockerRootDir").asText("?");
        if (runtime.isEmpty()) {
            items.add(Item.warnUnless(true, ENGINE_RUNTIME, "The engine's runc, state root and CRIU",
                    facts + "; no running container to read the runtime from (found when one runs)", ""));
        } else {
            ContainerRuntime rt = runtime.get();
            String engineRunc = tools.versionOf(rt.runc());
            Optional<Path> pathRunc = HostTools.which("runc");
            boolean same = pathRunc.map(p -> p.toString().equals(rt.runc()) || tools.versionOf(p.toString())
                    .equals(engineRunc)).orElse(true);
            items.add(Item.warnUnless(same, ENGINE_RUNTIME, "The engine's runc, state root and CRIU", facts
                    + "; runc " + rt.runc() + " " + engineRunc + ", state root " + rt.runcRoot() + ", criu "
                    + (rt.criu() == null ? "not on the engine's PATH" : rt.criu()) + (same ? "" : "; the runc on PATH ("
                    + pathRunc.get() + " " + tools.versionOf(pathRunc.get().toString()) + ") differs"),
                    "docker-checkpoint uses the engine's runc; other tools that run runc from PATH may not match"
                            + " the engine's state"));
        }
        int major = NetnsHolder.major(version);
        if (version.startsWith("25.0.") && atMost(version, 25, 0, 3)) {
            items.add(Item.warnUnless(false, ENGINE_RESTORE, "Docker's restore", "Docker " + version + " cannot"
                    + " restore checkpoints (\"content digest ...: not found\", fixed by moby#47456 in 25.0.4)",
                    "upgrade Docker to 25.0.4 or newer"));
        } else if (major >= NetnsHolder.FIRST_BROKEN_MAJOR) {
            items.add(Item.warnUnless(true, ENGINE_RESTORE, "Docker's restore", "Docker " + version + "'s own"
                    + " restore fails for containers with a network namespace (moby#50750); docker-checkpoint"
                    + " restores them into the namespace of a holder container (<name>-netns)", ""));
        } else {
            items.add(Item.warnUnless(true, ENGINE_RESTORE, "Docker's restore", "Docker " + version
                    + ": restores through docker start --checkpoint", ""));
        }
        return items;
    }

    /** Whether {@code version} (x.y.z) is at most {@code major.minor.patch}. */
    static boolean atMost(String version, int major, int minor, int patch) {
        String[] p = version.split("[^0-9]+");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < p.length; i++) {
            try {
                v[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                v[i] = 0;
            }
        }
        return v[0] < major || (v[0] == major && (v[1] < minor || (v[1] == minor && v[2] <= patch)));
    }

    /**
     * CAP_SYS_RESOURCE in the bounding set of this process, which runc and CRIU inherit (and, run as
     * root, root's): without it CRIU cannot read the resource limits of a process of another uid or
     * gid, so only containers whose processes all run as uid 0 and gid 0 can be dumped. A warning,
     * not a failure: those containers still work.
     *
     * @param procStatus the text of /proc/self/status, or null when it cannot be read
     */
    static Item sysResource(String procStatus) {
        String title = "CAP_SYS_RESOURCE in root's bounding set";
        OptionalLong bounding = procStatus == null ? OptionalLong.empty() : Capabilities.boundingSet(procStatus);
        if (bounding.isEmpty()) {
            return Item.warnUnless(false, SYS_RESOURCE, title, "unknown (no CapBnd: line in /proc/self/status)",
                    "check as root with: grep CapBnd /proc/self/status (bit 24, 0x1000000, is CAP_SYS_RESOURCE)");
        }
        String mask = String.format(Locale.ROOT, "CapBnd %016x", bounding.getAsLong());
        if (Capabilities.has(bounding.getAsLong(), Capabilities.CAP_SYS_RESOURCE)) {
            return Item.warnUnless(true, SYS_RESOURCE, title, "present (" + mask + ")", "");
        }
        return Item.warnUnless(false, SYS_RESOURCE, title, "root lacks CAP_SYS_RESOURCE (" + mask + "): CRIU"
                + " cannot dump processes that do not run as uid 0/gid 0 (Can't get rlimit ... Operation not"
                + " permitted)", "run container processes as root or use a host whose root has CAP_SYS_RESOURCE");
    }

    private static String readProcStatus() {
        return read(Path.of("/proc/self/status"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether runc, run from here, sees the cgroups the engine made: runc takes the layout from
     * what is mounted at /sys/fs/cgroup in its mount namespace (a cgroup2 mount: cgroup v2;
     * otherwise the v1 hierarchies below it, even when a host also mounts cgroup2 at
     * /sys/fs/cgroup/unified). An engine started in a mount namespace of its own can see another
     * layout than this process (scripts/setup-cgroup2-engine does that on purpose); runc then
     * cannot find the container's cgroup and the freeze before a dump fails with
     * {@code cgroups not configured for container}.
     *
     * @param engineVersion the engine's {@code CgroupVersion} ("1" or "2"; empty when not reported)
     * @param mountinfo the text of /proc/self/mountinfo, or null when it cannot be read
     * @param nsenter the command prefix that enters the engine's mount namespace
     */
    static Item cgroupLayout(String engineVersion, String mountinfo, String nsenter) {
        String title = "runc sees the engine's cgroups";
        if (mountinfo == null) {
            return Item.warnUnless(false, CGROUP_LAYOUT, title, "unknown (cannot read /proc/self/mountinfo)",
                    "check that /sys/fs/cgroup here is what the engine uses: stat -f -c %T /sys/fs/cgroup");
        }
        CgroupMount local = cgroupMount(mountinfo);
        String here = "/sys/fs/cgroup in this mount namespace holds " + local.description();
        if (!"1".equals(engineVersion) && !"2".equals(engineVersion)) {
            return Item.warnUnless(true, CGROUP_LAYOUT, title, "the engine does not report its cgroup version; "
                    + here, "");
        }
        if (engineVersion.equals(local.version())) {
            return new Item(CGROUP_LAYOUT, title, true, "the engine uses cgroup v" + engineVersion + "; " + here, "");
        }
        return new Item(CGROUP_LAYOUT, title, false, "the engine uses cgroup v" + engineVersion + " but " + here
                + ": runc cannot see the engine's cgroups from this mount namespace (this process and the engine"
                + " are in different ones), so a checkpoint fails at the freeze (cgroups not configured for"
                + " container)", "run docker-checkpoint in the engine's mount namespace: " + nsenter
                + " docker-checkpoint ...");
    }

    /** What is mounted at /sys/fs/cgroup: its cgroup version as runc takes it ("" for none) and a description. */
    record CgroupMount(String version, String description) {
    }

    static CgroupMount cgroupMount(String mountinfo) {
        String top = null;
        List<String> v1 = new ArrayList<>();
        String unified = null;
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 1) {
                continue;
            }
            String point = left[4].replace("\\040", " ");
            String type = right[0];
            if (point.equals("/sys/fs/cgroup") || point.equals("/sys/fs") || point.equals("/sys")) {
                // a later mount hides what an earlier one at or above /sys/fs/cgroup showed
                top = point.equals("/sys/fs/cgroup") ? type : null;
                v1.clear();
                unified = null;
            } else if (point.startsWith("/sys/fs/cgroup/")) {
                if (type.equals("cgroup")) {
                    v1.add(point.substring("/sys/fs/cgroup/".length()));
                } else if (type.equals("cgroup2")) {
                    unified = point;
                }
            }
        }
        if ("cgroup2".equals(top)) {
            return new CgroupMount("2", "the cgroup2 hierarchy (cgroup v2)");
        }
        if (!v1.isEmpty() || "cgroup".equals(top)) {
            return new CgroupMount("1", "cgroup v1 hierarchies (" + (v1.isEmpty() ? "one" : String.join(", ", v1))
                    + ")" + (unified == null ? "" : ", with the cgroup2 hierarchy at " + unified + " (hybrid)"));
        }
        return new CgroupMount("", top == null ? "no cgroup filesystem" : "no cgroup filesystem (" + top + ")");
    }

    /**
     * The command prefix that enters the mount namespace of the engine at {@code host}: nsenter with
     * its dockerd's pid when found in /proc, else with a placeholder.
     */
    static String nsenter(String host) {
        OptionalLong pid = dockerdPid(Path.of("/proc"), host);
        return "nsenter --mount=/proc/" + (pid.isPresent() ? Long.toString(pid.getAsLong()) : "<dockerd pid>")
                + "/ns/mnt --";
    }

    /**
     * The dockerd serving {@code host} (unix://PATH), from the processes in {@code proc}: the one
     * listening there by -H/--host, or for the default socket one started without -H (or with
     * systemd's fd://). Empty when none or several match.
     */
    static OptionalLong dockerdPid(Path proc, String host) {
        String socket = socketPath(host);
        boolean standard = socket.equals("/run/docker.sock");
        List<Long> exact = new ArrayList<>();
        List<Long> defaults = new ArrayList<>();
        try (var dirs = Files.list(proc)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String comm = read(dir.resolve("comm"));
                if (comm == null || !comm.strip().equals("dockerd")) {
                    continue;
                }
                List<String> hosts = hosts(dir.resolve("cmdline"));
                if (hosts == null) {
                    continue;
                }
                if (hosts.stream().anyMatch(h -> h.startsWith("unix://") && socketPath(h).equals(socket))) {
                    exact.add(Long.parseLong(name));
                } else if (standard && hosts.stream().allMatch(h -> h.startsWith("fd://"))) {
                    defaults.add(Long.parseLong(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        List<Long> found = exact.isEmpty() ? defaults : exact;
        return found.size() == 1 ? OptionalLong.of(found.getFirst()) : OptionalLong.empty();
    }

    /** The socket of a unix:// host, with /var/run as /run. */
    private static String socketPath(String host) {
        String p = host == null ? "" : host.startsWith("unix://") ? host.substring("unix://".length()) : host;
        return p.startsWith("/var/run/") ? p.substring("/var".length()) : p;
    }

    /** The -H/--host values of a dockerd command line (NUL separated), or null when unreadable. */
    private static List<String> hosts(Path cmdline) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(cmdline);
        } catch (IOException e) {
            return null;
        }
        String[] args = new String(bytes, StandardCharsets.UTF_8).split("\0");
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-H") || a.equals("--host")) && i + 1 < args.length) {
                hosts.add(args[++i]);
            } else if (a.startsWith("--host=") || a.startsWith("-H=")) {
                hosts.add(a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("-H") && a.length() > 2) {
                hosts.add(a.substring(2));
            }
        }
        return hosts;
    }

    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Value of a kernel config option from /proc/config.gz or /boot/config-*, or null if unknown. */
    static String kernelConfig(String option) {
        String text = null;
        Path gz = Path.of("/proc/config.gz");
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    in.transferTo(out);
                    text = out.toString(StandardCharsets.UTF_8);
                }
            } else {
                Path boot = Path.of("/boot/config-" + HostTools.kernel());
                if (Files.isReadable(boot)) {
                    text = Files.readString(boot);
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(option + "=")) {
                return line.substring(option.length() + 1).strip();
            }
            if (line.equals("# " + option + " is not set")) {
                return "n";
            }
        }
        return null;
    }

}
