package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespace of a container restored on Docker 28 and newer. There Docker's own
 * restore of a container with its own network namespace fails (moby#50750, containerd#12141:
 * Docker binds the namespace of the task's process, which a restore has not created yet). A
 * container that shares another container's namespace ({@code container:<holder>}) takes the path
 * Docker 20.10 took: the namespace exists before the start, runc hands it to CRIU, and CRIU
 * restores the checkpoint's external network namespace into it. The holder is a tiny container
 * of its own ({@code <name>-netns}, the original's network mode, hostname, DNS and extra hosts,
 * which Docker only accepts on the namespace's owner) running a 129-byte static program
 * that only waits; it is removed with the restored container.
 */
final class NetnsHolder {
    private static final Logger LOG = LoggerFactory.getLogger(NetnsHolder.class);
    static final String IMAGE_REPO = "docker-checkpoint/netns-holder";
    static final String IMAGE_TAG = "1";
    static final String IMAGE = IMAGE_REPO + ":" + IMAGE_TAG;
    /** Label on the holder naming the container it holds the namespace for. */
    static final String LABEL = "dev.dockercheckpoint.netns-holder-for";
    /** The first engine whose own restore of a container with its own network namespace fails. */
    static final int FIRST_BROKEN_MAJOR = 28;
    /** HostConfig settings Docker refuses next to {@code container:} network mode. */
    static final List<String> MOVED_HOST_CONFIG = List.of("ExtraHosts", "Dns", "DnsSearch", "DnsOptions",
            "PortBindings", "PublishAllPorts");
    /** Config settings of the same kind. */
    static final List<String> MOVED_CONFIG = List.of("Hostname", "Domainname", "ExposedPorts", "MacAddress");
    /** Of those, what the holder carries (it owns /etc/hosts, /etc/resolv.conf and /etc/hostname). */
    static final List<String> HOLDER_HOST_CONFIG = List.of("ExtraHosts", "Dns", "DnsSearch", "DnsOptions");
    static final List<String> HOLDER_CONFIG = List.of("Hostname", "Domainname");

    private NetnsHolder() {
    }

    /** Suffix of the holder's name. */
    static String nameFor(String container) {
        return container + "-netns";
    }

    /**
     * Whether a restore of a container like {@code spec} needs a holder on an engine of version
     * {@code engineVersion}: Docker 28 and newer, for containers with a network namespace of
     * their own (not {@code host}, not {@code container:}).
     */
    static boolean needed(String engineVersion, ContainerSpec spec) {
        return ownNamespace(spec) && major(engineVersion) >= FIRST_BROKEN_MAJOR;
    }

    /** Whether the container has a network namespace of its own (not host, not another container's). */
    static boolean ownNamespace(ContainerSpec spec) {
        String mode = spec.networkMode() == null ? "" : spec.networkMode();
        return !mode.equals("host") && !mode.startsWith("container:");
    }

    /**
     * Whether a restore of {@code checkpointDir} needs a holder: on Docker 28+, and on older
     * engines for a checkpoint made on Docker 28+ of a container with network mode none (its
     * images expect the namespace from outside, which those engines give only to containers of
     * another network mode).
     */
    static boolean needed(String engineVersion, ContainerSpec spec, java.nio.file.Path checkpointDir) {
        if (needed(engineVersion, spec)) {
            return true;
        }
        return ownNamespace(spec) && "none".equals(spec.networkMode())
                && NetworkNamespace.externalInImages(checkpointDir);
    }

    static int major(String version) {
        if (version == null) {
            return 0;
        }
        String digits = version.split("[.+~-]", 2)[0];
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The body of the holder's create request, with the settings of {@code saved} it must carry. */
    static ObjectNode holderBody(ObjectNode savedConfig, ObjectNode savedHostConfig, String restoredName) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("Image", IMAGE);
        body.putArray("Cmd").add("/pause");
        body.putObject("Labels").put(LABEL, restoredName);
        ObjectNode host = body.putObject("HostConfig");
        // the holder owns the namespace, so it takes the original's network (none, or a network
        // whose new address the restored processes then see, as with Docker's own restore)
        String mode = savedHostConfig == null ? "" : savedHostConfig.path("NetworkMode").asText("");
        host.put("NetworkMode", mode.isEmpty() || mode.equals("default") ? "none" : mode);
        host.putObject("RestartPolicy").put("Name", "unless-stopped");
        for (String f : HOLDER_CONFIG) {
            if (savedConfig != null && savedConfig.hasNonNull(f)) {
                body.set(f, savedConfig.get(f));
            }
        }
        for (String f : HOLDER_HOST_CONFIG) {
            if (savedHostConfig != null && savedHostConfig.hasNonNull(f)) {
                host.set(f, savedHostConfig.get(f));
            }
        }
        return body;
    }

    /**
     * The inspect document of a container as its checkpoint must describe it: a container
     * restored into a holder's namespace gets back the network settings the holder carries for
     * it (network mode, hostname, DNS, extra hosts), and loses the annotation of its own restore,
     * so that its checkpoint restores like the original's. Other containers are returned as they are.
     */
    static JsonNode asOriginal(Docker docker, JsonNode inspect) {
        String mode = inspect.path("HostConfig").path("NetworkMode").asText("");
        if (!mode.startsWith("container:") || !(inspect instanceof ObjectNode)) {
            return inspect;
        }
        JsonNode holder = docker.inspectContainer(mode.substring("container:".length()));
        if (holder == null || holder.path("Config").path("Labels").path(LABEL).isMissingNode()) {
            return inspect;
        }
        ObjectNode copy = ((ObjectNode) inspect).deepCopy();
        ObjectNode host = (ObjectNode) copy.get("HostConfig");
        host.set("NetworkMode", holder.path("HostConfig").path("NetworkMode"));
        for (String f : HOLDER_HOST_CONFIG) {
            host.set(f, holder.path("HostConfig").get(f));
        }
        if (host.path("Annotations") instanceof ObjectNode a) {
            a.remove(CriuRestoreConfig.ANNOTATION);
            if (a.isEmpty()) {
                host.putNull("Annotations");
            }
        }
        ObjectNode config = (ObjectNode) copy.get("Config");
        for (String f : HOLDER_CONFIG) {
            config.set(f, holder.path("Config").get(f));
        }
        return copy;
    }

    /** The restored container's create body joined to the holder's namespace. */
    static void join(ObjectNode body, String holderId) {
        MOVED_CONFIG.forEach(body::remove);
        body.remove("NetworkingConfig");
        JsonNode hostNode = body.get("HostConfig");
        ObjectNode host = hostNode instanceof ObjectNode h ? h : body.putObject("HostConfig");
        MOVED_HOST_CONFIG.forEach(host::remove);
        host.put("NetworkMode", "container:" + holderId);
        if (host.path("Links") instanceof ArrayNode links && links.isEmpty()) {
            host.remove("Links");
        }
    }

    /** Creates and starts the holder for {@code restoredName}; returns its id. */
    static String start(Docker docker, ObjectNode savedConfig, ObjectNode savedHostConfig, ContainerSpec spec,
            String restoredName) {
        ensureImage(docker);
        ObjectNode config = savedConfig;
        ObjectNode host = savedHostConfig;
        if (config == null) {
            config = Json.mapper().createObjectNode();
            if (spec.hostname() != null) {
                config.put("Hostname", spec.hostname());
            }
            if (spec.domainname() != null) {
                config.put("Domainname", spec.domainname());
            }
        }
        String name = nameFor(restoredName);
        LOG.info("docker create --name {} --network none {} (network namespace for {})", name, IMAGE, restoredName);
        JsonNode answer;
        try {
            answer = docker.postJson("/containers/create?name=" + Docker.encode(name), holderBody(config, host,
                    restoredName));
        } catch (Docker.DockerApiException e) {
            if (e.status() == 409) {
                throw new DcpException(ErrorCode.NAME_IN_USE, "a container named " + name + " already exists (it would"
                        + " hold the network namespace of " + restoredName + ")", "remove it (docker rm -f " + name
                                + ") or choose another -new-name");
            }
            throw new DcpException(ErrorCode.DOCKER_ERROR, "cannot create " + name + ": " + e.daemonMessage(),
                    "see the Docker daemon's log", e);
        }
        String id = answer.path("Id").asText();
        try {
            docker.postJson("/containers/" + Docker.encode(id) + "/start", Json.mapper().createObjectNode());
        } catch (RuntimeException e) {
            docker.removeContainer(id);
            throw new DcpException(ErrorCode.DOCKER_ERROR, "cannot start " + name + ": " + e.getMessage(),
                    "see the Docker daemon's log", e);
        }
        return id;
    }

    private static synchronized void ensureImage(Docker docker) {
        if (docker.getJson("/images/" + Docker.encode(IMAGE) + "/json") != null) {
            return;
        }
        LOG.info("docker import {} (a static program that only waits)", IMAGE);
        docker.importImage(IMAGE_REPO, IMAGE_TAG, rootfsTar());
    }

    /** A root filesystem with one file, /pause. */
    static byte[] rootfsTar() {
        byte[] program = pauseProgram();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry e = new TarArchiveEntry("pause");
            e.setMode(0755);
            e.setSize(program.length);
            out.putArchiveEntry(e);
            out.write(program);
            out.closeArchiveEntry();
            out.finish();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A static x86-64 Linux program that calls pause(2) forever: an ELF header, one loadable
     * segment and nine bytes of code ({@code mov eax, 34; syscall; jmp back}).
     */
    static byte[] pauseProgram() {
        byte[] code = {(byte) 0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, (byte) 0xeb, (byte) 0xf7};
        long base = 0x400000;
        int size = 64 + 56 + code.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1).putLong(base + 120).putLong(64).putLong(0).putInt(0);
        b.putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        b.putInt(1).putInt(5).putLong(0).putLong(base).putLong(base).putLong(size).putLong(size).putLong(0x1000);
        b.put(code);
        return b.array();
    }
}
