package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Optional;
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
        boolean root = Posix.isRoot();
        items.add(new Item(ROOT, "Running as root", root, root ? "uid 0" : "uid " + Posix.currentUid(),
                "run with sudo, or use the helper (docker-checkpoint helper) that runs as root"));
        return new DoctorReport(items);
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
