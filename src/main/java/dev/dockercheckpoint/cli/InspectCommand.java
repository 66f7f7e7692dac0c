package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.criulog.CriuStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Shows what is inside a stored checkpoint. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a checkpoint's process tree, memory, open files and CRIU statistics.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-container", "--container"}, required = true, paramLabel = "NAME",
            description = "Container whose checkpoint to inspect.")
    String container;

    @Option(names = {"-name", "--name"}, defaultValue = CheckpointRequest.DEFAULT_NAME, paramLabel = "NAME",
            description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR",
            description = "Base directory (default: /tmp/docker-checkpoints; through the helper, the first it"
                    + " serves).")
    Path dir;

    @Option(names = "--json", description = "Print JSON (for scripts).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        if (dir != null) {
            new CheckpointStore(dir);
        }
        PrintWriter out = spec.commandLine().getOut();
        CheckpointContents contents;
        try (CommandTarget target = CommandTarget.open()) {
            contents = target.inspect(dir != null ? dir : target.defaultDir(), container, name);
        }
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(contents));
            out.flush();
            return ExitCodes.OK;
        }
        out.printf("Checkpoint %s/%s: %d process%s, %s of memory%n", container, name, contents.processes().size(),
                contents.processes().size() == 1 ? "" : "es", Bytes.human(contents.totalBytes()));
        out.println();
        out.println("Process tree:");
        printTree(out, contents.processes(), 0, "  ", "");
        out.println();
        out.println("Open files:");
        for (CheckpointContents.Process p : contents.processes()) {
            out.printf("  %d %s%n", p.pid(), p.command());
            for (String f : p.files()) {
                out.println("      " + f);
            }
        }
        CriuStats s = contents.stats();
        if (s != null) {
            out.println();
            out.println("Statistics:");
            out.printf(Locale.ROOT, "  downtime (frozen) %.1f ms, freezing %.1f ms, memory dump %.1f ms, memory"
                    + " write %.1f ms%n", ms(s.frozenTimeUs()), ms(s.freezingTimeUs()), ms(s.memdumpTimeUs()),
                    ms(s.memwriteTimeUs()));
            out.printf("  pages: %d scanned, %d written, %d skipped (parent)%n", n(s.pagesScanned()),
                    n(s.pagesWritten()), n(s.pagesSkippedParent()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printTree(PrintWriter out, List<CheckpointContents.Process> all, int parent, String indent,
            String branch) {
        List<CheckpointContents.Process> children = new ArrayList<>(all.stream().filter(p -> p.ppid() == parent)
                .toList());
        for (CheckpointContents.Process p : children) {
            out.printf(Locale.ROOT, "%s%s%-6d %-16s %2d thread%s  %6d pages  %s%n", indent, branch, p.pid(),
                    p.command(), p.threads(), p.threads() == 1 ? " " : "s", p.pages(), Bytes.human(p.bytes()));
            printTree(out, all, p.pid(), indent + (branch.isEmpty() ? "" : "   "), "\u2514\u2500 ");
        }
    }

    private static double ms(Long us) {
        return us == null ? 0 : us / 1000.0;
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }
}
