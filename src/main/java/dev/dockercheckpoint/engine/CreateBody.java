package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockercheckpoint.core.ContainerSpec.DockerConfig;
import dev.dockercheckpoint.core.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request that recreates a container from Docker's complete saved configuration: the body
 * of {@code POST /containers/create} (the saved {@code Config} with {@code HostConfig} and
 * {@code NetworkingConfig}), and the networks to connect before the start. Everything is sent
 * back as Docker described it, except:
 * <ul>
 * <li>{@code Config.Image}: the image chosen for the restore (the name, or the id when the name
 *     now points at another image);</li>
 * <li>{@code HostConfig.ContainerIDFile}: the file the docker CLI wrote the original's id into;
 *     the new container has another id;</li>
 * <li>{@code HostConfig.Links}: inspect shows them as {@code /child:/parent/alias}, create takes
 *     {@code child:alias};</li>
 * <li>{@code HostConfig.Mounts}: one volume mount is added for each volume of the original that
 *     neither {@code Binds} nor {@code Mounts} names (anonymous volumes, from {@code docker run -v
 *     /path} or the image's VOLUME), so the new container gets the same volume, not a new empty
 *     one.</li>
 * </ul>
 * {@code Hostname} and {@code Domainname} stay the original's: CRIU restores the UTS namespace
 * anyway, and /etc/hostname then agrees with it.
 */
final class CreateBody {
    /** HostConfig fields that describe the original container only, never sent back. */
    static final List<String> DROPPED_HOST_CONFIG = List.of("ContainerIDFile");

    /**
     * @param body the create body
     * @param laterNetworks networks beyond the first, to connect (with these endpoint settings)
     *     before the start: API 1.41 takes one network at create
     * @param addedMounts the mounts added for the original's anonymous volumes
     */
    record Plan(ObjectNode body, Map<String, ObjectNode> laterNetworks, List<ObjectNode> addedMounts) {
    }

    private CreateBody() {
    }

    static Plan of(DockerConfig saved, String image) {
        ObjectNode body = saved.config();
        body.put("Image", image);
        ObjectNode host = saved.hostConfig();
        DROPPED_HOST_CONFIG.forEach(host::remove);
        if (host.path("Links") instanceof ArrayNode links) {
            ArrayNode converted = host.putArray("Links");
            links.forEach(l -> converted.add(createLink(l.asText())));
        }
        List<ObjectNode> added = anonymousVolumeMounts(host, saved.mounts());
        if (!added.isEmpty()) {
            ArrayNode mounts = host.path("Mounts") instanceof ArrayNode m ? m : host.putArray("Mounts");
            added.forEach(mounts::add);
        }
        body.set("HostConfig", host);

        Map<String, ObjectNode> later = new LinkedHashMap<>();
        ObjectNode networks = saved.networks();
        String mode = host.path("NetworkMode").asText("");
        if (networks != null && !networks.isEmpty() && !mode.startsWith("container:")) {
            String first = networks.has(mode) ? mode
                    : "default".equals(mode) && networks.has("bridge") ? "bridge"
                    : networks.properties().iterator().next().getKey();
            ObjectNode endpoints = Json.mapper().createObjectNode();
            endpoints.set(first, networks.get(first));
            body.putObject("NetworkingConfig").set("EndpointsConfig", endpoints);
            for (var e : networks.properties()) {
                if (!e.getKey().equals(first)) {
                    later.put(e.getKey(), (ObjectNode) e.getValue());
                }
            }
        }
        return new Plan(body, later, added);
    }

    /**
     * A volume mount for each volume in {@code mounts} (the inspect document's list) whose
     * destination {@code HostConfig.Binds} and {@code HostConfig.Mounts} leave unnamed.
     */
    static List<ObjectNode> anonymousVolumeMounts(JsonNode host, JsonNode mounts) {
        Set<String> named = new HashSet<>();
        for (JsonNode b : host.path("Binds")) {
            String[] parts = b.asText().split(":");
            if (parts.length >= 2) {
                named.add(clean(parts[1]));
            }
        }
        for (JsonNode m : host.path("Mounts")) {
            named.add(clean(m.path("Target").asText("")));
        }
        List<ObjectNode> added = new ArrayList<>();
        if (mounts == null) {
            return added;
        }
        for (JsonNode m : mounts) {
            String volume = m.path("Name").asText("");
            String target = m.path("Destination").asText("");
            if (!"volume".equals(m.path("Type").asText()) || volume.isEmpty() || target.isEmpty()
                    || !named.add(clean(target))) {
                continue;
            }
            ObjectNode mount = Json.mapper().createObjectNode();
            mount.put("Type", "volume");
            mount.put("Source", volume);
            mount.put("Target", target);
            if (!m.path("RW").asBoolean(true)) {
                mount.put("ReadOnly", true);
            }
            String driver = m.path("Driver").asText("");
            if (!driver.isEmpty() && !driver.equals("local")) {
                mount.putObject("VolumeOptions").putObject("DriverConfig").put("Name", driver);
            }
            added.add(mount);
        }
        return added;
    }

    /** {@code /db:/web/db} (inspect's form) becomes {@code db:db} (create's form). */
    static String createLink(String link) {
        int colon = link.indexOf(':');
        if (!link.startsWith("/") || colon < 0) {
            return link;
        }
        String child = link.substring(1, colon);
        String alias = link.substring(colon + 1);
        return child + ":" + alias.substring(alias.lastIndexOf('/') + 1);
    }

    private static String clean(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
