package dev.dockercheckpoint.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open directory reached from {@code /} one name at a time without following links, on which
 * every operation below it is done relative to the open handle ({@code openat}, {@code unlinkat},
 * {@code renameat}, {@code fchmod}): a path component swapped for a link after the check cannot
 * redirect it. Each level is checked as it is opened:
 *
 * <ul>
 *   <li>an ancestor of a base directory belongs to root or to {@code uid} and is not writable by
 *       group or others unless it has the sticky bit (as {@code /tmp}), so only root (or {@code
 *       uid}) can change the way to the base;</li>
 *   <li>the base directory belongs to {@code uid} and is not writable by group or others;</li>
 *   <li>a level below the base (container, checkpoint and temporary directories) belongs to
 *       {@code uid} and is {@code 0700}: its path may then be handed to another program (runc,
 *       CRIU, tar), since no one but its owner can change what is below it.</li>
 * </ul>
 *
 * <p>Java has no {@code mkdirat}: a missing level is created by path under its checked parent
 * (whose way only root can change) and then opened through the parent's handle and checked like
 * any other level. Owner and mode are read with {@code lstat} on the level's path and used only
 * when its file key (device and inode) is the one of the open handle.
 */
public final class SafeDir implements AutoCloseable {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IWGRP = 0020;
    private static final int S_IWOTH = 0002;
    private static final int S_ISVTX = 01000;

    /** What a name in a directory is, links not followed. */
    public enum Kind { ABSENT, DIRECTORY, FILE, LINK, OTHER }

    /** How a child directory is opened. */
    public enum Create { NO, IF_MISSING, NEW }

    private final SecureDirectoryStream<Path> handle;
    private final Path path;
    private final int uid;
    private final String hint;

    private SafeDir(SecureDirectoryStream<Path> handle, Path path, int uid, String hint) {
        this.handle = handle;
        this.path = path;
        this.uid = uid;
        this.hint = hint;
    }

    /**
     * Opens the base directory {@code dir} (absolute) for a process of user {@code uid}, checking
     * every ancestor and the base itself. Returns null when it does not exist and {@code create}
     * is false; creates the missing levels (0700) otherwise. {@code hint} is the advice given with
     * an {@link ErrorCode#UNSAFE_DIRECTORY} refusal.
     */
    public static SafeDir openBase(Path dir, int uid, boolean create, String hint) {
        Path base = dir.toAbsolutePath().normalize();
        for (Path name : base) {
            requireName(name.toString());
        }
        SafeDir current;
        try {
            DirectoryStream<Path> root = Files.newDirectoryStream(base.getRoot());
            if (!(root instanceof SecureDirectoryStream<Path> secure)) {
                root.close();
                throw new DcpException(ErrorCode.UNSUPPORTED, "this file system has no secure directory handles",
                        "run on Linux, where directories are opened with openat");
            }
            current = new SafeDir(secure, base.getRoot(), uid, hint);
        } catch (IOException e) {
            throw io("cannot open /", e);
        }
        try {
            int n = base.getNameCount();
            if (n == 0) {
                current.checkBase(base);
                return current;
            }
            current.checkAncestor(base);
            for (int i = 0; i < n; i++) {
                boolean last = i == n - 1;
                SafeDir next = current.openLevel(base.getName(i).toString(), create ? Create.IF_MISSING : Create.NO,
                        last ? "checkpoint directory" : "directory");
                current.close();
                current = next;
                if (current == null) {
                    return null;
                }
                if (last) {
                    current.checkBase(base);
                } else {
                    current.checkAncestor(base);
                }
            }
            return current;
        } catch (RuntimeException e) {
            if (current != null) {
                current.close();
            }
            throw e;
        }
    }

    /** The directory's path (for messages, and for other programs once its level is checked). */
    public Path path() {
        return path;
    }

