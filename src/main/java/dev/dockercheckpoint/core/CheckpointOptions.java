package dev.dockercheckpoint.core;

/**
 * The user's CRIU options, with the seed's defaults: leave running, established TCP
 * connections and file locks on; pre-dump off.
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean fileLocks, boolean preDump) {

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(true, true, true, false);
    }

    public CheckpointOptions withLeaveRunning(boolean value) {
        return new CheckpointOptions(value, tcpEstablished, fileLocks, preDump);
    }

    public CheckpointOptions withTcpEstablished(boolean value) {
        return new CheckpointOptions(leaveRunning, value, fileLocks, preDump);
    }

    public CheckpointOptions withFileLocks(boolean value) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, value, preDump);
    }

    public CheckpointOptions withPreDump(boolean value) {
        return new CheckpointOptions(leaveRunning, tcpEstablished, fileLocks, value);
    }
}
