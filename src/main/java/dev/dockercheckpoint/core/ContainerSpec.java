package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to create a new container equivalent to the checkpointed one.
 * Collections are never null (empty when absent).
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
        List<String> groupAdd) {

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
}
