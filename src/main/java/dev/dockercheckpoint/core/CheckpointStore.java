package dev.dockercheckpoint.core;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The on-disk layout {@code <base>/<container>/<checkpoint>/} and its safety rules.
 *
 * <p>The default base lives in /tmp, where any local user can create entries first. Every
 * operation goes through directory handles opened from {@code /} without following links
 * ({@link SafeDir}): the ancestors of the base belong to root or this process's user and only
 * they can change them (a sticky directory such as /tmp is accepted), the base belongs to this
 * user and no one else can write to it, and every level below it (container, checkpoint and
 * temporary directories) belongs to this user and is 0700, so that its path can be handed to
 * runc, CRIU and tar. New checkpoints are written to a hidden temporary sibling and renamed into
 * place only when complete. Directories are 0700 and files 0600.
 *
 * <p>This class creates ({@link Pending}), opens and deletes checkpoints; listing and details
 * ({@link CheckpointListing}), the logs ({@link CheckpointLogs}), the repair of what an
 * interrupted operation left ({@link PartialRepair}) and the JSON files ({@link StoreFiles}) are
 * done beside it, on the same checked directory handles.
 */
public final class CheckpointStore {
    public static final Path DEFAULT_BASE = Path.of("/tmp/docker-checkpoints");
    public static final String PARTIAL_MARKER = ".partial-";
    /** The OCI runtime spec runc ran the container with, kept by a checkpoint (Podman restores from it). */
    public static final String RUNTIME_SPEC = "runtime-spec.json";
    /** Made when first needed: seeding it costs a command line that only reads a few milliseconds. */
    private static final class Random {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private final Path base;
    private final int uid;

    public CheckpointStore(Path base) {
        this(base, Posix.currentUid());
    }

