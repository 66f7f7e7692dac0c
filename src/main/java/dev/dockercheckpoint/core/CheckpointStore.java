package dev.dockercheckpoint.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The on-disk layout {@code <base>/<container>/<checkpoint>/} and its safety rules.
 *
 * <p>The default base lives in /tmp, where any local user can create entries first. Before
 * anything is written, the base directory, its ancestors and every entry below it are checked:
 * no symbolic links, owned by this process's user (or root), not writable by others. New
 * checkpoints are written to a hidden temporary sibling and renamed into place only when
 * complete. Directories are 0700 and files 0600.
 */
public final class CheckpointStore {
    public static final Path DEFAULT_BASE = Path.of("/tmp/docker-checkpoints");
    public static final String PARTIAL_MARKER = ".partial-";
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;
    private static final int S_ISVTX = 01000;
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /**
     * Prepares a new checkpoint {@code <container>/<name>}: refuses when the name is taken,
     * creates (safely) the base and container directories and returns a hidden temporary
     * directory to write into.
     */
    public Pending create(String container, String name) {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        ensureBase(true);
        Path containerDir = base.resolve(container);
        ensureOwnedDirectory(containerDir, "container directory", true);
        Path finalDir = containerDir.resolve(name);
        if (Files.exists(finalDir, NOFOLLOW) || Files.isSymbolicLink(finalDir)) {
            if (Files.isSymbolicLink(finalDir)) {
                throw unsafe(finalDir, "is a symbolic link");
            }
            throw new DcpException(ErrorCode.CHECKPOINT_EXISTS,
                    "checkpoint " + container + "/" + name + " already exists in " + base,
                    "choose another -name, or delete " + finalDir + " first");
        }
        Path temp = containerDir.resolve("." + name + PARTIAL_MARKER + HexFormat.of().toHexDigits(RANDOM.nextInt()));
        try {
            Files.createDirectory(temp, PosixFilePermissions.asFileAttribute(Posix.DIR_PRIVATE));
            Files.setPosixFilePermissions(temp, Posix.DIR_PRIVATE);
        } catch (IOException e) {
            throw io("cannot create " + temp, e);
        }
        return new Pending(container, name, temp, finalDir);
    }

    /**
     * Opens an existing, complete checkpoint for reading. Refuses links and unsafe directories:
     * CRIU images are fed to a privileged process and must not come from a planted location.
     */
    public Stored open(String container, String name) {
        Names.requireValid("container name", container);
        Names.requireValid("checkpoint name", name);
        ensureBase(false);
        return openInCheckedBase(container, name);
    }

