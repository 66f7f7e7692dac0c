package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.criulog.CriuStats;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checkpoint, restore, verify and preflight on the real host: Docker through docker-java, CRIU
 * through runc on Docker's runc state root (runc honours every CRIU option, Docker's own
 * checkpoint API does not), and the checkpoint store. Thread-safe; one instance serves many
 * operations.
 */
public final class Engine implements CheckpointEngine {
    private final Docker docker;
    private final HostTools tools;
    private final RuncCriuConfig criuConfig;
    private final Path criuDir = CriuRestoreConfig.DEFAULT_DIR;
    private final Journal journal;
    /** Containers whose interrupted checkpoint is still being repaired (see {@link #recover}). */
    private final Set<String> repairing = ConcurrentHashMap.newKeySet();
    private final Checkpointer checkpointer;

    /** An engine that keeps no journal. */
    public Engine(Docker docker, HostTools tools, RuncCriuConfig criuConfig) {
        this(docker, tools, criuConfig, Journal.NONE);
    }

    /** An engine that records its operations in flight in {@code journal}. */
    public Engine(Docker docker, HostTools tools, RuncCriuConfig criuConfig, Journal journal) {
        this.docker = docker;
        this.tools = tools;
        this.criuConfig = criuConfig;
        this.journal = journal;
        this.checkpointer = new Checkpointer(docker, tools, criuConfig, journal, repairing);
    }

    /**
     * An engine on the local Docker engine (DOCKER_HOST or the default socket) and host tools, with
     * the default journal ({@link Journal#DEFAULT_DIR}, where the helper finds what a killed
     * command line left).
     */
    public static Engine local() {
        return new Engine(Docker.connect(), new HostTools(new SystemProcessRunner()), new RuncCriuConfig(),
                Journal.at(Journal.DEFAULT_DIR));
    }

    /** An engine on the Docker engine at {@code host} ({@code unix://PATH}), with the default journal. */
    public static Engine forHost(String host) {
        return forHost(host, Journal.at(Journal.DEFAULT_DIR));
    }

    /** An engine on the Docker engine at {@code host} ({@code unix://PATH}) that keeps {@code journal}. */
    public static Engine forHost(String host, Journal journal) {
        return new Engine(Docker.connect(host), new HostTools(new SystemProcessRunner()), new RuncCriuConfig(),
                journal);
    }

    public Journal journal() {
        return journal;
    }

    public Docker docker() {
        return docker;
    }

    public HostTools tools() {
        return tools;
    }

    public static String toolVersion() {
        return ToolVersion.VALUE;
    }

    /** Read from the jar once: every hello tells it. */
    private static final class ToolVersion {
        static final String VALUE = read();

        private static String read() {
            try (InputStream in = Engine.class.getResourceAsStream("/dev/dockercheckpoint/version.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "dev");
            } catch (IOException e) {
                return "dev";
            }
        }
    }

    // ---------------------------------------------------------------- checkpoint

    /**
     * Checkpoints a running container (see {@link Checkpointer}): files and memory describe the
     * same instant, and once CRIU has ended the container its checkpoint is never deleted.
     */
    @Override
    public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
        return checkpointer.checkpoint(request, listener);
    }

    /**
     * Checkpoints a running container and keeps it frozen after the dump (see
     * {@link FrozenCheckpoint}): the caller thaws or removes it.
     */
    public FrozenCheckpoint checkpointFrozen(CheckpointRequest request, ProgressListener listener) {
        return checkpointer.checkpointFrozen(request, listener);
    }

    // ---------------------------------------------------------------- migrate

    /** Migrates a running container to {@code target} (see {@link Migration}). */
    public MigrationResult migrate(MigrationRequest request, MigrationTarget target, ProgressListener listener) {
        return Migration.run(this, target, request, listener);
    }

