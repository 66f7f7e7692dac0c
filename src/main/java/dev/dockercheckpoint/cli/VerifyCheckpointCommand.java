package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Names;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks every file of a stored checkpoint against the checksums recorded when it was made. */
@Command(name = "verify-checkpoint", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check every file of a stored checkpoint against the SHA-256 checksums recorded when it was"
                + " made (checksums.json). A restore makes the same check first and refuses a damaged checkpoint.",
            "",
            "  sudo docker-checkpoint verify-checkpoint -container myapp -name checkpoint1",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file matches (or the checkpoint has no checksums: it says so)",
            "1:a file is damaged, missing or added (each is named), or the check failed", "2:bad usage"})
final class VerifyCheckpointCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-container", "--container"}, required = true, paramLabel = "NAME",
            description = "Container whose checkpoint to check.")
    String container;

    @Option(names = {"-name", "--name"}, defaultValue = CheckpointRequest.DEFAULT_NAME, paramLabel = "NAME",
            description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR",
            description = "Base directory (default: /tmp/docker-checkpoints; through the helper, the first it"
                    + " serves).")
    Path dir;

    @Option(names = "--json", description = "Print the result as JSON (for scripts); the exit code still says it.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log details to stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        if (dir != null) {
            new CheckpointStore(dir); // validates the path syntax before anything else
        }
        PrintWriter out = spec.commandLine().getOut();
        IntegrityReport report;
        try (CommandTarget target = CommandTarget.open()) {
            report = target.verifyCheckpoint(dir != null ? dir : target.defaultDir(), container, name,
                    new ConsoleProgress(spec.commandLine().getErr(), verbose));
        }
        String what = "checkpoint " + container + "/" + name;
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            out.flush();
        }
        switch (report.state()) {
            case DAMAGED -> throw IntegrityCheck.damagedError(what, report.damaged(), "do not restore it: its files"
                    + " changed after it was made (disk, copy or a hand edit); restore another checkpoint, or make a"
                    + " new one");
            case NONE -> {
                if (!json) {
                    out.println("The " + what + " was made without checksums (by an older version): not checked.");
                }
            }
            default -> {
                if (!json) {
                    out.printf(Locale.ROOT, "OK: %s matches its checksums (%d files, %s hashed, %.2f s)%n", what,
                            report.checkedFiles(), Bytes.human(report.bytes()), report.millis() / 1000.0);
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