    /** What {@code name} is in this directory (links are not followed). */
    public Kind kind(String name) {
        requireName(name);
        try {
            BasicFileAttributes a = handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class,
                    NOFOLLOW).readAttributes();
            if (a.isSymbolicLink()) {
                return Kind.LINK;
            }
            return a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
        } catch (NoSuchFileException e) {
            return Kind.ABSENT;
        } catch (IOException e) {
            throw io("cannot check " + path.resolve(name), e);
        }
    }

    /**
     * Opens the directory {@code name} below this one, checked as a private level (owned by this
     * user, 0700). {@link Create#NO}: null when absent; {@link Create#IF_MISSING}: created when
     * absent; {@link Create#NEW}: created, and refused when it exists. {@code what} names it in
     * messages.
     */
    public SafeDir dir(String name, Create create, String what) {
        SafeDir child = openLevel(name, create, what);
        if (child == null) {
            return null;
        }
        try {
            child.checkPrivate(what);
            return child;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** Opens (creating when asked) one level; null when absent and not to be created. */
    private SafeDir openLevel(String name, Create create, String what) {
        requireName(name);
        Path child = path.resolve(name);
        Kind kind = kind(name);
        if (kind == Kind.LINK) {
            throw unsafe(child, "is a symbolic link");
        }
        boolean created = false;
        if (kind == Kind.ABSENT) {
            if (create == Create.NO) {
                return null;
            }
            try {
                // no mkdirat in Java: created by path under the checked parent, then opened and
                // checked through the parent's handle like any other level
                Files.createDirectory(child, PosixFilePermissions.asFileAttribute(Posix.DIR_PRIVATE));
                created = true;
            } catch (FileAlreadyExistsException e) {
                if (create == Create.NEW) {
                    throw new DcpException(ErrorCode.IO_ERROR, what + " " + child + " appeared while it was created",
                            "try again");
                }
            } catch (IOException e) {
                throw io("cannot create " + what + " " + child, e);
            }
        } else if (create == Create.NEW) {
            throw new DcpException(ErrorCode.IO_ERROR, what + " " + child + " exists already", "try again");
        } else if (kind != Kind.DIRECTORY) {
            throw new DcpException(ErrorCode.INVALID_INPUT, what + " " + child + " is not a directory",
                    "remove or rename " + child + ", or choose another -dir");
        }
        SecureDirectoryStream<Path> opened;
        try {
            opened = (SecureDirectoryStream<Path>) handle.newDirectoryStream(Path.of(name), NOFOLLOW);
        } catch (NotDirectoryException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, what + " " + child + " is not a directory",
                    "remove or rename " + child + ", or choose another -dir");
        } catch (NoSuchFileException e) {
            throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, what + " " + child + " disappeared",
                    "try again");
        } catch (FileSystemException e) {
            if (kind(name) == Kind.LINK) {
                throw unsafe(child, "is a symbolic link");
            }
            throw io("cannot open " + child, e);
        } catch (IOException e) {
            throw io("cannot open " + child, e);
        }
        SafeDir dir = new SafeDir(opened, child, uid, hint);
        if (created) {
            try {
                // made private whatever the umask, once it is known to be the one created here
                if (dir.ownerAndMode()[0] != uid) {
                    throw dir.unsafe(child, "was replaced while it was created");
                }
                dir.setPermissions(Posix.DIR_PRIVATE);
            } catch (RuntimeException e) {
                dir.close();
                throw e;
            }
        }
        return dir;
    }

    /** Owner and mode of this directory, read by path and checked to be the open directory. */
    private int[] ownerAndMode() {
        try {
            Object key = handle.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            Map<String, Object> a = Files.readAttributes(path, "unix:uid,mode,fileKey", NOFOLLOW);
            if (key == null || !key.equals(a.get("fileKey"))) {
                throw unsafe(path, "was replaced while it was checked");
            }
            return new int[] {(Integer) a.get("uid"), (Integer) a.get("mode")};
        } catch (NoSuchFileException e) {
            throw unsafe(path, "was replaced while it was checked");
        } catch (IOException e) {
            throw io("cannot check " + path, e);
        }
    }

    private void checkAncestor(Path base) {
        int[] om = ownerAndMode();
        if (om[0] != 0 && om[0] != uid) {
            throw unsafe(base, "lies under " + path + ", which belongs to another user (uid " + om[0] + ")");
        }
        if ((om[1] & (S_IWGRP | S_IWOTH)) != 0 && (om[1] & S_ISVTX) == 0) {
            throw unsafe(base, "lies under " + path + ", which other users can write to (mode "
                    + Integer.toOctalString(om[1] & 07777) + ")");
        }
    }

    private void checkBase(Path base) {
        int[] om = ownerAndMode();
        if (om[0] != uid) {
            throw unsafe(base, "belongs to another user (uid " + om[0] + ")");
        }
        if ((om[1] & (S_IWGRP | S_IWOTH)) != 0) {
            throw unsafe(base, "is writable by other users (mode " + Integer.toOctalString(om[1] & 07777) + ")");
        }
    }

    private void checkPrivate(String what) {
        int[] om = ownerAndMode();
        if (om[0] != uid) {
            throw unsafe(path, "belongs to another user (uid " + om[0] + ")");
        }
        if ((om[1] & 077) != 0) {
            throw unsafe(path, (om[1] & (S_IWGRP | S_IWOTH)) != 0 ? "is writable by other users (mode "
                    + Integer.toOctalString(om[1] & 07777) + ")" : "is open to other users (mode "
                    + Integer.toOctalString(om[1] & 07777) + "; a " + what + " must be 0700)");
        }
    }

    /** The names in this directory, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> again = handle.newDirectoryStream(Path.of("."), NOFOLLOW)) {
            for (Path p : again) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw io("cannot list " + path, e);
        }
        names.sort(null);
        return names;
    }

    /** Opens the regular file {@code name} for reading; a link is refused. */
    public InputStream read(String name) throws IOException {
        requireName(name);
        SeekableByteChannel ch = handle.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, NOFOLLOW));
        return Channels.newInputStream(ch);
    }

    /** Opens the regular file {@code name} as a channel for reading; a link is refused. */
    public SeekableByteChannel channel(String name) throws IOException {
        requireName(name);
        return handle.newByteChannel(Path.of(name), Set.of(StandardOpenOption.READ, NOFOLLOW));
    }

    /** Something that writes a file's content. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code name} (mode 0600) atomically: into a temporary sibling, renamed over the old
     * file. A failure leaves the old file as it was.
     */
    public void writeAtomically(String name, Writer content) {
        requireName(name);
        String tmp = "." + name + ".tmp";
        try {
            if (kind(tmp) != Kind.ABSENT) {
                handle.deleteFile(Path.of(tmp));
            }
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW);
            try (SeekableByteChannel ch = handle.newByteChannel(Path.of(tmp), options,
                    PosixFilePermissions.asFileAttribute(Posix.FILE_PRIVATE));
                    OutputStream out = Channels.newOutputStream(ch)) {
                content.write(out);
            }
            handle.getFileAttributeView(Path.of(tmp), PosixFileAttributeView.class, NOFOLLOW)
                    .setPermissions(Posix.FILE_PRIVATE);
            handle.move(Path.of(tmp), handle, Path.of(name));
        } catch (IOException | RuntimeException e) {
            try {
                handle.deleteFile(Path.of(tmp));
            } catch (IOException | RuntimeException ignored) {
                // not created
            }
            if (e instanceof IOException io) {
                throw io("cannot write " + path.resolve(name), io);
            }
            throw new DcpException(ErrorCode.IO_ERROR, "cannot write " + path.resolve(name) + ": " + e.getMessage(),
                    "check free space and permissions", e);
        }
    }

    /** Renames {@code from} in this directory to {@code to} in {@code target} (replacing a file there). */
    public void rename(String from, SafeDir target, String to) throws IOException {
        requireName(from);
        requireName(to);
        handle.move(Path.of(from), target.handle, Path.of(to));
    }

    /** Deletes {@code name} and, when it is a directory, everything below it; links are removed, never followed. */
    public void deleteTree(String name) throws IOException {
        requireName(name);
        deleteIn(handle, Path.of(name));
    }

    private static void deleteIn(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes a;
        try {
            a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isDirectory()) {
            dir.deleteFile(name);
            return;
        }
        try (SecureDirectoryStream<Path> sub = (SecureDirectoryStream<Path>) dir.newDirectoryStream(name, NOFOLLOW)) {
            List<Path> children = new ArrayList<>();
            for (Path p : sub) {
                children.add(p.getFileName());
            }
            for (Path c : children) {
                deleteIn(sub, c);
            }
        }
        dir.deleteDirectory(name);
    }

    /** Makes the directory {@code name} and everything below it private (0700 directories, 0600 files), links untouched. */
    public void makePrivate(String name) throws IOException {
        requireName(name);
        privateIn(handle, Path.of(name));
    }

    private static void privateIn(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
                .readAttributes();
        if (a.isRegularFile()) {
            dir.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).setPermissions(Posix.FILE_PRIVATE);
            return;
        }
        if (!a.isDirectory()) {
            return;
        }
        try (SecureDirectoryStream<Path> sub = (SecureDirectoryStream<Path>) dir.newDirectoryStream(name, NOFOLLOW)) {
            sub.getFileAttributeView(PosixFileAttributeView.class).setPermissions(Posix.DIR_PRIVATE);
            List<Path> children = new ArrayList<>();
            for (Path p : sub) {
                children.add(p.getFileName());
            }
            for (Path c : children) {
                privateIn(sub, c);
            }
        }
    }

    private void setPermissions(Set<PosixFilePermission> perms) {
        try {
            handle.getFileAttributeView(PosixFileAttributeView.class).setPermissions(perms);
        } catch (IOException e) {
            throw io("cannot make " + path + " private", e);
        }
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** A name of one level: no separator, not empty, not {@code .} or {@code ..}. */
    static String requireName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "bad path component " + Names.quote(String.valueOf(name)),
                    "use plain names without / or ..");
        }
        return name;
    }

    private DcpException unsafe(Path p, String why) {
        return new DcpException(ErrorCode.UNSAFE_DIRECTORY, "refusing to use " + p + ": it " + why, hint);
    }

    private static DcpException io(String what, IOException e) {
        return StoreFiles.io(what, e);
    }
}