    @Override
    public MigrationResult migrate(MigrationRequest request, CheckpointEngine target, String targetName,
            ProgressListener listener) {
        if (!(target instanceof Engine engine)) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "engine " + targetName + " cannot take a migration",
                    "migrate between engines of this host");
        }
        return migrate(request, new LocalMigrationTarget(engine, targetName, false), listener);
    }

    // ---------------------------------------------------------------- restore

    /**
     * Restores a checkpoint into a new container (see {@link Restorer}).
     */
    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        return new Restorer(docker, tools, criuConfig, criuDir, this::verify).restore(request, listener);
    }

    @Override
    public VerificationReport verify(String container, ProgressListener listener) {
        Names.requireValid("container name", container);
        return new Verifier(docker).verify(container, listener);
    }

    // ---------------------------------------------------------------- contents

    /** Process tree, memory, open files and statistics of a stored checkpoint. */
    @Override
    public Path volumeMountpoint(String name) {
        return Volumes.mountpoint(docker, name);
    }

    @Override
    public CheckpointContents inspect(Path baseDir, String container, String name) {
        CheckpointStore.Stored stored = new CheckpointStore(baseDir).open(container, name);
        CriuStats stats = stored.manifest().dumpStats() != null ? stored.manifest().dumpStats()
                : CriuRuns.readStats(stored.dir().resolve("stats-dump"));
        return new ImageInspector(tools.runner()).inspect(container, name, stored.dir(), stats);
    }

    // ---------------------------------------------------------------- delete

    /** Deletes a stored checkpoint; the journal records the rename so that an interrupted delete is finished later. */
    @Override
    public Path delete(Path baseDir, String container, String name) {
        Names.requireValid("container name", container);
        CheckpointStore store = new CheckpointStore(baseDir);
        String trash = CheckpointStore.trashName(name);
        Journal.Entry entry = journal.begin(JournalEntry.delete(container, store.base(), name, trash));
        try {
            Path deleted = store.delete(container, name, trash);
            entry.close();
            return deleted;
        } catch (DcpException e) {
            if (e.code() == ErrorCode.IO_ERROR) {
                entry.keep(); // the renamed checkpoint may be left: removed at the next start
            } else {
                entry.close();
            }
            throw e;
        } catch (RuntimeException e) {
            entry.keep();
            throw e;
        }
    }

    // ---------------------------------------------------------------- crash recovery

    /** Reason recorded in a checkpoint that recovery found finished but not committed. */
    static final String RECOVERED = "the helper stopped before the checkpoint was finished; its dump is complete"
            + " and was kept at the helper's next start";

    /**
     * Repairs, beside the caller (which goes on at once), what interrupted operations left: a
     * runc.conf still holding a restore's options, and each entry of the journal, that is each
     * operation of this tool that did not end ({@link JournalRepair}); nothing else. Containers
     * being repaired are refused new checkpoints until their repair ends.
     */
    public Recovery recover(Recovery.Listener listener) {
        return Recovery.start(this, journal, criuConfig, listener, Recovery.MAX_WAIT);
    }

    /** The containers being repaired (their ids). */
    Set<String> repairing() {
        return repairing;
    }

    /** Whether CRIU finished the dump in {@code dir} (its log says so). */
    static boolean dumpFinished(Path dir) {
        Path log = dir.resolve(CriuRuns.DUMP_LOG);
        try {
            if (!Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            long size = Files.size(log);
            try (var ch = Files.newByteChannel(log, java.nio.file.StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                ch.position(Math.max(0, size - 4096));
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
                ch.read(buf);
                return new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8)
                        .contains("Dumping finished successfully");
            }
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- containers

    /** Containers known to Docker (all of them, or only running ones), sorted by name. */
    @Override
    public List<ContainerSummary> listContainers(boolean all) {
        List<ContainerSummary> result = new ArrayList<>();
        for (Container c : docker.client().listContainersCmd().withShowAll(all).exec()) {
            String name = c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0];
            result.add(new ContainerSummary(c.getId(), name.startsWith("/") ? name.substring(1) : name, c.getImage(),
                    c.getState(), c.getStatus(), c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated())));
        }
        result.sort(Comparator.comparing(ContainerSummary::name));
        return result;
    }

    /**
     * Follows Docker's container events until the returned handle is closed; {@code sink} is
     * called on Docker's event thread.
     */
    @Override
    public AutoCloseable subscribe(java.util.function.Consumer<ContainerEvent> sink) {
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event e) {
                if (e.getType() != EventType.CONTAINER) {
                    return;
                }
                Map<String, String> attrs = e.getActor() == null || e.getActor().getAttributes() == null ? Map.of()
                        : e.getActor().getAttributes();
                String action = e.getAction() == null ? e.getStatus() : e.getAction();
                sink.accept(new ContainerEvent(action, e.getId(), attrs.getOrDefault("name", ""),
                        attrs.getOrDefault("image", e.getFrom())));
            }
        };
        docker.client().eventsCmd().withEventTypeFilter(EventType.CONTAINER).exec(callback);
        return callback;
    }

    // ---------------------------------------------------------------- doctor

    public static DoctorReport doctor(Docker dockerOrNull, HostTools tools) {
        return Doctor.run(dockerOrNull, tools);
    }

    @Override
    public DoctorReport doctor() {
        return Doctor.run(docker, tools);
    }

    @Override
    public String containerId(String ref) {
        JsonNode json = docker.inspectContainer(ref);
        return json == null ? null : json.path("Id").asText(null);
    }

    @Override
    public void close() {
        docker.close();
    }
}
