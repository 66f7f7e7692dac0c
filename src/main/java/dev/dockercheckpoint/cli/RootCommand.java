package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The seed's command: checkpoint a container, or with -restore restore one of its checkpoints. */
@Command(name = "docker-checkpoint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Checkpoint a running Docker container with CRIU, or restore a checkpoint into a new container.",
            "",
            "  Checkpoint:  sudo docker-checkpoint -container myapp -name checkpoint1",
            "  Restore:     sudo docker-checkpoint -restore -container myapp -name checkpoint1 -new-name myapp-restored",
            "",
            "Checkpoints are stored in <dir>/<container>/<name>/ (container.json, CRIU images, dump.log,",
            "stats-dump, filesystem changes). A restore recreates the container under the new name, restores",
            "it with CRIU and verifies it (status, process, API, logs, stats).",
            "Boolean options take an optional value: -tcp=false turns TCP support off.",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed (see the error and hint)", "2:bad usage",
            "3:restored, but a verification check failed"})
public final class RootCommand implements Callable<Integer> {
    /**
     * The subcommands, by name. They are added to the command line only when an argument names one
     * or help is asked for ({@link Main#commandLine}): building their models costs a tiny
     * checkpoint's command line more time than the rest of its start-up.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            "doctor", DoctorCommand.class, "list", ListCommand.class, "helper", HelperCommand.class,
            "gui", GuiCommand.class, "explain", ExplainCommand.class, "inspect", InspectCommand.class,
            "verify-checkpoint", VerifyCheckpointCommand.class, "export", ExportCommand.class,
            "import", ImportCommand.class, "migrate", MigrateCommand.class, "receive", ReceiveCommand.class,
            StartupTrainingCommand.NAME, StartupTrainingCommand.class);

    /** Names and classes in turn; the names are their {@code @Command} names (a test compares them). */
    private static Map<String, Class<?>> subcommands(Object... namesAndClasses) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < namesAndClasses.length; i += 2) {
            byName.put((String) namesAndClasses[i], (Class<?>) namesAndClasses[i + 1]);
        }
        return Collections.unmodifiableMap(byName);
    }

    @Spec
    CommandSpec spec;

    @Option(names = {"-container", "--container"}, paramLabel = "NAME",
            description = "Container to checkpoint, or whose checkpoint to restore (name or id).")
    String container;

    @Option(names = {"-name", "--name"}, paramLabel = "NAME", defaultValue = CheckpointRequest.DEFAULT_NAME,
            description = "Checkpoint name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR",
            description = "Base directory for checkpoints (default: /tmp/docker-checkpoints; through the helper,"
                    + " the first it serves, and only those it serves).")
    Path dir;

    @Option(names = {"-leave-running", "--leave-running"}, arity = "0..1", defaultValue = "true",
            fallbackValue = "true", paramLabel = "BOOL",
            description = "Keep the container running after the checkpoint (default: ${DEFAULT-VALUE}).")
    boolean leaveRunning;

    @Option(names = {"-tcp", "--tcp"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL",
            description = "Checkpoint established TCP connections (CRIU --tcp-established; default: ${DEFAULT-VALUE}).")
    boolean tcp;

    @Option(names = {"-file-locks", "--file-locks"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL", description = "Checkpoint file locks (CRIU --file-locks; default: ${DEFAULT-VALUE}).")
    boolean fileLocks;

    @Option(names = {"-pre-dump", "--pre-dump"}, arity = "0..1", defaultValue = "false", fallbackValue = "true",
            paramLabel = "BOOL", description = "Pre-dump memory first, then dump only what changed; needs kernel"
                    + " memory dirty tracking (default: ${DEFAULT-VALUE}).")
    boolean preDump;

    @Option(names = {"-allow-lost-processes", "--allow-lost-processes"}, arity = "0..1", defaultValue = "false",
            fallbackValue = "true", paramLabel = "BOOL", description = "Checkpoint even when some processes are"
                    + " outside the container's init process tree (started with docker exec); CRIU leaves them"
                    + " out and container.json records them (default: ${DEFAULT-VALUE}).")
    boolean allowLostProcesses;

    @Option(names = {"-restore", "--restore"}, arity = "0..1", defaultValue = "false", fallbackValue = "true",
            paramLabel = "BOOL", description = "Restore the checkpoint instead of creating one.")
    boolean restore;

    @Option(names = {"-new-name", "--new-name"}, paramLabel = "NAME",
            description = "Name of the restored container (default: <container>-restored).")
    String newName;

    @Option(names = {"-context", "--context"}, paramLabel = "NAME", description = "Docker context whose engine"
            + " to use, as docker --context (default: DOCKER_HOST or the local socket).")
    String context;

    @Option(names = {"-v", "--verbose"}, description = "Log details to stderr.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (container == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "missing -container",
                    "name the container, e.g. docker-checkpoint -container myapp (see --help)");
        }
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        if (restore) {
            Names.requireValid("new container name", newName == null ? RestoreRequest.defaultNewName(container)
                    : newName);
        }
        if (dir != null) {
            new CheckpointStore(dir); // validates the path syntax before anything else
        }
        ProgressListener progress = new ConsoleProgress(err, verbose);
        if (dir == null && Posix.isRoot()) {
            dir = CheckpointStore.DEFAULT_BASE; // as ever, through the helper too
        }
        try (CommandTarget target = CommandTarget.openPreferringHelper(context, dir)) {
            if (dir == null) {
                dir = target.defaultDir();
            }
            if (restore) {
                return restore(target, progress, out);
            }
            return checkpoint(target, progress, out);
        }
    }

    private int checkpoint(CommandTarget target, ProgressListener progress, PrintWriter out) {
        CheckpointOptions options = new CheckpointOptions(leaveRunning, tcp, fileLocks, preDump, allowLostProcesses);
        out.printf("Checkpointing container %s as %s (leave-running=%s, tcp=%s, file-locks=%s, pre-dump=%s)%n",
                container, name, leaveRunning, tcp, fileLocks, preDump);
        out.flush();
        CheckpointReport result = target.checkpoint(new CheckpointRequest(container, name, dir, options), progress);
        out.printf("Checkpoint created: %s (%s, %.2f s)%n", result.dir(), Bytes.human(result.sizeBytes()),
                result.totalMillis() / 1000.0);
        Double downtime = result.downtimeMillis();
        if (downtime != null) {
            out.printf(Locale.ROOT, "Application downtime (frozen while its files were saved and CRIU dumped it):"
                    + " %.1f ms%n", downtime);
        }
        if (result.lostProcesses() != null) {
            out.printf("Left out (outside the init's process tree): %s%n", String.join(", ", result.lostProcesses()));
        }
        String state = result.containerState();
        out.printf("Container %s is %s.%n", result.containerName(), state == null
                ? (leaveRunning ? "still running" : "stopped") : "running".equals(state) ? "still running"
                        : "exited".equals(state) ? "stopped" : state);
        return ExitCodes.OK;
    }

    private int restore(CommandTarget target, ProgressListener progress, PrintWriter out) {
        RestoreRequest request = new RestoreRequest(container, name, dir, newName);
        out.printf("Restoring %s/%s as %s%n", container, name, request.newName());
        out.flush();
        RestoreResult result = target.restore(request, progress);
        for (String warning : result.warnings()) {
            spec.commandLine().getErr().println("warning: " + warning);
            spec.commandLine().getErr().flush();
        }
        out.printf("Container %s restored (id %s) in %.2f s%n", result.containerName(),
                result.containerId().substring(0, 12), result.timingsMillis().getOrDefault("total", 0L) / 1000.0);
        if (result.restoreLog() != null) {
            out.printf("CRIU log: %s%n", result.restoreLog());
        }
        var st = result.restoreStats();
        if (st != null && st.restoreTimeUs() != null) {
            out.printf(Locale.ROOT, "CRIU restore time: %.1f ms (forking %.1f ms), %d pages restored%n",
                    st.restoreTimeUs() / 1000.0, st.forkingTimeUs() == null ? 0 : st.forkingTimeUs() / 1000.0,
                    st.pagesRestored() == null ? 0 : st.pagesRestored());
        }
        printVerification(out, result.verification());
        return result.verification().passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    static void printVerification(PrintWriter out, VerificationReport report) {
        out.println("Verification of " + report.container() + ":");
        for (CheckResult c : report.checks()) {
            out.printf(Locale.ROOT, "  [%s] %-20s %s (%d ms)%n", c.passed() ? "PASS" : "FAIL", c.name(), c.detail(),
                    c.duration().toMillis());
        }
        out.println(report.passed() ? "All " + report.checks().size() + " checks passed."
                : report.failedCount() + " of " + report.checks().size() + " checks failed.");
        out.flush();
    }

}
