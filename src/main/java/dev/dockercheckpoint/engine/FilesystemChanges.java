package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Posix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The container's writable layer, kept with the checkpoint as {@code rootfs-diff.tar} (every
 * file, directory, link, FIFO and device the container added or changed, with mode, owner,
 * times, xattrs, hard links and holes) and {@code deleted.files} (a JSON list of deleted paths),
 * as Podman keeps them. CRIU restores open files by path and checks their type, mode and size, so
 * a restore into a new container needs them.
 *
 * <p>The layer is read from the storage driver's upper directory in one pass (overlay2), while
 * the container is frozen, so the files describe the same instant as the memory image. GNU tar
 * writes and extracts the archive: it carries every file type, hard links, sparse files and
 * extended attributes; the list of what goes in is decided here (overlay's whiteouts become
 * {@code deleted.files}, its internal attributes are left out, opaque directories are kept).
 */
final class FilesystemChanges {
    static final String DIFF_TAR = "rootfs-diff.tar";
    static final String DELETED = "deleted.files";
    static final String SUPPORTED_DRIVER = "overlay2";
    /** Paths Docker manages itself in every container; never captured. */
    private static final List<String> MANAGED = List.of("dev", "proc", "sys", "etc/hosts", "etc/hostname",
            "etc/resolv.conf", ".dockerenv");
    /**
     * Extended attributes that travel: the user's own, file capabilities, and overlay's opaque
     * mark (a directory that hides what the image had there). Overlay's other attributes
     * (origin, impure, redirect) refer to the old layer and must not travel.
     */
    private static final List<String> XATTRS = List.of("--xattrs", "--xattrs-include=user.*",
            "--xattrs-include=security.capability", "--xattrs-include=trusted.overlay.opaque", "--acls");
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final Duration TAR_TIMEOUT = Duration.ofMinutes(30);

    private FilesystemChanges() {
    }

    /** The container's writable (upper) directory and its image layers below it. */
    record Layer(Path upper, List<Path> lower) {
    }

    /**
     * The writable layer of a container, or a refusal naming the storage driver when it is not one
     * whose layer can be read directly.
     */
    static Layer layerOf(ContainerInfo info) {
        if (!SUPPORTED_DRIVER.equals(info.graphDriver()) || info.upperDir() == null) {
            String driver = info.graphDriver() == null || info.graphDriver().isEmpty() ? "unknown"
                    : info.graphDriver();
            throw new DcpException(ErrorCode.UNSUPPORTED, "container " + info.name() + " uses the storage driver "
                    + driver + ", whose writable layer cannot be saved with the checkpoint",
                    "use Docker's overlay2 storage driver (\"storage-driver\": \"overlay2\" in daemon.json)");
        }
        List<Path> lower = new ArrayList<>();
        if (info.lowerDirs() != null) {
            for (String l : info.lowerDirs().split(":")) {
                if (!l.isEmpty()) {
                    lower.add(Path.of(l));
                }
            }
        }
        return new Layer(Path.of(info.upperDir()), lower);
    }

    /** What one pass over the upper directory found. */
    record Scan(List<String> included, List<String> deleted, int added, int changed) {
    }

