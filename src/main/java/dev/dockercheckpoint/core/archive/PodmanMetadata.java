package dev.dockercheckpoint.core.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Podman's two metadata files, written from our {@code container.json} at export and read into
 * one at the import of an archive Podman made.
 *
 * <p>{@code spec.dump} is an OCI runtime spec: the process (arguments, environment, working
 * directory, user, terminal), hostname, mounts, namespaces and annotations. {@code config.dump} is
 * the part of Podman's container configuration that checkpointctl reads (id, name, image,
 * runtime, times), plus the spec. checkpointctl names the engine after the annotation
 * {@code io.container.manager}, and knows only Podman ({@code libpod}), CRI-O and containerd: the
 * archive says {@code libpod}, whose layout it follows, so that checkpointctl shows the
 * container's name and times; {@code dev.dockercheckpoint.engine} says it came from Docker.
 */
final class PodmanMetadata {
    static final String MANAGER_ANNOTATION = "io.container.manager";
    static final String ENGINE_ANNOTATION = "dev.dockercheckpoint.engine";
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final List<String[]> STANDARD_MOUNTS = List.of(
            new String[] {"/proc", "proc", "proc"}, new String[] {"/dev", "tmpfs", "tmpfs"},
            new String[] {"/dev/pts", "devpts", "devpts"}, new String[] {"/sys", "sysfs", "sysfs"},
            new String[] {"/dev/mqueue", "mqueue", "mqueue"}, new String[] {"/dev/shm", "tmpfs", "shm"});

    private PodmanMetadata() {
    }

    /**
     * {@code spec.dump} for a checkpoint of ours: the runtime spec runc ran the container with
     * ({@code runtimeSpec}, kept by the checkpoint), which Podman restores from; for a checkpoint
     * without one (made by an older version), a spec made from container.json, enough for
     * checkpointctl but not for Podman's restore.
     */
    static byte[] specDump(Manifest m, byte[] runtimeSpec) throws IOException {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(spec(m, runtimeSpec));
    }

    private static ObjectNode spec(Manifest m, byte[] runtimeSpec) throws IOException {
        if (runtimeSpec == null) {
            return spec(m);
        }
        JsonNode tree = Json.mapper().readTree(runtimeSpec);
        if (tree == null || !tree.isObject()) {
            return spec(m);
        }
        ObjectNode spec = (ObjectNode) tree;
        // Docker's hooks call back into the daemon that ran the container (libnetwork-setkey)
        spec.remove("hooks");
        JsonNode existing = spec.path("annotations");
        ObjectNode annotations = existing.isObject() ? (ObjectNode) existing : spec.putObject("annotations");
        annotations.put(MANAGER_ANNOTATION, "libpod");
        annotations.put(ENGINE_ANNOTATION, "docker");
        return spec;
    }

    /** Where an export names the stored checkpoint it came from, in config.dump (Podman ignores it). */
    static final String ORIGIN_FIELD = "dockerCheckpoint";

    /**
     * {@code config.dump} for the checkpoint {@code container}/{@code checkpoint} of ours; the names
     * are recorded so that an import puts it under the same names by default.
     */
    static byte[] configDump(Manifest m, byte[] runtimeSpec, String container, String checkpoint)
            throws IOException {
        ContainerSpec s = m.spec();
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("id", m.containerId() == null ? "" : m.containerId());
        c.put("name", m.containerName() == null ? "" : m.containerName());
        if (s.imageId() != null) {
            c.put("rootfsImageID", s.imageId().replaceFirst("^sha256:", ""));
        }
        if (s.image() != null) {
            c.put("rootfsImageName", s.image());
        }
        c.put("runtime", "runc");
        c.put("createdTime", ZERO_TIME);
        c.put("checkpointedTime", m.createdAt() == null ? ZERO_TIME : m.createdAt().toString());
        c.put("restoredTime", ZERO_TIME);
        c.put("restored", false);
        // Docker mounts /etc/resolv.conf even without a network: the namespace is set up after it
        c.put("postConfigureNetNS", true);
        c.set("spec", spec(m, runtimeSpec));
        ObjectNode origin = c.putObject(ORIGIN_FIELD);
        origin.put("container", container);
        origin.put("checkpoint", checkpoint);
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(c);
    }

