package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.engine.DockerContexts;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import dev.dockercheckpoint.engine.LocalMigrationTarget;
import dev.dockercheckpoint.engine.MigrationTarget;
import dev.dockercheckpoint.engine.Recovery;
import dev.dockercheckpoint.engine.TransportMigrationTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Live migration of a running container to another Docker engine: of this host ({@code --to
 * CONTEXT}), or of another host through a transport command ({@code --via}).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Move a running container to another Docker engine: it is frozen, dumped, and stays"
                + " frozen while its checkpoint travels and is restored and verified there; only then is the"
                + " original removed. On any failure, or Ctrl-C, the copy is removed and the original thawed.",
            "",
            "  sudo docker-checkpoint migrate -container myapp --to other-context",
            "  sudo docker-checkpoint migrate -container myapp --via 'ssh hostb sudo docker-checkpoint'",
            "  docker-checkpoint migrate -container myapp --to current    (through the helper, to its engine current)",
            ""})
final class MigrateCommand implements Callable<Integer> {
    /** How long a Ctrl-C waits for the migration to undo what it did. */
    private static final Duration UNDO = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Option(names = {"-container", "--container"}, required = true, paramLabel = "NAME",
            description = "Container to migrate (name or id).")
    String container;

    @Option(names = "--to", paramLabel = "CONTEXT", description = "Docker context (or unix:// socket) of the target"
            + " engine; through the helper (without root), one of its engines by name or socket; with --via, a"
            + " context of the other host (default there: its DOCKER_HOST or local socket).")
    String to;

    @Option(names = {"-new-name", "--new-name"}, paramLabel = "NAME",
            description = "Name of the copy (default: the original's).")
    String newName;

    @Option(names = {"-dir", "--dir"}, paramLabel = "DIR", description = "Base directory the checkpoint is written"
            + " to on the way (default: /tmp/docker-checkpoints; through the helper, the first it serves).")
    Path dir;

    @Option(names = "--via", paramLabel = "COMMAND", description = "Command that runs docker-checkpoint on the other"
            + " host, split at spaces (no shell), e.g. 'ssh hostb sudo docker-checkpoint'; its receive"
            + " subcommand reads the checkpoint on its standard input.")
    String via;

    @Option(names = "--via-arg", paramLabel = "ARG", description = "One more argument of the --via command (for"
            + " arguments holding spaces); may be repeated, and used without --via.")
    List<String> viaArgs = new ArrayList<>();

