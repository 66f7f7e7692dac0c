package dev.dockercheckpoint.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Small POSIX helpers: uid of this process, owner and mode of a path, private permissions. */
public final class Posix {
    public static final Set<PosixFilePermission> DIR_PRIVATE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_PRIVATE = PosixFilePermissions.fromString("rw-------");
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private Posix() {
    }

    /** The effective uid of this process. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isRoot() {
        return currentUid() == 0;
    }

    /** Owner uid of {@code path} itself (links not followed). */
    public static int ownerUid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", NOFOLLOW);
    }

    /** Full st_mode bits of {@code path} itself (links not followed). */
    public static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW);
    }

    /** Makes every directory under {@code root} 0700 and every file 0600, without following links. */
    public static void makePrivate(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, DIR_PRIVATE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(file, FILE_PRIVATE);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes {@code root} and everything below it, never following links; absent is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Total size in bytes of the regular files under {@code root}. */
    public static long treeSize(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