    /** {@code network.status}: the container's networks as Podman records them (none here). */
    static byte[] networkStatus() {
        return "{}\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static ObjectNode spec(Manifest m) {
        ContainerSpec s = m.spec();
        ObjectNode spec = Json.mapper().createObjectNode();
        spec.put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process");
        process.put("terminal", s.tty());
        ObjectNode user = process.putObject("user");
        long[] ids = ids(s.user());
        user.put("uid", ids[0]);
        user.put("gid", ids[1]);
        ArrayNode args = process.putArray("args");
        s.entrypoint().forEach(args::add);
        s.cmd().forEach(args::add);
        ArrayNode env = process.putArray("env");
        s.env().forEach(env::add);
        process.put("cwd", s.workingDir() == null || s.workingDir().isEmpty() ? "/" : s.workingDir());
        ObjectNode root = spec.putObject("root");
        root.put("path", "rootfs");
        root.put("readonly", s.readonlyRootfs());
        if (s.hostname() != null) {
            spec.put("hostname", s.hostname());
        }
        ArrayNode mounts = spec.putArray("mounts");
        for (String[] std : STANDARD_MOUNTS) {
            ObjectNode mount = mounts.addObject();
            mount.put("destination", std[0]);
            mount.put("type", std[1]);
            mount.put("source", std[2]);
        }
        for (ContainerSpec.MountSpec ms : s.mounts()) {
            ObjectNode mount = mounts.addObject();
            mount.put("destination", ms.destination());
            mount.put("type", "tmpfs".equals(ms.type()) ? "tmpfs" : "bind");
            mount.put("source", ms.source() == null ? "" : ms.source());
            ArrayNode options = mount.putArray("options");
            options.add("volume".equals(ms.type()) ? "rbind" : "bind".equals(ms.type()) ? "rbind" : "nosuid");
            options.add(ms.readOnly() ? "ro" : "rw");
        }
        ObjectNode annotations = spec.putObject("annotations");
        annotations.put(MANAGER_ANNOTATION, "libpod");
        annotations.put(ENGINE_ANNOTATION, "docker");
        s.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> annotations.put(e.getKey(), e.getValue()));
        ObjectNode linux = spec.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", ns);
        }
        return spec;
    }

    /** uid and gid of Docker's {@code user} setting when numeric ("1000", "1000:1000"); 0 otherwise. */
    private static long[] ids(String user) {
        long[] ids = {0, 0};
        if (user == null || user.isEmpty()) {
            return ids;
        }
        String[] parts = user.split(":", 2);
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                ids[i] = 0;
            }
        }
        if (parts.length == 1) {
            ids[1] = ids[0];
        }
        return ids;
    }

    /** Podman's named volumes ({@code namedVolumes}: volumeName, dest, options) as volume mounts. */
    static List<ContainerSpec.MountSpec> namedVolumes(JsonNode config) {
        List<ContainerSpec.MountSpec> mounts = new java.util.ArrayList<>();
        for (JsonNode v : config.path("namedVolumes")) {
            String name = text(v, "volumeName");
            String dest = text(v, "dest");
            if (name != null && dest != null && dev.dockercheckpoint.core.Names.problem(name) == null
                    && dest.startsWith("/")) {
                mounts.add(new ContainerSpec.MountSpec("volume", name, dest, strings(v.path("options")).contains("ro"),
                        null));
            }
        }
        return List.copyOf(mounts);
    }

    /**
     * Our {@code container.json} for an archive Podman made: the container is recreated in Docker
     * from the image Podman names, the process's arguments, environment, working directory, user,
     * terminal and hostname, with no network (the settings Docker has and Podman's spec holds).
     */
    static Manifest toManifest(byte[] configDump, byte[] specDump, String checkpointName) {
        JsonNode config;
        JsonNode spec;
        try {
            config = Json.mapper().readTree(configDump);
            spec = Json.mapper().readTree(specDump);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the archive's config.dump or spec.dump is not JSON: "
                    + e.getMessage(), "the archive is damaged; export it again");
        }
        if (config == null || !config.isObject() || spec == null || !spec.isObject()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the archive's config.dump or spec.dump is not a JSON"
                    + " object", "the archive is damaged; export it again");
        }
        String image = text(config, "rootfsImageName");
        if (image == null) {
            image = text(config, "rootfsImageID");
        }
        if (image == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the archive's config.dump names no image"
                    + " (rootfsImageName)", "export the checkpoint again with Podman");
        }
        JsonNode process = spec.path("process");
        List<String> args = strings(process.path("args"));
        List<String> entrypoint = args.isEmpty() ? List.of() : List.of(args.get(0));
        List<String> cmd = args.size() <= 1 ? List.of() : args.subList(1, args.size());
        JsonNode user = process.path("user");
        String userSpec = user.has("uid") ? user.path("uid").asLong() + ":" + user.path("gid").asLong() : null;
        ContainerSpec s = new ContainerSpec(image, text(config, "rootfsImageID"), cmd, entrypoint,
                strings(process.path("env")), text(process, "cwd"), userSpec, text(spec, "hostname"), null,
                Map.of(), process.path("terminal").asBoolean(false), false, false, "none",
                bindAt(spec, "/dev/shm") ? SHAREABLE_IPC : null, null, null,
                new ContainerSpec.RestartPolicySpec("no", 0), namedVolumes(config), List.of(), List.of(), List.of(),
                false,
                spec.path("root").path("readonly").asBoolean(false), null, null, null, null, null, Map.of(), null,
                List.of());
        Instant at = time(text(config, "checkpointedTime"));
        String name = text(config, "name");
        return new Manifest(Manifest.FORMAT_VERSION, checkpointName, name, text(config, "id"), at, s,
                CheckpointOptions.defaults(), Map.of(), null, null, null);
    }

    /**
     * Docker's IPC mode that gives a container's {@code /dev/shm} as a bind mount (of a tmpfs of
     * Docker's), as Podman's is: CRIU recorded Podman's as an external bind mount and restores it
     * only onto one.
     */
    static final String SHAREABLE_IPC = "shareable";

    private static boolean bindAt(JsonNode spec, String destination) {
        for (JsonNode m : spec.path("mounts")) {
            if (destination.equals(m.path("destination").asText()) && "bind".equals(m.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The container name in a config.dump, or null. */
    static String containerName(byte[] configDump) {
        JsonNode config = tree(configDump);
        return config == null ? null : text(config, "name");
    }

    /** The container and checkpoint names an export of ours recorded in config.dump (nulls when absent). */
    static String[] exportedNames(byte[] configDump) {
        JsonNode config = tree(configDump);
        JsonNode origin = config == null ? null : config.get(ORIGIN_FIELD);
        if (origin == null || !origin.isObject()) {
            return new String[] {null, null};
        }
        return new String[] {text(origin, "container"), text(origin, "checkpoint")};
    }

    private static JsonNode tree(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant time(String value) {
        if (value == null || value.startsWith("0001-")) {
            return Instant.now();
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
