package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The user's CRIU options, with the seed's defaults: leave running, established TCP
 * connections and file locks on; pre-dump off. {@code allowLostProcesses} checkpoints a
 * container even when some of its processes are outside its init's process tree (started with
 * {@code docker exec}) and so are left out of the dump; off by default.
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean fileLocks, boolean preDump,
        boolean allowLostProcesses) {

    public CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean fileLocks, boolean preDump) {
        this(leaveRunning, tcpEstablished, fileLocks, preDump, false);
    }

    private static final CheckpointOptions DEFAULTS = new CheckpointOptions(true, true, true, false, false);

    public static CheckpointOptions defaults() {
        return DEFAULTS;
    }

    /**
     * From JSON (a request or container.json): a field left out takes its documented default,
     * never Java's false ({@code {"tcpEstablished": true}} alone leaves the container running).
     */
    @JsonCreator
    static CheckpointOptions fromJson(@JsonProperty("leaveRunning") Boolean leaveRunning,
            @JsonProperty("tcpEstablished") Boolean tcpEstablished, @JsonProperty("fileLocks") Boolean fileLocks,
            @JsonProperty("preDump") Boolean preDump, @JsonProperty("allowLostProcesses") Boolean allowLostProcesses) {
        return new CheckpointOptions(or(leaveRunning, DEFAULTS.leaveRunning), or(tcpEstablished, DEFAULTS.tcpEstablished),
                or(fileLocks, DEFAULTS.fileLocks), or(preDump, DEFAULTS.preDump),
                or(allowLostProcesses, DEFAULTS.allowLostProcesses));
    }

    private static boolean or(Boolean value, boolean fallback) {
        return value == null ? fallback : value;
    }

    public CheckpointOptions withLeaveRunning(boolean value) {
        return new CheckpointOptions(value, tcpEstablished, fileLocks, preDump, allowLostProcesses);
    }

    public CheckpointOptions withTcpEstablished(boolean value) {
        return new CheckpointOptions(leaveRunning, value, fileLocks, preDump, allowLostProcesses);
    }

    public CheckpointOptions withFileLocks(boolean value) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, value, preDump, allowLostProcesses);
    }

    public CheckpointOptions withPreDump(boolean value) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, fileLocks, value, allowLostProcesses);
    }

    public CheckpointOptions withAllowLostProcesses(boolean value) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, fileLocks, preDump, value);
    }
}
