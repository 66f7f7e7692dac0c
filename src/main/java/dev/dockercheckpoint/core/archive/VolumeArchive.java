package dev.dockercheckpoint.core.archive;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A volume's contents as one tar, as Podman keeps them in an archive ({@code volumes/<name>.tar}):
 * paths relative to the volume's root, numeric owners, modes, modification times, symbolic links
 * and hard links as the volume has them. {@link #extract} writes such a tar into an empty
 * directory and refuses absolute paths, {@code ..}, entries under a symbolic link, symbolic links
 * that climb out of the volume and hard links to anything outside it.
 */
public final class VolumeArchive {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int MAX_PATH = 4096;

    private VolumeArchive() {
    }

    /** What {@link #write} wrote: entries, file bytes, and the special files left out (sockets, devices). */
    public record Written(int entries, long bytes, List<String> skipped) {
    }

    /** Writes the tree under {@code root} (not followed below it) as a tar to {@code out} (left open). */
    public static Written write(Path root, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NotClosing(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        Map<String, String> firstOfInode = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        int[] entries = {0};
        long[] bytes = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, dir);
                TarArchiveEntry e = entry(rel.isEmpty() ? "./" : rel + "/", TarConstants.LF_DIR, dir);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
                entries[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, file);
                if (attrs.isSymbolicLink()) {
                    TarArchiveEntry e = entry(rel, TarConstants.LF_SYMLINK, file);
                    e.setLinkName(Files.readSymbolicLink(file).toString());
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                } else if (attrs.isRegularFile()) {
                    Map<String, Object> unix = Files.readAttributes(file, "unix:ino,dev,nlink", NOFOLLOW);
                    String inode = unix.get("dev") + ":" + unix.get("ino");
                    String first = ((Integer) unix.get("nlink")) > 1 ? firstOfInode.putIfAbsent(inode, rel) : null;
                    if (first != null) {
                        TarArchiveEntry e = entry(rel, TarConstants.LF_LINK, file);
                        e.setLinkName(first);
                        tar.putArchiveEntry(e);
                        tar.closeArchiveEntry();
                    } else {
                        TarArchiveEntry e = entry(rel, TarConstants.LF_NORMAL, file);
                        long size = attrs.size();
                        e.setSize(size);
                        tar.putArchiveEntry(e);
                        bytes[0] += copy(file, size, tar);
                        tar.closeArchiveEntry();
                    }
                } else if (attrs.isOther() && fifo(file)) {
                    tar.putArchiveEntry(entry(rel, TarConstants.LF_FIFO, file));
                    tar.closeArchiveEntry();
                } else {
                    skipped.add(rel);
                    return FileVisitResult.CONTINUE;
                }
                entries[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        tar.finish();
        tar.close();
        return new Written(entries[0], bytes[0], List.copyOf(skipped));
    }

    /** Copies exactly {@code size} bytes: a file that shrank while read is padded with zeros, one that grew cut. */
    private static long copy(Path file, long size, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = size;
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            while (left > 0) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                if (n <= 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
        java.util.Arrays.fill(buf, (byte) 0);
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
        }
        return size;
    }

    private static boolean fifo(Path file) throws IOException {
        int mode = (Integer) Files.getAttribute(file, "unix:mode", NOFOLLOW);
        return (mode & 0170000) == 0010000;
    }

    private static TarArchiveEntry entry(String name, byte type, Path file) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:mode,uid,gid,lastModifiedTime", NOFOLLOW);
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode((Integer) unix.get("mode"));
        e.setUserId(((Integer) unix.get("uid")).longValue());
        e.setGroupId(((Integer) unix.get("gid")).longValue());
        e.setUserName("");
        e.setGroupName("");
        e.setModTime((FileTime) unix.get("lastModifiedTime"));
        return e;
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    /**
     * Extracts the tar {@code in} into the existing directory {@code root} with the entries' numeric
     * owners, modes and times; returns the number of entries. {@code what} names the volume in errors.
     */
    public static int extract(InputStream in, Path root, String what) throws IOException {
        if (!Files.isDirectory(root, NOFOLLOW)) {
            throw new DcpException(ErrorCode.IO_ERROR, what + ": " + root + " is not a directory",
                    "check the volume's mountpoint (docker volume inspect)");
        }
        Set<String> files = new HashSet<>();
        Deque<Object[]> dirTimes = new ArrayDeque<>();
        int count = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(new NotClosingIn(in)));
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String rel = normalize(e.getName(), what);
            Path target = rel == null ? root : root.resolve(rel);
            if (rel != null) {
                requireRealParents(root, rel, what);
            }
            if (e.isDirectory()) {
                if (rel != null && !Files.isDirectory(target, NOFOLLOW)) {
                    Files.createDirectory(target);
                }
            } else if (rel == null) {
                throw refuse(what, "its root is not a directory");
            } else if (e.isSymbolicLink()) {
                if (!symlinkInside(rel, e.getLinkName())) {
                    throw refuse(what, Names.quote(rel) + " links out of the volume");
                }
                Files.createSymbolicLink(target, Path.of(e.getLinkName()));
            } else if (e.isLink()) {
                String to = normalize(e.getLinkName(), what);
                if (to == null || !files.contains(to)) {
                    throw refuse(what, Names.quote(rel) + " is a hard link to " + Names.quote(e.getLinkName())
                            + ", no file of the volume before it");
                }
                Files.createLink(target, root.resolve(to));
                files.add(rel);
                count++;
                continue; // the link shares its first name's owner, mode and times
            } else if (e.isFIFO()) {
                makeFifo(target, what);
            } else if (e.isFile() && !e.isCharacterDevice() && !e.isBlockDevice() && !e.isSparse()) {
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    tar.transferTo(out);
                }
                files.add(rel);
            } else {
                throw refuse(what, Names.quote(rel) + " is a device or another special file");
            }
            Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), NOFOLLOW);
            Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), NOFOLLOW);
            if (!e.isSymbolicLink()) {
                Files.setAttribute(target, "unix:mode", e.getMode() & 07777, NOFOLLOW);
            }
            FileTime modified = FileTime.from(e.getModTime().toInstant());
            if (e.isDirectory()) {
                dirTimes.push(new Object[] {target, modified});
            } else {
                Files.getFileAttributeView(target, BasicFileAttributeView.class, NOFOLLOW)
                        .setTimes(modified, null, null);
            }
            count++;
        }
        // directories last, deepest first: their children changed their times
        for (Object[] d : dirTimes) {
            Files.getFileAttributeView((Path) d[0], BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes((FileTime) d[1], null, null);
        }
        return count;
    }

    private static void makeFifo(Path target, String what) throws IOException {
        try {
            Process p = new ProcessBuilder(List.of("mkfifo", "--", target.toString()))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                throw new IOException("mkfifo " + target + " failed");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making " + target);
        }
    }

    /**
     * Every directory on the way to {@code rel} inside {@code root} must be a directory, not a link;
     * one the tar did not list is made.
     */
    private static void requireRealParents(Path root, String rel, String what) throws IOException {
        String[] parts = rel.split("/");
        Path p = root;
        for (int i = 0; i < parts.length - 1; i++) {
            p = p.resolve(parts[i]);
            if (!Files.exists(p, NOFOLLOW)) {
                Files.createDirectory(p);
            } else if (!Files.isDirectory(p, NOFOLLOW)) {
                throw refuse(what, Names.quote(rel) + " is not under a directory of the volume"
                        + (Files.isSymbolicLink(p) ? " (it is under a symbolic link)" : ""));
            }
        }
    }

    /**
     * The entry's path relative to the volume's root ("./" and a trailing "/" removed), null for the
     * root itself; refuses absolute paths, ".." and control characters.
     */
    static String normalize(String name, String what) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.endsWith("/") && n.length() > 1) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.equals(".")) {
            return null;
        }
        if (n.startsWith("/")) {
            throw refuse(what, Names.quote(name) + " is an absolute path");
        }
        if (n.length() > MAX_PATH) {
            throw refuse(what, "an entry's path is longer than " + MAX_PATH + " characters");
        }
        for (String part : n.split("/", -1)) {
            if (part.equals("..")) {
                throw refuse(what, Names.quote(name) + " contains '..'");
            }
            if (part.isEmpty() || part.equals(".")) {
                throw refuse(what, Names.quote(name) + " is not a plain relative path");
            }
        }
        if (n.chars().anyMatch(Character::isISOControl)) {
            throw refuse(what, Names.quote(name) + " contains a control character");
        }
        return n;
    }

    /**
     * Whether a symbolic link at {@code rel} to {@code target} stays in the volume. An absolute target
     * names a path of the container that mounts the volume (it is never followed here) and is kept;
     * a relative one must not climb above the volume's root.
     */
    static boolean symlinkInside(String rel, String target) {
        if (target == null || target.isEmpty() || target.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        if (target.startsWith("/")) {
            return true;
        }
        int depth = rel.split("/").length - 1;
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                if (--depth < 0) {
                    return false;
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                depth++;
            }
        }
        return true;
    }

    private static DcpException refuse(String what, String why) {
        return new DcpException(ErrorCode.INVALID_INPUT, "refusing " + what + ": " + why,
                "the volume's tar in the checkpoint is not a plain copy of a volume; remove it from the checkpoint"
                        + " to restore without it");
    }

    private static final class NotClosing extends java.io.FilterOutputStream {
        NotClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    private static final class NotClosingIn extends java.io.FilterInputStream {
        NotClosingIn(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
