package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to create a new container equivalent to the checkpointed one.
 * Collections are never null (empty when absent). The named fields are the settings the
 * application shows and checks; {@link #docker()} holds the engine's complete description of
 * the container, from which a restore recreates it (null in checkpoints made before it was kept:
 * those restore from the named fields).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerSpec(
        String image,
        String imageId,
        List<String> cmd,
        List<String> entrypoint,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        String domainname,
        Map<String, String> labels,
        boolean tty,
        boolean openStdin,
        boolean stdinOnce,
        String networkMode,
        String ipcMode,
        String pidMode,
        String utsMode,
        RestartPolicySpec restartPolicy,
        List<MountSpec> mounts,
        List<String> capAdd,
        List<String> capDrop,
        List<String> securityOpt,
        boolean privileged,
        boolean readonlyRootfs,
        Long shmSize,
        Long memory,
        Long nanoCpus,
        String stopSignal,
        Integer stopTimeout,
        Map<String, String> tmpfs,
        Boolean init,
        List<String> groupAdd,
        DockerConfig docker) {

    /** A spec without the engine's complete description (checkpoints made before it was kept, tests). */
    public ContainerSpec(String image, String imageId, List<String> cmd, List<String> entrypoint, List<String> env,
            String workingDir, String user, String hostname, String domainname, Map<String, String> labels,
            boolean tty, boolean openStdin, boolean stdinOnce, String networkMode, String ipcMode, String pidMode,
            String utsMode, RestartPolicySpec restartPolicy, List<MountSpec> mounts, List<String> capAdd,
            List<String> capDrop, List<String> securityOpt, boolean privileged, boolean readonlyRootfs,
            Long shmSize, Long memory, Long nanoCpus, String stopSignal, Integer stopTimeout,
            Map<String, String> tmpfs, Boolean init, List<String> groupAdd) {
        this(image, imageId, cmd, entrypoint, env, workingDir, user, hostname, domainname, labels, tty, openStdin,
                stdinOnce, networkMode, ipcMode, pidMode, utsMode, restartPolicy, mounts, capAdd, capDrop,
                securityOpt, privileged, readonlyRootfs, shmSize, memory, nanoCpus, stopSignal, stopTimeout, tmpfs,
                init, groupAdd, null);
    }

    public ContainerSpec {
        cmd = copy(cmd);
        entrypoint = copy(entrypoint);
        env = copy(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        mounts = copy(mounts);
        capAdd = copy(capAdd);
        capDrop = copy(capDrop);
        securityOpt = copy(securityOpt);
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
        groupAdd = copy(groupAdd);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** Restart policy: name ("no", "always", "on-failure", "unless-stopped") and max retries. */
    public record RestartPolicySpec(String name, int maximumRetryCount) {
    }

    /**
     * A mount of the original container. {@code type} is "bind", "volume" or "tmpfs";
     * {@code source} is the host path (bind) or the volume name (volume).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MountSpec(String type, String source, String destination, boolean readOnly, String propagation) {
    }

    /**
     * The container engine's own, complete description of the container, kept as JSON trees in
     * the engine's format so nothing is lost however many settings the engine has:
     * {@code config} and {@code hostConfig} are the inspect document's {@code Config} and
     * {@code HostConfig} as they were; {@code networks} maps each network the container was
     * attached to onto the settings a user gave for it (aliases, IPAM configuration, links, MAC
     * address); {@code mounts} is the inspect document's {@code Mounts} list (the volume name of
     * every volume, anonymous ones included). The trees are copied in and out, so a caller can
     * never change a spec through them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DockerConfig(ObjectNode config, ObjectNode hostConfig, ObjectNode networks, ArrayNode mounts) {
        public DockerConfig {
            config = config == null ? null : config.deepCopy();
            hostConfig = hostConfig == null ? null : hostConfig.deepCopy();
            networks = networks == null ? null : networks.deepCopy();
            mounts = mounts == null ? null : mounts.deepCopy();
        }

        @Override
        public ObjectNode config() {
            return config == null ? null : config.deepCopy();
        }

        @Override
        public ObjectNode hostConfig() {
            return hostConfig == null ? null : hostConfig.deepCopy();
        }

        @Override
        public ObjectNode networks() {
            return networks == null ? null : networks.deepCopy();
        }

        @Override
        public ArrayNode mounts() {
            return mounts == null ? null : mounts.deepCopy();
        }
    }
}
