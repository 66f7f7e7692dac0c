package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The container's filesystem changes since it started, kept with the checkpoint as
 * {@code rootfs-diff.tar} (files and directories added or changed, with mode and owner) and
 * {@code deleted.files} (a JSON list of deleted paths), in the spirit of Podman's checkpoints.
 * CRIU restores open files by path and checks their mode and size, so a restore into a new
 * container needs them.
 */
final class FilesystemChanges {
    static final String DIFF_TAR = "rootfs-diff.tar";
    static final String DELETED = "deleted.files";
    /** Paths Docker manages itself in every container; never captured. */
    private static final List<String> MANAGED = List.of("/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname",
            "/etc/resolv.conf", "/.dockerenv");

    private FilesystemChanges() {
    }

    /**
     * Captures the changes of container {@code id} into {@code dir}. {@code mountPoints} are the
     * container's mount destinations; nothing at or below them is captured (they are mounts, not
     * part of the container's own layer).
     */
    static Manifest.FilesystemChanges capture(Docker docker, String id, Collection<String> mountPoints, Path dir) {
        JsonNode changes = docker.getJson("/containers/" + Docker.encode(id) + "/changes");
        List<String> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        int added = 0;
        int modified = 0;
        if (changes != null) {
            for (JsonNode c : changes) {
                String path = c.path("Path").asText("");
                if (path.isEmpty() || excluded(path, mountPoints)) {
                    continue;
                }
                switch (c.path("Kind").asInt(-1)) {
                    case 0 -> {
                        changed.add(path);
                        modified++;
                    }
                    case 1 -> {
                        changed.add(path);
                        added++;
                    }
                    case 2 -> deleted.add(path);
                    default -> {
                    }
                }
            }
        }
        changed.sort(null);
        deleted.sort(null);
        Path tar = dir.resolve(DIFF_TAR);
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tar));
                TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String path : changed) {
                copyEntry(docker, id, path, out);
            }
            out.finish();
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot save the container's filesystem changes: "
                    + e.getMessage(), "check free space in the checkpoint directory", e);
        }
        CheckpointStore.writeJson(dir.resolve(DELETED), deleted);
        long bytes;
        try {
            bytes = Files.size(tar);
        } catch (IOException e) {
            bytes = 0;
        }
        return new Manifest.FilesystemChanges(added, modified, deleted.size(), bytes);
    }

    /** Copies the entry for {@code path} itself (not a directory's content) into {@code out}. */
    private static void copyEntry(Docker docker, String id, String path, TarArchiveOutputStream out)
            throws IOException {
        try (Response response = docker.archive(id, path)) {
            if (response == null) {
                return; // removed since the change list was read
            }
            TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(response.getBody()));
            TarArchiveEntry entry = in.getNextEntry();
            if (entry == null) {
                return;
            }
            String name = path.substring(1);
            TarArchiveEntry copy = new TarArchiveEntry(entry.isDirectory() ? name + "/" : name,
                    entry.isSymbolicLink() ? TarArchiveEntry.LF_SYMLINK : entry.isDirectory()
                            ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
            copy.setMode(entry.getMode());
            copy.setUserId(entry.getLongUserId());
            copy.setGroupId(entry.getLongGroupId());
            copy.setUserName(entry.getUserName());
            copy.setGroupName(entry.getGroupName());
            copy.setModTime(entry.getModTime());
            if (entry.isSymbolicLink()) {
                copy.setLinkName(entry.getLinkName());
                out.putArchiveEntry(copy);
            } else if (entry.isFile()) {
                copy.setSize(entry.getSize());
                out.putArchiveEntry(copy);
                in.transferTo(out);
            } else if (entry.isDirectory()) {
                out.putArchiveEntry(copy);
            } else {
                return; // devices, fifos: not recreated
            }
            out.closeArchiveEntry();
        }
    }

    private static boolean excluded(String path, Collection<String> mountPoints) {
        for (String m : MANAGED) {
            if (path.equals(m) || path.startsWith(m + "/")) {
                return true;
            }
        }
        for (String m : mountPoints) {
            if (path.equals(m) || path.startsWith(m.endsWith("/") ? m : m + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies saved changes to the created (not yet started) container {@code id}: the tar
     * through Docker's archive API, deletions as overlay whiteouts in its upper directory.
     */
    static void apply(Docker docker, ProcessRunner runner, String id, Path checkpointDir) {
        Path tar = checkpointDir.resolve(DIFF_TAR);
        try {
            if (Files.isRegularFile(tar, LinkOption.NOFOLLOW_LINKS) && Files.size(tar) > 1024) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(tar))) {
                    docker.putArchive(id, "/", in);
                }
            }
            Path deletedFile = checkpointDir.resolve(DELETED);
            List<String> deleted = Files.isRegularFile(deletedFile, LinkOption.NOFOLLOW_LINKS)
                    ? Json.mapper().readValue(deletedFile.toFile(), new TypeReference<List<String>>() { })
                    : List.of();
            if (deleted.isEmpty()) {
                return;
            }
            ContainerInfo info = ContainerInfo.of(docker.inspectContainer(id));
            if (!"overlay2".equals(info.graphDriver()) || info.upperDir() == null) {
                throw new DcpException(ErrorCode.UNSUPPORTED,
                        "cannot recreate " + deleted.size() + " deleted file(s) with storage driver "
                                + info.graphDriver(),
                        "use Docker's overlay2 storage driver");
            }
            Path upper = Path.of(info.upperDir());
            for (String path : deleted) {
                whiteout(runner, upper, path);
            }
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot apply the saved filesystem changes: " + e.getMessage(),
                    "check that the checkpoint is complete", e);
        }
    }

    private static void whiteout(ProcessRunner runner, Path upper, String path) throws IOException {
        Path rel = Path.of(path.substring(1)).normalize();
        if (rel.isAbsolute() || rel.startsWith("..") || rel.toString().isEmpty()) {
            return;
        }
        Path target = upper.resolve(rel);
        if (!target.startsWith(upper)) {
            return;
        }
        Path parent = target.getParent();
        // parents in the upper layer must be real directories, never links out of it
        for (Path p = parent; p != null && p.startsWith(upper) && !p.equals(upper); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                return;
            }
        }
        Files.createDirectories(parent);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        ProcessResult r = runner.run(List.of("mknod", target.toString(), "c", "0", "0"), Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IOException("mknod " + target + ": " + r.lastMessage());
        }
    }
}
