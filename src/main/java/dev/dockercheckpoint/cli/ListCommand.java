package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Posix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the complete checkpoints stored under a base directory. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List stored checkpoints.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR", defaultValue = "/tmp/docker-checkpoints",
            description = "Base directory for checkpoints (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CheckpointStore.Stored> all = new CheckpointStore(dir).list();
        if (all.isEmpty()) {
            out.println("No checkpoints in " + dir);
            return ExitCodes.OK;
        }
        out.printf("%-24s %-20s %-20s %10s %10s  %s%n", "CONTAINER", "CHECKPOINT", "CREATED", "SIZE", "DOWNTIME",
                "OPTIONS");
        for (CheckpointStore.Stored s : all) {
            Manifest m = s.manifest();
            long size;
            try {
                size = Posix.treeSize(s.dir());
            } catch (IOException e) {
                size = -1;
            }
            String opts = (m.options().leaveRunning() ? "leave-running " : "") + (m.options().tcpEstablished()
                    ? "tcp " : "") + (m.options().fileLocks() ? "file-locks " : "") + (m.options().preDump()
                    ? "pre-dump" : "") + (m.incomplete() != null ? " INCOMPLETE: " + m.incomplete() : "");
            Double downtime = m.downtimeMillis();
            out.printf("%-24s %-20s %-20s %10s %10s  %s%n", s.container(), s.name(),
                    m.createdAt() == null ? "?" : m.createdAt().toString().substring(0, 19).replace('T', ' '),
                    Bytes.human(size), downtime == null ? "?"
                            : String.format(java.util.Locale.ROOT, "%.1f ms", downtime), opts.strip());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
