package dev.dockercheckpoint.core;

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

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(true, true, true, false, false);
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