    /** {@link #open} once the base directory has been checked (list() checks it once for all). */
    private Stored openInCheckedBase(String container, String name) {
        Path containerDir = base.resolve(container);
        if (!Files.exists(containerDir, NOFOLLOW)) {
            throw notFound(container, name);
        }
        ensureOwnedDirectory(containerDir, "container directory", false);
        Path dir = containerDir.resolve(name);
        if (!Files.exists(dir, NOFOLLOW)) {
            throw notFound(container, name);
        }
        ensureOwnedDirectory(dir, "checkpoint directory", false);
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile, NOFOLLOW)) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE,
                    "checkpoint " + container + "/" + name + " has no " + Manifest.FILE_NAME,
                    "it was not made by docker-checkpoint or is damaged; make a new checkpoint");
        }
        Manifest manifest;
        try {
            manifest = readManifest(manifestFile);
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
        return new Stored(container, name, dir, manifest);
    }

    /** Complete checkpoints under the base directory, sorted by container then name. */
    public List<Stored> list() {
        List<Stored> result = new ArrayList<>();
        if (!Files.isDirectory(base, NOFOLLOW)) {
            return result;
        }
        ensureBase(false);
        for (Path containerDir : sortedChildren(base)) {
            String container = containerDir.getFileName().toString();
            if (Names.problem(container) != null || !Files.isDirectory(containerDir, NOFOLLOW)) {
                continue;
            }
            for (Path dir : sortedChildren(containerDir)) {
                String name = dir.getFileName().toString();
                if (Names.problem(name) != null || !Files.isDirectory(dir, NOFOLLOW)
                        || !Files.isRegularFile(dir.resolve(Manifest.FILE_NAME), NOFOLLOW)) {
                    continue;
                }
                try {
                    result.add(openInCheckedBase(container, name));
                } catch (DcpException e) {
                    // unreadable or unsafe entries are not listed
                }
            }
        }
        return result;
    }

    /** Summary of a stored checkpoint (size is the total of its files). */
    public CheckpointSummary summary(Stored stored) {
        long size;
        try {
            size = Posix.treeSize(stored.dir());
        } catch (IOException e) {
            size = -1;
        }
        return new CheckpointSummary(stored.container(), stored.name(), stored.dir(), stored.manifest().createdAt(),
                size, stored.manifest().options(), stored.manifest().downtimeMillis(), stored.manifest().incomplete());
    }

    /** The checkpoint's manifest and files (with sizes, sorted by name). */
    public CheckpointDetails details(String container, String name) {
        Stored stored = open(container, name);
        List<CheckpointDetails.FileEntry> files = new ArrayList<>();
        try (var walk = Files.walk(stored.dir())) {
            for (Path p : walk.sorted().toList()) {
                if (Files.isRegularFile(p, NOFOLLOW)) {
                    files.add(new CheckpointDetails.FileEntry(stored.dir().relativize(p).toString(), Files.size(p)));
                }
            }
        } catch (IOException e) {
            throw io("cannot list " + stored.dir(), e);
        }
        return new CheckpointDetails(summary(stored), stored.manifest(), files);
    }

    /** The CRIU logs a user may read through {@link #readLog}. */
    public static final List<String> LOGS = List.of("dump.log", "restore.log");

    /**
     * Reads up to {@code maxLines} lines of a checkpoint's log from byte {@code offset}; a page never
     * ends in the middle of a line unless the line alone exceeds the page's byte budget.
     */
    public LogPage readLog(String container, String name, String log, long offset, int maxLines) {
        if (!LOGS.contains(log)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "unknown log " + Names.quote(log),
                    "ask for one of " + String.join(", ", LOGS));
        }
        if (offset < 0 || maxLines < 1 || maxLines > 100_000) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "bad page: offset " + offset + ", lines " + maxLines,
                    "offset >= 0 and 1..100000 lines");
        }
        Path file = logFile(container, name, log);
        try {
            return LogPages.read(file, log, offset, maxLines);
        } catch (IOException e) {
            throw io("cannot read " + file, e);
        }
    }

    /** The path of a checkpoint's CRIU log (dump.log or restore.log), checked like the checkpoint itself. */
    public Path logFile(String container, String name, String log) {
        if (!LOGS.contains(log)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "unknown log " + Names.quote(log),
                    "ask for one of " + String.join(", ", LOGS));
        }
        Stored stored = open(container, name);
        Path file = stored.dir().resolve(log);
        if (!Files.isRegularFile(file, NOFOLLOW)) {
            throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, container + "/" + name + " has no " + log,
                    log.equals("restore.log") ? "restore.log appears after the first restore" : "the dump left no log");
        }
        return file;
    }

    /** Deletes a stored checkpoint: it disappears at once (rename), then its files are removed. */
    public Path delete(String container, String name) {
        Stored stored = open(container, name);
        Path trash = stored.dir().resolveSibling("." + name + PARTIAL_MARKER + "deleting-"
                + HexFormat.of().toHexDigits(RANDOM.nextInt()));
        try {
            Files.move(stored.dir(), trash, StandardCopyOption.ATOMIC_MOVE);
            Posix.deleteTree(trash);
        } catch (IOException e) {
            throw io("cannot delete " + stored.dir(), e);
        }
        return stored.dir();
    }

    /** What {@link #recoverInterrupted} did: temporary directories removed, checkpoints kept. */
    public record Recovered(List<Path> removed, List<Path> kept) {
    }

    /**
     * Deals with temporary directories left by interrupted checkpoints. One whose dump had
     * finished ({@code finishedDump} says so) and that holds its container.json is the only copy
     * of a container's state when the dump stopped the container: it is renamed into place and
     * marked incomplete with {@code reason}. The others are removed.
     */
    public Recovered recoverInterrupted(java.util.function.Predicate<Path> finishedDump, String reason) {
        List<Path> removed = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        if (!Files.isDirectory(base, NOFOLLOW)) {
            return new Recovered(removed, kept);
        }
        ensureBase(false);
        for (Path containerDir : sortedChildren(base)) {
            if (!Files.isDirectory(containerDir, NOFOLLOW)) {
                continue;
            }
            for (Path dir : sortedChildren(containerDir)) {
                String n = dir.getFileName().toString();
                if (!n.startsWith(".") || !n.contains(PARTIAL_MARKER) || !Files.isDirectory(dir, NOFOLLOW)) {
                    continue;
                }
                String name = n.substring(1, n.indexOf(PARTIAL_MARKER));
                Path manifestFile = dir.resolve(Manifest.FILE_NAME);
                if (Names.problem(name) == null && !n.contains(PARTIAL_MARKER + "deleting-")
                        && Files.isRegularFile(manifestFile, NOFOLLOW) && finishedDump.test(dir)) {
                    try {
                        Manifest m = readManifest(manifestFile);
                        writeJson(manifestFile, m.withIncomplete(m.incomplete() != null ? reason : null));
                        Path target = freeName(containerDir, name);
                        Posix.makePrivate(dir);
                        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                        kept.add(target);
                        continue;
                    } catch (IOException | DcpException e) {
                        // unreadable: it cannot be restored; removed below
                    }
                }
                try {
                    Posix.deleteTree(dir);
                    removed.add(dir);
                } catch (IOException e) {
                    throw io("cannot remove incomplete checkpoint " + dir, e);
                }
            }
        }
        return new Recovered(removed, kept);
    }

    /** {@code name}, or {@code name-recovered[-N]} when a checkpoint of that name exists already. */
    private static Path freeName(Path containerDir, String name) {
        Path p = containerDir.resolve(name);
        for (int i = 1; Files.exists(p, NOFOLLOW); i++) {
            p = containerDir.resolve(name + "-recovered" + (i == 1 ? "" : "-" + i));
        }
        return p;
    }

    /** Reads a container.json (links are not followed). */
    public static Manifest readManifest(Path file) {
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            return Json.mapper().readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "unreadable " + Manifest.FILE_NAME + ": "
                    + firstLine(e.getMessage()), "the checkpoint is damaged; make a new checkpoint", e);
        }
    }

    /** Checks (and when asked, creates) the base directory and its ancestors. */
    void ensureBase(boolean create) {
        if (Files.exists(base, NOFOLLOW) && !Files.isDirectory(base, NOFOLLOW)) {
            if (Files.isSymbolicLink(base)) {
                throw unsafe(base, "is a symbolic link");
            }
            throw new DcpException(ErrorCode.INVALID_INPUT, "checkpoint directory " + base + " is not a directory",
                    "pass -dir with a directory (it is created when missing)");
        }
        Path parent = base.getParent();
        if (parent != null) {
            checkAncestors(parent, create);
        }
        ensureOwnedDirectory(base, "checkpoint directory", create);
    }

    private void checkAncestors(Path parent, boolean create) {
        if (!Files.exists(parent, NOFOLLOW) && !Files.isSymbolicLink(parent)) {
            if (!create) {
                return;
            }
            Path grand = parent.getParent();
            if (grand != null) {
                checkAncestors(grand, true);
            }
            ensureOwnedDirectory(parent, "directory", true);
            return;
        }
        Path real;
        try {
            real = parent.toRealPath();
        } catch (IOException e) {
            throw io("cannot resolve " + parent, e);
        }
        for (Path p = real; p != null; p = p.getParent()) {
            try {
                int owner = Posix.ownerUid(p);
                int mode = Posix.mode(p);
                if (owner != 0 && owner != uid) {
                    throw unsafe(base, "lies under " + p + ", which belongs to another user (uid " + owner + ")");
                }
                boolean othersWrite = (mode & (S_IWGRP | S_IWOTH)) != 0;
                if (othersWrite && (mode & S_ISVTX) == 0) {
                    throw unsafe(base, "lies under " + p + ", which other users can write to (mode "
                            + Integer.toOctalString(mode & 07777) + ")");
                }
            } catch (IOException e) {
                throw io("cannot check " + p, e);
            }
        }
    }

    private void ensureOwnedDirectory(Path dir, String what, boolean create) {
        if (Files.isSymbolicLink(dir)) {
            throw unsafe(dir, "is a symbolic link");
        }
        if (!Files.exists(dir, NOFOLLOW)) {
            if (!create) {
                throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, what + " " + dir + " does not exist",
                        "check -dir, or list checkpoints with: docker-checkpoint list");
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(Posix.DIR_PRIVATE));
                Files.setPosixFilePermissions(dir, Posix.DIR_PRIVATE);
                return;
            } catch (FileAlreadyExistsException e) {
                // someone created it meanwhile: fall through to the checks
            } catch (IOException e) {
                throw io("cannot create " + what + " " + dir, e);
            }
            if (Files.isSymbolicLink(dir)) {
                throw unsafe(dir, "is a symbolic link");
            }
        }
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, what + " " + dir + " is not a directory",
                    "remove or rename " + dir + ", or choose another -dir");
        }
        try {
            int owner = Posix.ownerUid(dir);
            if (owner != uid) {
                throw unsafe(dir, "belongs to another user (uid " + owner + ")");
            }
            int mode = Posix.mode(dir);
            if ((mode & (S_IWGRP | S_IWOTH)) != 0) {
                throw unsafe(dir, "is writable by other users (mode " + Integer.toOctalString(mode & 07777) + ")");
            }
        } catch (IOException e) {
            throw io("cannot check " + dir, e);
        }
    }

    private static List<Path> sortedChildren(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw io("cannot list " + dir, e);
        }
        children.sort(null);
        return children;
    }

    private static DcpException notFound(String container, String name) {
        return new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, "checkpoint " + container + "/" + name + " not found",
                "list stored checkpoints with: docker-checkpoint list (and check -dir)");
    }

    private DcpException unsafe(Path path, String why) {
        return new DcpException(ErrorCode.UNSAFE_DIRECTORY, "refusing to use " + path + ": it " + why,
                "remove it, or pass -dir with a directory owned by " + (uid == 0 ? "root" : "you")
                        + " that only its owner can write to");
    }

    static DcpException io(String what, IOException e) {
        String msg = e instanceof NoSuchFileException ? "no such file " + e.getMessage() : firstLine(e.getMessage());
        return new DcpException(ErrorCode.IO_ERROR, what + ": " + msg, "check free space and permissions", e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A checkpoint being written: commit to make it visible, abort to discard it. */
    public static final class Pending {
        private final String container;
        private final String name;
        private final Path temp;
        private final Path finalDir;
        private boolean done;

        Pending(String container, String name, Path temp, Path finalDir) {
            this.container = container;
            this.name = name;
            this.temp = temp;
            this.finalDir = finalDir;
        }

        public String container() {
            return container;
        }

        public String name() {
            return name;
        }

        /** The temporary directory to write the checkpoint into. */
        public Path dir() {
            return temp;
        }

        /** Where the checkpoint appears once committed. */
        public Path finalDir() {
            return finalDir;
        }

        /** Writes container.json (0600) into the temporary directory. */
        public void writeManifest(Manifest manifest) {
            writeJson(temp.resolve(Manifest.FILE_NAME), manifest);
        }

        /** Makes the content private and renames the directory into place. */
        public Path commit() {
            if (done) {
                throw new IllegalStateException("already finished");
            }
            try {
                Posix.makePrivate(temp);
                if (Files.exists(finalDir, NOFOLLOW)) {
                    throw new DcpException(ErrorCode.CHECKPOINT_EXISTS,
                            "checkpoint " + container + "/" + name + " appeared while this one was written",
                            "choose another -name");
                }
                Files.move(temp, finalDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw io("cannot rename " + temp + " into place", e);
            } catch (IOException e) {
                throw io("cannot finish checkpoint " + finalDir, e);
            }
            done = true;
            return finalDir;
        }

        /** Leaves the temporary directory as it is (recovery finds it); abort then does nothing. */
        public void keep() {
            done = true;
        }

        /** Deletes the temporary directory; safe to call after commit (then it does nothing). */
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                Posix.deleteTree(temp);
            } catch (IOException e) {
                // leftovers are removed by removeIncomplete()
            }
        }
    }

    /** A complete checkpoint on disk. */
    public record Stored(String container, String name, Path dir, Manifest manifest) {
    }

    /** Writes {@code value} as pretty JSON to {@code file} with mode 0600, atomically. */
    public static void writeJson(Path file, Object value) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                Files.setPosixFilePermissions(tmp, Posix.FILE_PRIVATE);
                Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out, value);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw io("cannot write " + file, e);
        }
    }
}
