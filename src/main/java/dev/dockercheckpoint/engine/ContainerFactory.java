package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.BindPropagation;
import com.github.dockerjava.api.model.BindOptions;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.ContainerSpec.DockerConfig;
import dev.dockercheckpoint.core.ContainerSpec.MountSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates (but does not start) a container from a saved {@link ContainerSpec}: from Docker's
 * complete saved configuration when the checkpoint has it, else (older checkpoints) from the
 * spec's named fields.
 */
final class ContainerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);

    private ContainerFactory() {
    }

    /** Creates the container {@code name}; returns its full id. */
    static String create(Docker docker, ContainerSpec spec, String name) {
        return create(docker, spec, name, null, null);
    }

    /** Whether {@link #create} recreates the container from Docker's complete saved configuration. */
    static boolean fromSaved(ContainerSpec spec) {
        DockerConfig saved = spec.docker();
        return saved != null && saved.config() != null && saved.hostConfig() != null;
    }

    /**
     * Creates the container {@code name}, in the network namespace of container {@code holderId}
     * when that is not null (see {@link NetnsHolder}), with runc reading CRIU's settings from
     * {@code criuConfig} when that is not null (only with the saved configuration, see
     * {@link #fromSaved}); returns its full id.
     */
    static String create(Docker docker, ContainerSpec spec, String name, String holderId, Path criuConfig) {
        String image = chooseImage(docker, spec);
        if (image == null) {
            throw new DcpException(ErrorCode.DOCKER_ERROR, "image " + spec.image() + " is not on this host",
                    "load or pull the image the checkpointed container used, then restore again");
        }
        DockerConfig saved = spec.docker();
        if (fromSaved(spec)) {
            return createFromSaved(docker, saved, image, name, holderId, criuConfig);
        }
        return createFromFields(docker, spec, image, name, holderId);
    }

    /**
     * {@code POST /containers/create} with the saved Config and HostConfig (see {@link CreateBody}),
     * then the networks beyond the first. A container that cannot be completed is removed again.
     */
    private static String createFromSaved(Docker docker, DockerConfig saved, String image, String name,
            String holderId, Path criuConfig) {
        CreateBody.Plan plan = CreateBody.of(saved, image);
        if (holderId != null) {
            NetnsHolder.join(plan.body(), holderId);
            plan.laterNetworks().clear();
        }
        if (criuConfig != null) {
            ObjectNode host = (ObjectNode) plan.body().get("HostConfig");
            ObjectNode annotations = host.path("Annotations") instanceof ObjectNode a ? a
                    : host.putObject("Annotations");
            annotations.put(CriuRestoreConfig.ANNOTATION, criuConfig.toString());
        }
        for (ObjectNode m : plan.addedMounts()) {
            String volume = m.path("Source").asText();
            if (docker.getJson("/volumes/" + Docker.encode(volume)) == null) {
                LOG.warn("volume {} of the checkpointed container (at {}) no longer exists; Docker creates it empty",
                        volume, m.path("Target").asText());
            }
        }
        LOG.info("docker create --name {} {} (the checkpointed container's whole configuration)", name, image);
        JsonNode answer;
        try {
            answer = docker.postJson("/containers/create?name=" + Docker.encode(name), plan.body());
        } catch (Docker.DockerApiException e) {
            throw refused("cannot create container " + name, e, e.status() == 409);
        }
        String id = answer == null ? "" : answer.path("Id").asText("");
        if (id.isEmpty()) {
            throw new DcpException(ErrorCode.DOCKER_ERROR, "cannot create container " + name
                    + ": Docker answered without an id", "see the Docker daemon's log");
        }
        for (JsonNode w : answer.path("Warnings")) {
            LOG.warn("docker create {}: {}", name, w.asText());
        }
        try {
            for (var e : plan.laterNetworks().entrySet()) {
                LOG.info("docker network connect {} {}", e.getKey(), name);
                ObjectNode connect = Json.mapper().createObjectNode().put("Container", id);
                connect.set("EndpointConfig", e.getValue());
                docker.postJson("/networks/" + Docker.encode(e.getKey()) + "/connect", connect);
            }
        } catch (Docker.DockerApiException e) {
            docker.removeContainer(id);
            throw refused("cannot connect container " + name + " to its networks", e, false);
        } catch (RuntimeException e) {
            docker.removeContainer(id);
            throw e;
        }
        return id;
    }

    private static DcpException refused(String what, Docker.DockerApiException e, boolean nameInUse) {
        String message = e.daemonMessage() == null || e.daemonMessage().isEmpty() ? e.getMessage()
                : e.daemonMessage();
        if (nameInUse) {
            return new DcpException(ErrorCode.NAME_IN_USE, what + ": " + message, "choose another name");
        }
        return new DcpException(ErrorCode.DOCKER_ERROR, what + ": " + message, "see the Docker daemon's log", e);
    }

    /** docker-java's create from the spec's named fields, for checkpoints without Docker's configuration. */
    private static String createFromFields(Docker docker, ContainerSpec spec, String image, String name,
            String holderId) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(holderId != null ? "container:" + holderId : spec.networkMode())
                .withIpcMode(spec.ipcMode())
                .withPidMode(spec.pidMode())
                .withUtSMode(spec.utsMode())
                .withPrivileged(spec.privileged())
                .withReadonlyRootfs(spec.readonlyRootfs())
                .withShmSize(spec.shmSize())
                .withMemory(spec.memory())
                .withNanoCPUs(spec.nanoCpus())
                .withSecurityOpts(spec.securityOpt().isEmpty() ? null : spec.securityOpt())
                .withInit(spec.init());
        if (!spec.tmpfs().isEmpty()) {
            host.withTmpFs(spec.tmpfs());
        }
        if (!spec.groupAdd().isEmpty()) {
            host.withGroupAdd(spec.groupAdd());
        }
        if (!spec.capAdd().isEmpty()) {
            host.withCapAdd(capabilities(spec.capAdd()));
        }
        if (!spec.capDrop().isEmpty()) {
            host.withCapDrop(capabilities(spec.capDrop()));
        }
        if (spec.restartPolicy() != null && !spec.restartPolicy().name().isEmpty()) {
            host.withRestartPolicy(restartPolicy(spec.restartPolicy()));
        }
        List<Mount> mounts = new ArrayList<>();
        for (MountSpec m : spec.mounts()) {
            Mount mount = new Mount().withTarget(m.destination()).withReadOnly(m.readOnly());
            switch (m.type()) {
                case "bind" -> {
                    mount.withType(MountType.BIND).withSource(m.source());
                    if (m.propagation() != null) {
                        mount.withBindOptions(new BindOptions().withPropagation(propagation(m.propagation())));
                    }
                }
                case "volume" -> mount.withType(MountType.VOLUME).withSource(m.source());
                default -> {
                    LOG.warn("mount type {} at {} is not recreated", m.type(), m.destination());
                    continue;
                }
            }
            mounts.add(mount);
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        CreateContainerCmd cmd = docker.client().createContainerCmd(image)
                .withName(name)
                .withHostConfig(host)
                .withTty(spec.tty())
                .withStdinOpen(spec.openStdin())
                .withStdInOnce(spec.stdinOnce());
        if (!spec.cmd().isEmpty()) {
            cmd.withCmd(spec.cmd());
        }
        if (!spec.entrypoint().isEmpty()) {
            cmd.withEntrypoint(spec.entrypoint());
        }
        if (!spec.env().isEmpty()) {
            cmd.withEnv(spec.env());
        }
        if (!spec.labels().isEmpty()) {
            cmd.withLabels(spec.labels());
        }
        if (spec.workingDir() != null) {
            cmd.withWorkingDir(spec.workingDir());
        }
        if (spec.user() != null) {
            cmd.withUser(spec.user());
        }
        if (spec.hostname() != null && holderId == null) {
            cmd.withHostName(spec.hostname());
        }
        if (spec.domainname() != null && holderId == null) {
            cmd.withDomainName(spec.domainname());
        }
        if (spec.stopSignal() != null) {
            cmd.withStopSignal(spec.stopSignal());
        }
        if (spec.stopTimeout() != null) {
            cmd.withStopTimeout(spec.stopTimeout());
        }
        LOG.info("docker create --name {} {}", name, image);
        try {
            return cmd.exec().getId();
        } catch (DockerException e) {
            throw Docker.translate("cannot create container " + name, e);
        }
    }

    /** Whether the checkpointed container's image (by name or id) is on this engine. */
    static boolean imagePresent(Docker docker, ContainerSpec spec) {
        return chooseImage(docker, spec) != null;
    }

    /**
     * The image to create from: its name when the name still points at the checkpointed image
     * (so docker ps shows it), else the image id (same layers, as CRIU needs); null when neither exists.
     */
    private static String chooseImage(Docker docker, ContainerSpec spec) {
        JsonNode byName = spec.image() == null || spec.image().isEmpty() ? null
                : docker.getJson("/images/" + Docker.encode(spec.image()) + "/json");
        if (byName != null && (spec.imageId() == null || spec.imageId().equals(byName.path("Id").asText()))) {
            return spec.image();
        }
        if (spec.imageId() != null && docker.getJson("/images/" + Docker.encode(spec.imageId()) + "/json") != null) {
            return spec.imageId();
        }
        return null;
    }

    private static Capability[] capabilities(List<String> names) {
        List<Capability> caps = new ArrayList<>();
        for (String n : names) {
            String c = n.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "");
            try {
                caps.add(Capability.valueOf(c));
            } catch (IllegalArgumentException e) {
                LOG.warn("capability {} is not known to the Docker client and is not recreated", n);
            }
        }
        return caps.toArray(Capability[]::new);
    }

    private static RestartPolicy restartPolicy(ContainerSpec.RestartPolicySpec p) {
        return switch (p.name()) {
            case "always" -> RestartPolicy.alwaysRestart();
            case "unless-stopped" -> RestartPolicy.unlessStoppedRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(p.maximumRetryCount());
            default -> RestartPolicy.noRestart();
        };
    }

    private static BindPropagation propagation(String p) {
        return switch (p) {
            case "private" -> BindPropagation.PRIVATE;
            case "rshared" -> BindPropagation.R_SHARED;
            case "shared" -> BindPropagation.SHARED;
            case "rslave" -> BindPropagation.R_SLAVE;
            case "slave" -> BindPropagation.SLAVE;
            default -> BindPropagation.R_PRIVATE;
        };
    }
}