    CheckpointStore(Path base, int uid) {
        if (base == null || base.toString().isBlank()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "checkpoint directory is empty",
                    "pass -dir with a directory path, e.g. " + DEFAULT_BASE);
        }
        if (base.toString().chars().anyMatch(Character::isISOControl)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "checkpoint directory contains a control character",
                    "pass -dir with a plain directory path");
        }
        this.base = base.toAbsolutePath().normalize();
        this.uid = uid;
    }

    public Path base() {
        return base;
    }

    /** Path of a checkpoint (not checked). */
    public Path checkpointDir(String container, String name) {
        return base.resolve(Names.requireValid("container name", container))
                .resolve(Names.requireValid("checkpoint name", name));
    }

    /** A fresh name for the temporary directory of a new checkpoint {@code name}: {@code .<name>.partial-<random>}. */
    public static String partialName(String name) {
        return "." + Names.requireValid("checkpoint name", name) + PARTIAL_MARKER
                + HexFormat.of().toHexDigits(Random.RANDOM.nextInt());
    }

    /** A fresh name a deleted checkpoint {@code name} is renamed to before its files are removed. */
    public static String trashName(String name) {
        return "." + Names.requireValid("checkpoint name", name) + PARTIAL_MARKER + "deleting-"
                + HexFormat.of().toHexDigits(Random.RANDOM.nextInt());
    }

    /**
     * Prepares a new checkpoint {@code <container>/<name>}: refuses when the name is taken,
     * creates (safely) the base and container directories and returns a hidden temporary
     * directory to write into.
     */
    public Pending create(String container, String name) {
        return create(container, name, partialName(name));
    }

    /** As {@link #create(String, String)}, in the temporary directory {@code partial} (from {@link #partialName}). */
    public Pending create(String container, String name, String partial) {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        if (!partial.startsWith("." + name + PARTIAL_MARKER)) {
            throw new IllegalArgumentException("not a temporary name of " + name + ": " + partial);
        }
        try (SafeDir b = openBase(true)) {
            SafeDir c = b.dir(container, SafeDir.Create.IF_MISSING, "container directory");
            try {
                Path finalDir = c.path().resolve(name);
                SafeDir.Kind kind = c.kind(name);
                if (kind == SafeDir.Kind.LINK) {
                    throw unsafe(finalDir, "is a symbolic link");
                }
                if (kind != SafeDir.Kind.ABSENT) {
                    throw new DcpException(ErrorCode.CHECKPOINT_EXISTS,
                            "checkpoint " + container + "/" + name + " already exists in " + base,
                            "choose another -name, or delete " + finalDir + " first");
                }
                SafeDir temp = c.dir(partial, SafeDir.Create.NEW, "temporary checkpoint directory");
                return new Pending(container, name, c, temp, partial, finalDir);
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    /**
     * Opens an existing, complete checkpoint for reading. Refuses links and unsafe directories:
     * CRIU images are fed to a privileged process and must not come from a planted location.
     */
    public Stored open(String container, String name) {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        try (SafeDir b = openBase(false)) {
            if (b == null) {
                throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, "checkpoint directory " + base
                        + " does not exist", "check -dir, or list checkpoints with: docker-checkpoint list");
            }
            try (SafeDir c = b.dir(container, SafeDir.Create.NO, "container directory")) {
                if (c == null) {
                    throw notFound(container, name);
                }
                try (SafeDir d = c.dir(name, SafeDir.Create.NO, "checkpoint directory")) {
                    if (d == null) {
                        throw notFound(container, name);
                    }
                    return stored(container, name, d);
                }
            }
        }
    }

    /** The checkpoint in the open, checked directory {@code d}. */
    static Stored stored(String container, String name, SafeDir d) {
        if (d.kind(Manifest.FILE_NAME) != SafeDir.Kind.FILE) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE,
                    "checkpoint " + container + "/" + name + " has no " + Manifest.FILE_NAME,
                    "it was not made by docker-checkpoint or is damaged; make a new checkpoint");
        }
        Manifest manifest;
        try {
            manifest = StoreFiles.readManifest(d);
        } catch (DcpException e) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE,
                    "checkpoint " + container + "/" + name + ": " + e.getMessage(),
                    "the checkpoint is damaged; make a new checkpoint", e.getCause());
        }
        if (manifest.spec() == null || manifest.options() == null) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "checkpoint " + container + "/" + name + ": "
                    + Manifest.FILE_NAME + " lacks the container's " + (manifest.spec() == null ? "spec" : "options"),
                    "the checkpoint is damaged; make a new checkpoint");
        }
        return new Stored(container, name, d.path(), manifest);
    }

    /** Complete checkpoints under the base directory, sorted by container then name. */
    public List<Stored> list() {
        return CheckpointListing.list(this);
    }

    /** Summary of a stored checkpoint (size is the total of its files). */
    public CheckpointSummary summary(Stored stored) {
        return CheckpointListing.summary(stored);
    }

    /** The checkpoint's manifest and files (with sizes, sorted by name). */
    public CheckpointDetails details(String container, String name) {
        return CheckpointListing.details(open(container, name));
    }

    /**
     * Checks every file of a stored checkpoint against the checksums recorded when it was made
     * ({@link IntegrityCheck#verifyStored}); the listener hears the progress and may cancel.
     */
    public IntegrityReport verifyIntegrity(String container, String name, ProgressListener listener) {
        return IntegrityCheck.verifyStored(open(container, name).dir(), listener, 0, 1);
    }

    /** The CRIU logs a user may read through {@link #readLog}. */
    public static final List<String> LOGS = List.of("dump.log", "restore.log");

    /**
     * Reads up to {@code maxLines} lines of a checkpoint's log from byte {@code offset}; a page never
     * ends in the middle of a line unless the line alone exceeds the page's byte budget.
     */
    public LogPage readLog(String container, String name, String log, long offset, int maxLines) {
        return CheckpointLogs.read(this, container, name, log, offset, maxLines);
    }

    /** The path of a checkpoint's CRIU log (dump.log or restore.log), checked like the checkpoint itself. */
    public Path logFile(String container, String name, String log) {
        return CheckpointLogs.file(this, container, name, log);
    }

    /** Deletes a stored checkpoint: it disappears at once (rename), then its files are removed. */
    public Path delete(String container, String name) {
        return delete(container, name, trashName(name));
    }

    /** As {@link #delete(String, String)}, renaming it to {@code trash} (from {@link #trashName}) first. */
    public Path delete(String container, String name, String trash) {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        if (!trash.startsWith("." + name + PARTIAL_MARKER + "deleting-")) {
            throw new IllegalArgumentException("not a trash name of " + name + ": " + trash);
        }
        try (SafeDir b = openBase(false)) {
            if (b == null) {
                throw notFound(container, name);
            }
            try (SafeDir c = b.dir(container, SafeDir.Create.NO, "container directory")) {
                if (c == null) {
                    throw notFound(container, name);
                }
                try (SafeDir d = c.dir(name, SafeDir.Create.NO, "checkpoint directory")) {
                    if (d == null) {
                        throw notFound(container, name);
                    }
                    stored(container, name, d);
                }
                try {
                    c.rename(name, c, trash);
                    c.deleteTree(trash);
                } catch (IOException e) {
                    throw StoreFiles.io("cannot delete " + c.path().resolve(name), e);
                }
                return c.path().resolve(name);
            }
        }
    }

    /** What {@link #repairPartial} did with a temporary directory. */
    public enum Outcome {
        /** It held a finished dump and was renamed into place, marked incomplete. */
        KEPT,
        /** It was removed. */
        REMOVED,
        /** It was not there (nor its base or container directory). */
        ABSENT,
        /** It was not touched: not a private directory of this user (a link, a file, unsafe). */
        LEFT
    }

    /** An {@link Outcome}, the path it concerns (the kept checkpoint's for KEPT) and why when LEFT. */
    public record Repaired(Outcome outcome, Path path, String why) {
    }

    /**
     * Deals with the temporary directory {@code partial} of container directory {@code container}
     * that an interrupted operation of this tool left (the caller knows it from its journal;
     * nothing else is touched). One whose dump had finished ({@code finishedDump} says so, given
     * the checked directory) and that holds its container.json is the only copy of a container's
     * state when the dump stopped the container: it is renamed into place (under a free name) and
     * marked incomplete with {@code reason}. Otherwise it is removed. Links are never followed: a
     * link, a file or a directory that is not this user's private one is left alone.
     */
    public Repaired repairPartial(String container, String partial, java.util.function.Predicate<Path> finishedDump,
            String reason) {
        return PartialRepair.repair(this, container, partial, finishedDump, reason);
    }

    /** Reads a container.json (links are not followed). */
    public static Manifest readManifest(Path file) {
        return StoreFiles.readManifest(file);
    }

    /** Opens the base directory, checked with its ancestors; null when it is missing and not to be created. */
    SafeDir openBase(boolean create) {
        return SafeDir.openBase(base, uid, create, hint());
    }

    private String hint() {
        return "remove it, or pass -dir with a directory owned by " + (uid == 0 ? "root" : "you")
                + " that only its owner can write to";
    }

    private static DcpException notFound(String container, String name) {
        return new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, "checkpoint " + container + "/" + name + " not found",
                "list stored checkpoints with: docker-checkpoint list (and check -dir)");
    }

    private DcpException unsafe(Path path, String why) {
        return new DcpException(ErrorCode.UNSAFE_DIRECTORY, "refusing to use " + path + ": it " + why, hint());
    }

    /**
     * A checkpoint being written: commit to make it visible, abort to discard it. It holds the
     * container and temporary directories open until then.
     */
    public static final class Pending implements AutoCloseable {
        private final String container;
        private final String name;
        private final SafeDir containerDir;
        private final SafeDir temp;
        private final String partial;
        private final Path finalDir;
        private boolean done;

        Pending(String container, String name, SafeDir containerDir, SafeDir temp, String partial, Path finalDir) {
            this.container = container;
            this.name = name;
            this.containerDir = containerDir;
            this.temp = temp;
            this.partial = partial;
            this.finalDir = finalDir;
        }

        public String container() {
            return container;
        }

        public String name() {
            return name;
        }

        /** The temporary directory to write the checkpoint into (checked: this user's, 0700). */
        public Path dir() {
            return temp.path();
        }

        /** The temporary directory's name in the container directory. */
        public String partialName() {
            return partial;
        }

        /** Where the checkpoint appears once committed. */
        public Path finalDir() {
            return finalDir;
        }

        /**
         * Writes container.json (0600) into the temporary directory (and its checksum into the
         * checksums written so far).
         */
        public void writeManifest(Manifest manifest) {
            StoreFiles.writeManifest(temp, manifest);
        }

        /** Writes checksums.json (0600) into the temporary directory. */
        public void writeChecksums(Checksums checksums) {
            StoreFiles.writeJson(temp, Checksums.FILE_NAME, checksums);
        }

        /** Reads the container.json written so far. */
        public Manifest readManifest() {
            return StoreFiles.readManifest(temp);
        }

        /**
         * Moves the log {@code log} (in the temporary directory or one directory below it) next to
         * the checkpoint as {@code <name>.failed-<log's name>} (0600), replacing an earlier one;
         * returns its new path, or null when there is no such log.
         */
        public Path keepLog(Path log) {
            if (log == null || !log.startsWith(temp.path())) {
                return null;
            }
            Path rel = temp.path().relativize(log);
            String as = name + ".failed-" + log.getFileName();
            try {
                if (rel.getNameCount() == 1) {
                    if (temp.kind(rel.toString()) != SafeDir.Kind.FILE) {
                        return null;
                    }
                    temp.rename(rel.toString(), containerDir, as);
                } else if (rel.getNameCount() == 2) {
                    try (SafeDir sub = temp.dir(rel.getName(0).toString(), SafeDir.Create.NO, "directory")) {
                        if (sub == null || sub.kind(rel.getName(1).toString()) != SafeDir.Kind.FILE) {
                            return null;
                        }
                        sub.rename(rel.getName(1).toString(), containerDir, as);
                    }
                } else {
                    return null;
                }
                containerDir.makePrivate(as);
                return containerDir.path().resolve(as);
            } catch (IOException | DcpException e) {
                return null;
            }
        }

        /** Makes the content private and renames the directory into place. */
        public Path commit() {
            if (done) {
                throw new IllegalStateException("already finished");
            }
            try {
                containerDir.makePrivate(partial);
                if (containerDir.kind(name) != SafeDir.Kind.ABSENT) {
                    throw new DcpException(ErrorCode.CHECKPOINT_EXISTS,
                            "checkpoint " + container + "/" + name + " appeared while this one was written",
                            "choose another -name");
                }
                containerDir.rename(partial, containerDir, name);
            } catch (IOException e) {
                throw StoreFiles.io("cannot finish checkpoint " + finalDir, e);
            }
            done = true;
            close();
            return finalDir;
        }

        /** Leaves the temporary directory as it is (recovery deals with it); abort then does nothing. */
        public void keep() {
            done = true;
            close();
        }

        /**
         * Deletes the temporary directory; safe to call after commit (then it does nothing).
         * Returns false when it could not be removed (it is left for recovery).
         */
        public boolean abort() {
            if (done) {
                return true;
            }
            done = true;
            try {
                containerDir.deleteTree(partial);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            } finally {
                close();
            }
        }

        /** Releases the directory handles (the temporary directory stays as it is). */
        @Override
        public void close() {
            temp.close();
            containerDir.close();
        }
    }

    /** A complete checkpoint on disk. */
    public record Stored(String container, String name, Path dir, Manifest manifest) {
    }

    /**
     * Writes {@code value} as pretty JSON to {@code file} with mode 0600, atomically, by path:
     * for directories already checked to be this user's alone.
     */
    public static void writeJson(Path file, Object value) {
        StoreFiles.writeJson(file, value);
    }
}