    @Option(names = {"-tcp", "--tcp"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL", description = "Keep established TCP connections (default: ${DEFAULT-VALUE}).")
    boolean tcp;

    @Option(names = {"-file-locks", "--file-locks"}, arity = "0..1", defaultValue = "true", fallbackValue = "true",
            paramLabel = "BOOL", description = "Keep file locks (default: ${DEFAULT-VALUE}).")
    boolean fileLocks;

    @Option(names = {"-allow-lost-processes", "--allow-lost-processes"}, arity = "0..1", defaultValue = "false",
            fallbackValue = "true", paramLabel = "BOOL", description = "Migrate even when processes outside the"
                    + " init's tree (docker exec) would be left out (default: ${DEFAULT-VALUE}).")
    boolean allowLostProcesses;

    @Option(names = "--keep-checkpoint", description = "Keep the checkpoint in -dir afterwards (it is removed by"
            + " default).")
    boolean keepCheckpoint;

    @Option(names = {"-context", "--context"}, paramLabel = "NAME",
            description = "Docker context (or unix:// socket) of the engine the container runs on (default:"
                    + " DOCKER_HOST or the local socket); through the helper, also one of its engines by name.")
    String context;

    @Option(names = "--json", description = "Print the result as JSON (for scripts).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Log details to stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Names.requireValid("container name", container);
        if (newName != null) {
            Names.requireValid("new container name", newName);
        }
        List<String> transport = new ArrayList<>();
        if (via != null) {
            transport.addAll(Arrays.stream(via.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        }
        transport.addAll(viaArgs);
        if (transport.isEmpty() && to == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "missing --to", "name the target engine's Docker context,"
                    + " e.g. --to other (docker context ls), or another host with --via COMMAND");
        }
        if (!Posix.isRoot()) {
            if (!transport.isEmpty()) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "migrate --via needs root: it freezes and dumps"
                        + " the container with runc and CRIU itself and runs the transport command as you",
                        "run it with sudo; without root, migrate between the helper's engines with --to NAME");
            }
            return throughHelper();
        }
        if (dir == null) {
            dir = CheckpointStore.DEFAULT_BASE;
        }
        new CheckpointStore(dir);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DockerContexts contexts = DockerContexts.ofCurrentUser();
        String sourceHost = context == null ? contexts.host("default") : context.startsWith("unix://") ? context
                : contexts.host(context);
        Journal journal = Journal.at(Journal.DEFAULT_DIR).forHost(sourceHost,
                sourceHost.equals(contexts.host("default")));
        CancelOnSignal progress = new CancelOnSignal(new ConsoleProgress(err, verbose));
        try (Engine source = Engine.forHost(sourceHost, journal);
                MigrationTarget target = target(transport, contexts)) {
            repairFirst(source, err);
            MigrationRequest request = new MigrationRequest(container, newName, dir.toAbsolutePath(),
                    CheckpointOptions.defaults().withTcpEstablished(tcp).withFileLocks(fileLocks)
                            .withAllowLostProcesses(allowLostProcesses), keepCheckpoint);
            if (!json) {
                out.printf("Migrating container %s from %s to %s as %s%n", container, sourceHost, target.describe(),
                        request.copyName());
                out.flush();
            }
            MigrationResult result;
            progress.arm();
            try {
                result = source.migrate(request, target, progress);
            } finally {
                progress.disarm();
            }
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else {
                print(out, result);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /**
     * Without root: the helper migrates the container from the engine of --context (or DOCKER_HOST)
     * to its engine --to, both among those it serves; Ctrl-C asks it to stop and thaw the original.
     */
    private int throughHelper() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (HelperTarget helper = CommandTarget.helper(context)) {
            String contextHost = null;
            if (!to.startsWith("unix://") && !helper.client().lastHello().engineNames().contains(to)) {
                try {
                    contextHost = DockerContexts.ofCurrentUser().host(to);
                } catch (DcpException e) {
                    // not a context of this user either: refused below with the helper's engines
                }
            }
            String target = HelperEngines.target(helper.client().lastHello(), to, contextHost);
            Path base = dir == null ? helper.defaultDir() : dir.toAbsolutePath();
            MigrationRequest request = new MigrationRequest(container, newName, base, CheckpointOptions.defaults()
                    .withTcpEstablished(tcp).withFileLocks(fileLocks).withAllowLostProcesses(allowLostProcesses),
                    keepCheckpoint);
            if (!json) {
                out.printf("Migrating container %s through the helper from engine %s to %s as %s%n", container,
                        helper.engine(), target, request.copyName());
                out.flush();
            }
            CancelOnSignal progress = new CancelOnSignal(new ConsoleProgress(err, verbose));
            MigrationResult result;
            progress.arm();
            try {
                result = helper.migrate(request, target, progress);
            } finally {
                progress.disarm();
            }
            if (json) {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } else {
                print(out, result);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private MigrationTarget target(List<String> transport, DockerContexts contexts) {
        if (!transport.isEmpty()) {
            return new TransportMigrationTarget(transport, to == null ? List.of() : List.of("--context", to));
        }
        String host = to.startsWith("unix://") ? to : contexts.host(to);
        return new LocalMigrationTarget(Engine.forHost(host, Journal.NONE), to, true);
    }

    /** What a migration killed before it ended left: repaired first (a frozen original thawed, its copy removed). */
    private static void repairFirst(Engine source, PrintWriter err) throws InterruptedException {
        Recovery recovery = source.recover(new Recovery.Listener() {
            @Override
            public void repaired(String what) {
                err.println("repaired: " + what);
                err.flush();
            }

            @Override
            public void problem(String what) {
                err.println("warning: " + what);
                err.flush();
            }
        });
        if (!recovery.await(Duration.ofMinutes(1))) {
            err.println("warning: the repair of interrupted operations goes on in the background");
        }
    }

    static void print(PrintWriter out, MigrationResult r) {
        out.printf("Container %s migrated to %s as %s (id %s).%n", r.container(), r.target(), r.newName(),
                r.newId() == null ? "?" : r.newId().substring(0, Math.min(12, r.newId().length())));
        var p = r.phasesMillis();
        out.printf(Locale.ROOT, "Application downtime: %.1f ms, from the freeze to its copy running (dump %d ms,"
                + " transfer %d ms, restore %d ms)%n", r.downtimeMillis(), p.getOrDefault(MigrationResult.DUMP, 0L),
                p.getOrDefault(MigrationResult.TRANSFER, 0L), p.getOrDefault(MigrationResult.RESTORE, 0L));
        var v = r.verification();
        out.printf("Verification of the copy: %s (%d ms)%n", v.passed() ? "all " + v.checks().size() + " checks passed"
                : v.failedCount() + " of " + v.checks().size() + " checks failed",
                p.getOrDefault(MigrationResult.VERIFY, 0L));
        for (CheckResult c : v.checks()) {
            out.printf(Locale.ROOT, "  [%s] %-20s %s%n", c.passed() ? "PASS" : "FAIL", c.name(), c.detail());
        }
        out.printf("The original was removed; it stayed frozen for %d ms in all and never ran beside its copy.%n",
                r.frozenMillis());
        if (r.checkpoint() != null) {
            out.println("Checkpoint kept: " + r.checkpoint());
        }
    }

    /**
     * Ctrl-C (or a TERM) while migrating: the migration is cancelled at its next safe point,
     * removes its copy and thaws the original, and the process exits only after that.
     */
    static final class CancelOnSignal implements ProgressListener {
        private final ProgressListener delegate;
        private volatile boolean cancelled;
        private final CountDownLatch finished = new CountDownLatch(1);
        private Thread hook;

        CancelOnSignal(ProgressListener delegate) {
            this.delegate = delegate;
        }

        void arm() {
            hook = new Thread(() -> {
                cancelled = true;
                try {
                    finished.await(UNDO.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "migrate-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void disarm() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running and now returns
            }
        }

        @Override
        public void phase(String phase, double fraction) {
            delegate.phase(phase, fraction);
        }

        @Override
        public void logLine(String line) {
            delegate.logLine(line);
        }

        @Override
        public void check(CheckResult result) {
            delegate.check(result);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
