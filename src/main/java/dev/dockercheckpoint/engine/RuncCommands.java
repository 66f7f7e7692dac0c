package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact runc argument lists for a checkpoint. Each user option maps to one CRIU option
 * through runc: leave-running to {@code --leave-running}, tcp to {@code --tcp-established},
 * file-locks to {@code --file-locks}, pre-dump to a {@code --pre-dump} pass followed by a final
 * dump with {@code --parent-path}.
 */
public final class RuncCommands {
    /** Name of the pre-dump image directory inside the checkpoint (relative parent path). */
    public static final String PREDUMP_DIR = "predump";

    private RuncCommands() {
    }

    /** The final dump. {@code imageDir} also serves as CRIU's work dir, so dump.log and stats-dump stay. */
    public static List<String> checkpoint(String runc, String runcRoot, String containerId, Path imageDir,
            CheckpointOptions options) {
        List<String> cmd = base(runc, runcRoot, imageDir);
        if (options.leaveRunning()) {
            cmd.add("--leave-running");
        }
        if (options.tcpEstablished()) {
            cmd.add("--tcp-established");
        }
        if (options.fileLocks()) {
            cmd.add("--file-locks");
        }
        if (options.preDump()) {
            // CRIU resolves the parent path relative to the image directory
            cmd.add("--parent-path");
            cmd.add(PREDUMP_DIR);
        }
        cmd.add(containerId);
        return cmd;
    }

    /** The pre-dump pass into {@code <imageDir>/predump}; the container keeps running. */
    public static List<String> preDump(String runc, String runcRoot, String containerId, Path imageDir,
            CheckpointOptions options) {
        List<String> cmd = base(runc, runcRoot, imageDir.resolve(PREDUMP_DIR));
        cmd.add("--pre-dump");
        if (options.tcpEstablished()) {
            cmd.add("--tcp-established");
        }
        if (options.fileLocks()) {
            cmd.add("--file-locks");
        }
        cmd.add(containerId);
        return cmd;
    }

    private static List<String> base(String runc, String runcRoot, Path imageDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(runc);
        cmd.add("--root");
        cmd.add(runcRoot);
        cmd.add("checkpoint");
        cmd.add("--image-path");
        cmd.add(imageDir.toString());
        cmd.add("--work-path");
        cmd.add(imageDir.toString());
        return cmd;
    }
}