    /**
     * Walks the upper directory (links are not followed): whiteouts become deletions, Docker's own
     * files and everything below a mount point are left out, the rest is archived.
     */
    static Scan scan(Layer layer, Collection<String> mountPoints) throws IOException {
        List<String> included = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> mounts = mountPoints.stream().map(m -> m.replaceAll("^/+|/+$", "")).filter(m -> !m.isEmpty())
                .toList();
        int[] counts = new int[2];
        Path upper = layer.upper();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(upper)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = upper.relativize(dir).toString();
                if (managed(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                include(rel);
                // a mount point itself is part of the layer (Docker made it), its content is not
                return below(rel, mounts) || mounts.contains(rel) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = upper.relativize(file).toString();
                if (managed(rel) || below(rel, mounts)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isOther() && isWhiteout(file)) {
                    deleted.add("/" + rel);
                } else {
                    include(rel);
                }
                return FileVisitResult.CONTINUE;
            }

            private void include(String rel) {
                included.add(rel);
                counts[inLower(layer, rel) ? 1 : 0]++;
            }
        });
        deleted.sort(null);
        return new Scan(included, deleted, counts[0], counts[1]);
    }

    /**
     * Saves the layer's changes into {@code dir} ({@code rootfs-diff.tar}, {@code deleted.files}).
     * Call it while the container is frozen.
     */
    static Manifest.FilesystemChanges capture(ProcessRunner runner, Layer layer, Collection<String> mountPoints,
            Path dir) {
        Path tar = dir.resolve(DIFF_TAR);
        Path list = dir.resolve(".rootfs-diff.list");
        try {
            Scan scan = scan(layer, mountPoints);
            StringBuilder names = new StringBuilder();
            scan.included().forEach(n -> names.append(n).append('\0'));
            Files.writeString(list, names, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of("tar", "--create", "--file", tar.toString(), "--directory",
                    layer.upper().toString(), "--no-recursion", "--null", "--verbatim-files-from", "--files-from",
                    list.toString(), "--numeric-owner", "--sparse"));
            cmd.addAll(XATTRS);
            ProcessResult r = runner.run(cmd, TAR_TIMEOUT);
            if (!r.ok()) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot save the container's filesystem changes: tar: "
                        + r.lastMessage(), "check free space in the checkpoint directory");
            }
            Files.setPosixFilePermissions(tar, Posix.FILE_PRIVATE);
            CheckpointStore.writeJson(dir.resolve(DELETED), scan.deleted());
            return new Manifest.FilesystemChanges(scan.added(), scan.changed(), scan.deleted().size(),
                    Files.size(tar));
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot save the container's filesystem changes: "
                    + e.getMessage(), "check free space in the checkpoint directory", e);
        } finally {
            try {
                Files.deleteIfExists(list);
            } catch (IOException e) {
                // the list is private and removed with the checkpoint at worst
            }
        }
    }

    /**
     * Applies saved changes to the writable layer of a created, never started container: the
     * archive as it is, deletions as overlay whiteouts.
     */
    static void apply(ProcessRunner runner, Layer layer, Path checkpointDir) {
        Path tar = checkpointDir.resolve(DIFF_TAR);
        try {
            if (Files.isRegularFile(tar, LinkOption.NOFOLLOW_LINKS)) {
                extract(runner, tar, layer.upper());
            }
            Path deletedFile = checkpointDir.resolve(DELETED);
            List<String> deleted = Files.isRegularFile(deletedFile, LinkOption.NOFOLLOW_LINKS)
                    ? Json.mapper().readValue(deletedFile.toFile(), new TypeReference<List<String>>() { })
                    : List.of();
            List<String> whiteouts = new ArrayList<>();
            for (String path : deleted) {
                String rel = safeRelative(path);
                if (rel != null && !Files.exists(layer.upper().resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                    whiteouts.add(rel);
                }
            }
            if (!whiteouts.isEmpty()) {
                Path wtar = Files.createTempFile(checkpointDir.getParent(), ".whiteouts", ".tar");
                try {
                    writeWhiteouts(wtar, whiteouts);
                    extract(runner, wtar, layer.upper());
                } finally {
                    Files.deleteIfExists(wtar);
                }
            }
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot apply the saved filesystem changes: " + e.getMessage(),
                    "check that the checkpoint is complete", e);
        }
    }

    private static void extract(ProcessRunner runner, Path tar, Path into) {
        List<String> cmd = new ArrayList<>(List.of("tar", "--extract", "--file", tar.toString(), "--directory",
                into.toString(), "--numeric-owner", "--same-owner", "--same-permissions", "--no-overwrite-dir"));
        cmd.addAll(XATTRS);
        ProcessResult r = runner.run(cmd, TAR_TIMEOUT);
        if (!r.ok()) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot apply the saved filesystem changes: tar: "
                    + r.lastMessage(), "check that the checkpoint is complete and there is free space under "
                            + into.getParent());
        }
    }

    /** An archive of whiteouts (character devices 0/0) with the directories above them. */
    private static void writeWhiteouts(Path file, List<String> paths) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String rel : paths) {
                TarArchiveEntry e = new TarArchiveEntry(rel, TarArchiveEntry.LF_CHR);
                e.setMode(0);
                e.setDevMajor(0);
                e.setDevMinor(0);
                out.putArchiveEntry(e);
                out.closeArchiveEntry();
            }
            out.finish();
        }
    }

    /** {@code /a/b} as {@code a/b}; null for anything that could leave the layer. */
    static String safeRelative(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Path rel = Path.of(path.substring(1)).normalize();
        String s = rel.toString();
        if (s.isEmpty() || rel.isAbsolute() || s.equals("..") || s.startsWith("../")
                || s.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return s;
    }

    private static boolean isWhiteout(Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = ((Number) a.get("mode")).intValue();
        long rdev = ((Number) a.get("rdev")).longValue();
        return (mode & S_IFMT) == S_IFCHR && rdev == 0;
    }

    private static boolean inLower(Layer layer, String rel) {
        for (Path l : layer.lower()) {
            if (Files.exists(l.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    private static boolean managed(String rel) {
        for (String m : MANAGED) {
            if (rel.equals(m) || rel.startsWith(m + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean below(String rel, List<String> mounts) {
        for (String m : mounts) {
            if (rel.startsWith(m + "/")) {
                return true;
            }
        }
        return false;
    }
}
