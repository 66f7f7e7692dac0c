package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dump without leave-running ends the container; with a restart policy (always,
 * unless-stopped, on-failure) Docker would start the original again from scratch at once, and a
 * restore would then run beside it. The policy is set to "no" for the dump and put back after
 * it, so the original stays stopped and keeps its configuration.
 */
final class RestartPolicySuspension {
    private static final Logger LOG = LoggerFactory.getLogger(RestartPolicySuspension.class);
    static final RestartPolicySuspension NONE = new RestartPolicySuspension(null, null, null);

    private final Docker docker;
    private final String containerId;
    private final RestartPolicySpec original;

    private RestartPolicySuspension(Docker docker, String containerId, RestartPolicySpec original) {
        this.docker = docker;
        this.containerId = containerId;
        this.original = original;
    }

    /** Whether a policy restarts a container that exits. */
    static boolean restarts(RestartPolicySpec policy) {
        return policy != null && !policy.name().isEmpty() && !"no".equals(policy.name());
    }

    /** Suspends the container's restart policy when it has one. */
    static RestartPolicySuspension suspend(Docker docker, ContainerInfo info) {
        RestartPolicySpec policy = info.spec().restartPolicy();
        if (!restarts(policy)) {
            return NONE;
        }
        docker.updateRestartPolicy(info.id(), "no", 0);
        return new RestartPolicySuspension(docker, info.id(), policy);
    }

    /**
     * Puts the original policy back; never throws (a failure is logged with the command to run).
     * Returns false when it could not.
     */
    boolean restore() {
        if (original == null) {
            return true;
        }
        try {
            docker.updateRestartPolicy(containerId, original.name(), original.maximumRetryCount());
            return true;
        } catch (RuntimeException e) {
            LOG.error("cannot put back restart policy {} of {}: {}; run: docker update --restart {} {}",
                    original.name(), containerId, e.getMessage(), original.name(), containerId);
            return false;
        }
    }
}
