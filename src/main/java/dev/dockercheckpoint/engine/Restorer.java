package dev.dockercheckpoint.engine;

import static dev.dockercheckpoint.engine.CriuRuns.RESTORE_LOG;
import static dev.dockercheckpoint.engine.CriuRuns.checkCancelled;
import static dev.dockercheckpoint.engine.CriuRuns.criuFailure;
import static dev.dockercheckpoint.engine.CriuRuns.millisSince;
import static dev.dockercheckpoint.engine.CriuRuns.readStats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.IntegrityReport;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restore of a stored checkpoint into a new container: its files checked against their
 * checksums, the image (carried from the engine
 * that made the checkpoint when missing), the network namespace's holder on Docker 28+, the
 * container from Docker's saved configuration, the writable layer, the images handed to Docker,
 * CRIU's settings for this restore (annotation, or runc.conf on old engines), the start, and the
 * verification. A failure removes what it created and leaves the checkpoint untouched (but for
 * the restore's log, which is kept).
 */
final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);
    /** The CRIU images without which a checkpoint cannot be restored. */
    private static final List<String> REQUIRED_IMAGES = List.of("inventory.img", "pstree.img");

    private final Docker docker;
    private final HostTools tools;
    private final RuncCriuConfig criuConfig;
    private final Path criuDir;
    private final BiFunction<String, ProgressListener, VerificationReport> verifier;

    Restorer(Docker docker, HostTools tools, RuncCriuConfig criuConfig, Path criuDir,
            BiFunction<String, ProgressListener, VerificationReport> verifier) {
        this.docker = docker;
        this.tools = tools;
        this.criuConfig = criuConfig;
        this.criuDir = criuDir;
        this.verifier = verifier;
    }


    RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        long start = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        Names.requireValid("container name", request.container());
        Names.requireValid("checkpoint name", request.name());
        Names.requireValid("new container name", request.newName());
        listener.phase("reading checkpoint", 0.02);
        CheckpointStore.Stored stored = new CheckpointStore(request.baseDir()).open(request.container(),
                request.name());
        for (String image : REQUIRED_IMAGES) {
            if (!Files.isRegularFile(stored.dir().resolve(image), LinkOption.NOFOLLOW_LINKS)) {
                throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "checkpoint " + request.container() + "/"
                        + request.name() + " lacks its CRIU images (" + image + " is missing)",
                        "the checkpoint is damaged; make a new one");
            }
        }
        if (docker.inspectContainer(request.newName()) != null) {
            throw new DcpException(ErrorCode.NAME_IN_USE, "a container named " + request.newName() + " already exists",
                    "choose another -new-name, or remove that container first (docker rm " + request.newName() + ")");
        }
        tools.criu();
        Manifest manifest = stored.manifest();
        List<String> warnings = new ArrayList<>(checkIntegrity(request, stored, listener));

        checkCancelled(listener);
        listener.phase("creating container " + request.newName(), 0.1);
        long t = System.nanoTime();
        String holderId = null;
        carryImage(manifest, listener);
        // volumes the checkpoint carries are filled before the container that mounts them exists
        warnings.addAll(Volumes.restore(docker, stored.dir(), listener));
        if (NetnsHolder.needed(docker.serverVersion(), manifest.spec(), stored.dir())) {
            // Docker 28+ cannot restore into a network namespace of the container's own (moby#50750)
            var saved = manifest.spec().docker();
            holderId = NetnsHolder.start(docker, saved == null ? null : saved.config(),
                    saved == null ? null : saved.hostConfig(), manifest.spec(), request.newName());
        }
        List<String> criuSettings = new ArrayList<>(
                RuncCriuConfig.restoreLines(manifest.options(), manifest.spec()));
        criuSettings.addAll(podmanMounts(stored.dir()));
        // API 1.43+: CRIU's settings for this restore alone, through the container's annotation
        CriuRestoreConfig perRestore = Docker.compare(docker.apiVersion(), "1.43") >= 0
                && ContainerFactory.fromSaved(manifest.spec())
                ? CriuRestoreConfig.create(criuDir, criuSettings) : null;
        String id;
        try {
            id = ContainerFactory.create(docker, manifest.spec(), request.newName(), holderId,
                    perRestore == null ? null : perRestore.file());
        } catch (RuntimeException e) {
            if (holderId != null) {
                docker.removeContainer(holderId);
            }
            if (perRestore != null) {
                perRestore.discard();
            }
            throw e;
        }
        timings.put("create", millisSince(t));
        boolean ok = false;
        Path keptLog = null;
        try {
            listener.phase("applying filesystem changes", 0.25);
            t = System.nanoTime();
            JsonNode created = docker.inspectContainer(id);
            if (created == null) {
                throw new DcpException(ErrorCode.DOCKER_ERROR, "container " + request.newName()
                        + " disappeared right after it was created", "restore again");
            }
            FilesystemChanges.Layer layer = FilesystemChanges.layerOf(ContainerInfo.of(created));
            FilesystemChanges.apply(tools.runner(), layer, stored.dir());
            if (criuSettings.stream().anyMatch(l -> l.startsWith("ext-mount-map " + CONTAINERENV + ":"))) {
                containerenvMountPoint(layer);
            }
            timings.put("filesystem", millisSince(t));

            listener.phase("handing the images to Docker", 0.4);
            t = System.nanoTime();
            Path dockerRoot = dockerRoot();
            Path target = dockerRoot.resolve("containers").resolve(id).resolve("checkpoints").resolve(request.name());
            try {
                linkOrCopyTree(stored.dir(), target);
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot hand the checkpoint images to Docker: "
                        + e.getMessage(), "check free space under " + dockerRoot, e);
            }
            timings.put("images", millisSince(t));

            checkCancelled(listener);
            listener.phase("restoring with CRIU", 0.5);
            t = System.nanoTime();
            Path restoreLog = stored.dir().resolve(RESTORE_LOG);
            keepEarlierRestoreLog(restoreLog);
            try {
                if (perRestore != null) {
                    try {
                        docker.startFromCheckpoint(id, request.name());
                    } finally {
                        perRestore.finish(restoreLog);
                    }
                } else {
                    criuConfig.forRestore(criuSettings, restoreLog, () -> {
                        docker.startFromCheckpoint(id, request.name());
                        return null;
                    });
                }
            } catch (Docker.DockerApiException e) {
                keptLog = Files.isRegularFile(restoreLog) ? restoreLog : null;
                throw criuFailure("CRIU could not restore " + request.container() + "/" + request.name() + " into "
                        + request.newName(), keptLog, e.daemonMessage().replaceAll("\\s+", " "));
            }
            timings.put("restore", millisSince(t));
            if (holderId != null && !NetworkNamespace.externalInImages(stored.dir())) {
                // a checkpoint from an engine before 28 holds no network namespace: runc 1.3 has
                // CRIU restore the processes into a new, empty one, with the loopback down
                NetworkNamespace.loopbackUp(tools.runner(), docker.inspectContainer(id).path("State").path("Pid")
                        .asInt());
            }
            keptLog = restoreLog;
            copyRestoreStats(id, stored.dir());
            timings.put("total", millisSince(start));
            ok = true;
            listener.phase("verifying", 0.8);
            VerificationReport report = verifier.apply(request.newName(), listener);
            listener.phase("done", 1.0);
            return new RestoreResult(request.newName(), id, keptLog, timings, report,
                    readStats(stored.dir().resolve("stats-restore")), warnings);
        } finally {
            if (!ok) {
                boolean interrupted = Thread.interrupted();
                docker.removeContainer(id);
                if (holderId != null) {
                    docker.removeContainer(holderId);
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Podman's marker file in its containers, an external bind mount in the images of a Podman checkpoint. */
    static final String CONTAINERENV = "/run/.containerenv";

    /** Podman made the mount point of its marker file in the root filesystem; the new layer gets one too. */
    private static void containerenvMountPoint(FilesystemChanges.Layer layer) {
        Path run = layer.upper().resolve("run");
        Path file = run.resolve(".containerenv");
        try {
            if (!Files.exists(run, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(run);
                Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(file);
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot make the mount point " + CONTAINERENV + " in the new"
                    + " container: " + e.getMessage(), "check free space under Docker's data root", e);
        }
    }

    /**
     * CRIU settings for the mounts a container checkpointed by Podman had and Docker does not
     * make: Podman's marker file {@code /run/.containerenv} (empty here, as Podman's is for a
     * container without privileges) is mapped onto a file of the tool's own. Podman's
     * {@code /dev/shm} comes from the new container's shareable IPC mode instead (see
     * the import of Podman's archives).
     */
    private List<String> podmanMounts(Path dir) {
        try {
            if (!dev.dockercheckpoint.core.PortableImages.externalMountKeys(dir).contains(CONTAINERENV)) {
                return List.of();
            }
            Files.createDirectories(criuDir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    Posix.DIR_PRIVATE));
            Path marker = criuDir.resolve(java.util.UUID.randomUUID() + ".containerenv");
            Files.createFile(marker);
            Files.setPosixFilePermissions(marker, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            return List.of("ext-mount-map " + CONTAINERENV + ":" + marker);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot prepare " + CONTAINERENV + " for a checkpoint made by"
                    + " Podman: " + e.getMessage(), "check that " + criuDir + " is writable by root", e);
        }
    }

    /**
     * Every file of the checkpoint (its pre-dump's too: they live in its predump/ directory) is
     * checked against the checksums recorded when it was made, before anything is created: a
     * damaged checkpoint is refused, naming the files. One made without checksums (by an older
     * version) restores, with a warning.
     */
    private static List<String> checkIntegrity(RestoreRequest request, CheckpointStore.Stored stored,
            ProgressListener listener) {
        String what = "checkpoint " + request.container() + "/" + request.name();
        IntegrityReport integrity = IntegrityCheck.verifyStored(stored.dir(), listener, 0.02, 0.1);
        switch (integrity.state()) {
            case NONE -> {
                String warning = what + " was made without checksums, not checked";
                listener.phase("warning: " + warning, 0.1);
                LOG.warn("{}", warning);
                return List.of(warning);
            }
            case DAMAGED -> throw IntegrityCheck.damagedError(what, integrity.damaged(), "nothing was restored; the"
                    + " checkpoint's files changed after it was made (disk, copy or a hand edit): restore another"
                    + " checkpoint, or make a new one");
            default -> {
                return List.of();
            }
        }
    }

    /**
     * A checkpoint made on another engine of this host restores here with its image: when this
     * engine lacks it, it is copied from the engine that made the checkpoint (save and load).
     */
    private void carryImage(Manifest m, ProgressListener listener) {
        carryImage(docker, m.spec(), m.versions() == null ? null : m.versions().dockerHost(), listener);
    }

    /** The image of {@code spec} copied to {@code docker} from the engine at {@code source} when it lacks it. */
    static void carryImage(Docker docker, dev.dockercheckpoint.core.ContainerSpec spec, String source,
            ProgressListener listener) {
        if (source == null || source.equals(docker.host()) || ContainerFactory.imagePresent(docker, spec)) {
            return;
        }
        String ref = spec.imageId() != null ? spec.imageId() : spec.image();
        listener.phase("copying image " + spec.image() + " from " + source, 0.06);
        try (Docker from = Docker.connect(source)) {
            JsonNode byName = from.getJson("/images/" + Docker.encode(spec.image()) + "/json");
            if (byName != null && (spec.imageId() == null || spec.imageId().equals(byName.path("Id").asText()))) {
                ref = spec.image(); // the name travels with the image, so docker ps shows it
            }
            try (InputStream image = from.saveImage(ref)) {
                docker.loadImage(image);
            }
        } catch (DcpException | IOException | Docker.DockerApiException e) {
            throw new DcpException(ErrorCode.DOCKER_ERROR, "image " + spec.image() + " is not on this engine and"
                    + " cannot be copied from the engine that made the checkpoint (" + source + "): "
                    + e.getMessage(), "copy it yourself: docker save " + spec.image() + " | DOCKER_HOST="
                            + docker.host() + " docker load");
        }
    }

    /**
     * Every restore's log is kept: an earlier restore.log becomes {@code restore-<time>.log}
     * (its last change) before CRIU writes the new one.
     */
    static void keepEarlierRestoreLog(Path restoreLog) {
        if (!Files.isRegularFile(restoreLog, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .withZone(java.time.ZoneOffset.UTC)
                    .format(Files.getLastModifiedTime(restoreLog, LinkOption.NOFOLLOW_LINKS).toInstant());
            Path kept = restoreLog.resolveSibling("restore-" + stamp + ".log");
            for (int i = 2; Files.exists(kept, LinkOption.NOFOLLOW_LINKS); i++) {
                kept = restoreLog.resolveSibling("restore-" + stamp + "-" + i + ".log");
            }
            Files.move(restoreLog, kept);
        } catch (IOException e) {
            LOG.warn("cannot keep the earlier {}: {}", restoreLog, e.getMessage());
        }
    }

    /** Hard-links (or copies, across filesystems) a checkpoint directory; links stay links. */
    static void linkOrCopyTree(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path t = target.resolve(source.relativize(dir).toString());
                Files.createDirectories(t);
                Files.setPosixFilePermissions(t, Posix.DIR_PRIVATE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path t = target.resolve(source.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(t, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    try {
                        Files.createLink(t, file);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Copies CRIU's stats-restore of the restored container {@code id} into the checkpoint: it is
     * left in the shim's work directory, found from the container's shim (containerd 1.6 to 2.x),
     * else in the known locations of Docker's own containerd and a system containerd.
     */
    private static void copyRestoreStats(String id, Path checkpointDir) {
        List<Path> candidates = new ArrayList<>();
        ContainerRuntime.locate(id).map(ContainerRuntime::workDir).ifPresent(w -> candidates.add(w.resolve(
                "stats-restore")));
        for (String root : List.of("/var/lib/docker/containerd/daemon/io.containerd.runtime.v2.task/moby",
                "/var/lib/containerd/io.containerd.runtime.v2.task/moby")) {
            candidates.add(Path.of(root, id, "stats-restore"));
        }
        for (Path stats : candidates) {
            if (Files.isRegularFile(stats)) {
                try {
                    copyPrivate(stats, checkpointDir.resolve("stats-restore"));
                } catch (IOException e) {
                    LOG.warn("cannot copy {}: {}", stats, e.getMessage());
                }
                return;
            }
        }
    }

    private static void copyPrivate(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, Posix.FILE_PRIVATE);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path dockerRoot() {
        return Path.of(docker.info().path("DockerRootDir").asText("/var/lib/docker"));
    }
}
