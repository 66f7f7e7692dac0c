package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.TransferEvent;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import dev.dockercheckpoint.engine.DockerContexts;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.Journal;
import dev.dockercheckpoint.engine.MigrationReceiver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The other host's side of {@code migrate --via}: reads the checkpoint on standard input, restores
 * and verifies it, reports on standard output as JSON lines, and keeps the copy only when told.
 */
@Command(name = "receive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Receive a container migrated with docker-checkpoint migrate --via (run by it through the"
                + " transport, not by hand): the checkpoint arrives on standard input, is restored and verified,"
                + " and the copy stays only when the migrating side confirms; reports go to standard output as"
                + " JSON lines.", ""})
final class ReceiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--check", description = "Only check that the copy can be made here (its name free, its image"
            + " present); without it the check is made first whenever -new-name is given.")
    boolean check;

    @Option(names = {"-new-name", "--new-name"}, paramLabel = "NAME", description = "Name of the copy (default: the"
            + " original's).")
    String newName;

    @Option(names = "--image", paramLabel = "IMAGE", description = "With --check: the image the copy needs.")
    String image;

    @Option(names = "--image-id", paramLabel = "ID", description = "With --check: that image's id.")
    String imageId;

    @Option(names = {"-dir", "--dir"}, defaultValue = "/var/lib/docker-checkpoint/received", paramLabel = "DIR",
            description = "Base directory the checkpoint is stored in on the way (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = {"-context", "--context"}, paramLabel = "NAME", description = "Docker context (or unix://"
            + " socket) of the engine to restore on (default: DOCKER_HOST or the local socket).")
    String context;

    @Option(names = "--keep-checkpoint", description = "Keep the received checkpoint afterwards.")
    boolean keepCheckpoint;

    @Option(names = "--max-size", defaultValue = "64G", paramLabel = "SIZE",
            description = "Refuse a checkpoint whose files add up to more (default: ${DEFAULT-VALUE}).")
    String maxSize;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (newName != null) {
                Names.requireValid("new container name", newName);
            }
            long max = ImportCommand.parseSize(maxSize);
            if (!Posix.isRoot()) {
                throw new DcpException(ErrorCode.PERMISSION_DENIED, "receive needs root: it restores the"
                        + " checkpoint it receives with runc and CRIU", "run it with sudo on the receiving host");
            }
            CheckpointStore store = new CheckpointStore(dir);
            DockerContexts contexts = DockerContexts.ofCurrentUser();
            String host = context == null ? contexts.host("default") : context.startsWith("unix://") ? context
                    : contexts.host(context);
            try (Engine engine = Engine.forHost(host, Journal.NONE)) {
                MigrationReceiver receiver = new MigrationReceiver(engine, store.base(), e -> emit(out, e));
                if (check && newName == null) {
                    throw new DcpException(dev.dockercheckpoint.core.ErrorCode.INVALID_INPUT,
                            "--check needs -new-name", "name the copy");
                }
                if (newName != null) {
                    receiver.check(newName, image, imageId); // before the original is frozen
                }
                if (check) {
                    return ExitCodes.OK;
                }
                Thread hook = new Thread(receiver::removeCopy, "receive-abort");
                Runtime.getRuntime().addShutdownHook(hook);
                boolean committed;
                try {
                    committed = receiver.receive(new BufferedInputStream(ImportCommand.stdin.get(), 1 << 16), newName,
                            keepCheckpoint, new ArchiveImporter.Limits(max, ArchiveImporter.Limits.DEFAULT.maxEntries()));
                } catch (DcpException e) {
                    return ExitCodes.FAILED; // reported as an event already
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // shutting down: the hook removes an uncommitted copy
                    }
                }
                return committed ? ExitCodes.OK : ExitCodes.FAILED;
            }
        } catch (DcpException e) {
            emit(out, TransferEvent.error(e));
            return ExitCodes.FAILED;
        }
    }

    private static synchronized void emit(PrintWriter out, TransferEvent e) {
        try {
            out.println(Json.mapper().writeValueAsString(e));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.flush();
    }
}
