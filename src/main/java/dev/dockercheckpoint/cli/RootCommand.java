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
import dev.dockercheckpoint.core.VerificationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The seed's command: checkpoint a container, or with -restore restore one of its checkpoints.
 * Its model is built in code ({@link #model}) rather than read from annotations: reading them
 * costs a tiny checkpoint's command line a tenth of its time (a proxy class is made for each
 * kind of annotation, and each attribute is read through it).
 */
public final class RootCommand implements Callable<Integer> {
    /**
     * The subcommands, by name. They are added to the command line only when an argument names one
     * or help is asked for ({@link Main#commandLine}): building their models costs a tiny
     * checkpoint's command line more time than the rest of its start-up.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = pairs(
            "doctor", DoctorCommand.class, "list", ListCommand.class, "helper", HelperCommand.class,
            "gui", GuiCommand.class, "explain", ExplainCommand.class, "inspect", InspectCommand.class,
            "verify-checkpoint", VerifyCheckpointCommand.class, "export", ExportCommand.class,
            "import", ImportCommand.class, "migrate", MigrateCommand.class, "receive", ReceiveCommand.class);

    /** Keys and values in turn, in their order (the names are the subcommands' {@code @Command} names: a test compares them). */
    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> pairs(Object... keysAndValues) {
        Map<String, V> byKey = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            byKey.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(byKey);
    }

    CommandSpec spec;
    String container;
    String name;
    Path dir;
    boolean leaveRunning;
    boolean tcp;
    boolean fileLocks;
    boolean preDump;
    boolean allowLostProcesses;
    boolean restore;
    String newName;
    String context;
    boolean verbose;

    /** The command line's model of this command: its options write into its fields. */
    CommandSpec model() {
        spec = CommandSpec.wrapWithoutInspection(this);
        spec.name("docker-checkpoint").versionProvider(new VersionProvider());
        spec.usageMessage().sortOptions(false).autoWidth(true).description(
                "Checkpoint a running Docker container with CRIU, or restore a checkpoint into a new container.",
                "",
                "  Checkpoint:  sudo docker-checkpoint -container myapp -name checkpoint1",
                "  Restore:     sudo docker-checkpoint -restore -container myapp -name checkpoint1 -new-name"
                        + " myapp-restored",
                "",
                "Checkpoints are stored in <dir>/<container>/<name>/ (container.json, CRIU images, dump.log,"
                        + " stats-dump, filesystem changes). A restore recreates the container under the new name,"
                        + " restores it with CRIU and verifies it (status, process, API, logs, stats).",
                "Boolean options take an optional value: -tcp=false turns TCP support off.",
                "")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(RootCommand.<String>pairs("0", "success", "1", "the operation failed (see the error and hint)",
                        "2", "bad usage", "3", "restored, but a verification check failed"));
        spec.addOption(value("container", "NAME", String.class, null, v -> container = v,
                "Container to checkpoint, or whose checkpoint to restore (name or id)."));
        spec.addOption(value("name", "NAME", String.class, CheckpointRequest.DEFAULT_NAME, v -> name = v,
                "Checkpoint name (default: ${DEFAULT-VALUE})."));
        spec.addOption(value("dir", "DIR", Path.class, null, v -> dir = v, "Base directory for checkpoints"
                + " (default: /tmp/docker-checkpoints; through the helper, the first it serves, and only those it"
                + " serves)."));
        spec.addOption(bool("leave-running", true, v -> leaveRunning = v,
                "Keep the container running after the checkpoint (default: ${DEFAULT-VALUE})."));
        spec.addOption(bool("tcp", true, v -> tcp = v,
                "Checkpoint established TCP connections (CRIU --tcp-established; default: ${DEFAULT-VALUE})."));
        spec.addOption(bool("file-locks", true, v -> fileLocks = v,
                "Checkpoint file locks (CRIU --file-locks; default: ${DEFAULT-VALUE})."));
        spec.addOption(bool("pre-dump", false, v -> preDump = v, "Pre-dump memory first, then dump only what"
                + " changed; needs kernel memory dirty tracking (default: ${DEFAULT-VALUE})."));
        spec.addOption(bool("allow-lost-processes", false, v -> allowLostProcesses = v, "Checkpoint even when some"
                + " processes are outside the container's init process tree (started with docker exec); CRIU leaves"
                + " them out and container.json records them (default: ${DEFAULT-VALUE})."));
        spec.addOption(bool("restore", false, v -> restore = v, "Restore the checkpoint instead of creating one."));
        spec.addOption(value("new-name", "NAME", String.class, null, v -> newName = v,
                "Name of the restored container (default: <container>-restored)."));
        spec.addOption(value("context", "NAME", String.class, null, v -> context = v, "Docker context whose engine"
                + " to use, as docker --context (default: DOCKER_HOST or the local socket)."));
        spec.addOption(OptionSpec.builder("-v", "--verbose").type(boolean.class).setter(new Into<Boolean>(v -> verbose = v))
                .description("Log details to stderr.").build());
        // the standard help options, as picocli's mixin makes them (the mixin reads annotations)
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** An option with a value, named {@code -name} and {@code --name}. */
    private static <V> OptionSpec value(String name, String label, Class<V> type, String defaultValue,
            Consumer<V> into, String description) {
        return OptionSpec.builder("-" + name, "--" + name).paramLabel(label).type(type).defaultValue(defaultValue)
                .setter(new Into<>(into)).description(description).build();
    }

    /** A boolean option whose value is optional (-tcp is -tcp=true), named {@code -name} and {@code --name}. */
    private static OptionSpec bool(String name, boolean defaultValue, Consumer<Boolean> into, String description) {
        return OptionSpec.builder("-" + name, "--" + name).arity("0..1").type(boolean.class)
                .defaultValue(String.valueOf(defaultValue)).fallbackValue("true").paramLabel("BOOL")
                .setter(new Into<>(into)).description(description).build();
    }

    /**
     * Hands an option's value to the field it belongs in; null, the initial value picocli sets
     * before parsing, leaves the field as it is (false, or null).
     */
    private record Into<V>(Consumer<V> field) implements ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            if (value != null) {
                field.accept((V) value);
            }
            return null;
        }
    }

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
        RestoreReport result = target.restore(request, progress);
        for (String warning : result.warnings()) {
            spec.commandLine().getErr().println("warning: " + warning);
            spec.commandLine().getErr().flush();
        }
        out.printf("Container %s restored (id %s) in %.2f s%n", result.containerName(),
                result.containerId().substring(0, 12), result.totalMillis() / 1000.0);
        if (result.restoreLog() != null) {
            out.printf("CRIU log: %s%n", result.restoreLog());
        }
        if (result.restoreTimeUs() != null) {
            out.printf(Locale.ROOT, "CRIU restore time: %.1f ms (forking %.1f ms), %d pages restored%n",
                    result.restoreTimeUs() / 1000.0, result.forkingTimeUs() == null ? 0 : result.forkingTimeUs() / 1000.0,
                    result.pagesRestored() == null ? 0 : result.pagesRestored());
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
