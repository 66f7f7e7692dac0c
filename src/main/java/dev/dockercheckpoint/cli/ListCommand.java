package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.core.Posix;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the complete checkpoints stored under a base directory (through the helper when not root). */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List stored checkpoints.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR",
            description = "Base directory for checkpoints (default: /tmp/docker-checkpoints; through the helper,"
                    + " the first it serves).")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (dir != null) {
            new CheckpointStore(dir); // validates the path syntax before anything else
        }
        Path base;
        List<CheckpointSummary> all;
        if (Posix.isRoot()) {
            // reading files needs neither Docker nor the helper
            base = dir != null ? dir : CheckpointStore.DEFAULT_BASE;
            CheckpointStore store = new CheckpointStore(base);
            all = store.list().stream().map(store::summary).toList();
        } else {
            try (CommandTarget target = CommandTarget.open()) {
                base = dir != null ? dir : target.defaultDir();
                all = target.listCheckpoints(base);
            }
        }
        if (all.isEmpty()) {
            out.println("No checkpoints in " + base);
            return ExitCodes.OK;
        }
        out.printf("%-24s %-20s %-20s %10s %10s  %-9s  %s%n", "CONTAINER", "CHECKPOINT", "CREATED", "SIZE",
                "DOWNTIME", "INTEGRITY", "OPTIONS");
        for (CheckpointSummary s : all) {
            CheckpointOptions o = s.options();
            String opts = (o.leaveRunning() ? "leave-running " : "") + (o.tcpEstablished() ? "tcp " : "")
                    + (o.fileLocks() ? "file-locks " : "") + (o.preDump() ? "pre-dump" : "")
                    + (s.incomplete() != null ? " INCOMPLETE: " + s.incomplete() : "")
                    + (s.integrity() != null && s.integrity().damaged() != null ? " DAMAGED: "
                            + Integrity.describe(s.integrity().damaged()) : "");
            Double downtime = s.downtimeMillis();
            out.printf("%-24s %-20s %-20s %10s %10s  %-9s  %s%n", s.container(), s.name(),
                    s.createdAt() == null ? "?" : s.createdAt().toString().substring(0, 19).replace('T', ' '),
                    Bytes.human(s.sizeBytes()), downtime == null ? "?"
                            : String.format(java.util.Locale.ROOT, "%.1f ms", downtime),
                    s.integrity() == null ? "?" : s.integrity().state().word(), opts.strip());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
