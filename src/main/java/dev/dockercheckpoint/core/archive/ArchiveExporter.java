package dev.dockercheckpoint.core.archive;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a stored checkpoint as one archive in Podman's layout ({@link ArchiveLayout}) to a
 * stream, in one pass and without a copy on disk: each file is read once and written as it is
 * read; the manifest with every entry's size and SHA-256 comes last. A file whose size and time
 * are those it had when the checkpoint's checksums were recorded carries its recorded checksum;
 * any other (and every file with {@code verify}) is hashed as it is read, on a thread of its own,
 * and compared with its recorded checksum (a damaged checkpoint is refused). The calling thread
 * reads, hashes and frames the files while another compresses and writes
 * ({@link WriteBehindOutputStream}), as {@code tar | zstd} runs in two processes.
 */
public final class ArchiveExporter {
    private static final int CHUNK = HashingPipe.CHUNK;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private ArchiveExporter() {
    }

    /** What an export wrote. */
    public record Result(int entries, long contentBytes, long archiveBytes, long millis) {
    }

    /** One entry to write: from a file (source), generated (data), a directory or a symbolic link. */
    private record Item(String path, Path source, byte[] data, boolean directory, String linkTarget, long size,
            Instant modified, boolean volume) {
        Item(String path, Path source, byte[] data, boolean directory, String linkTarget, long size, Instant modified) {
            this(path, source, data, directory, linkTarget, size, modified, false);
        }
    }

    /** Finds a named volume's contents for an export with its volumes. */
    @FunctionalInterface
    public interface VolumeSource {
        /** The directory holding volume {@code name}'s contents, or null when the engine has no such volume. */
        Path mountpoint(String name);
    }

    /** What the export says when it carries volumes. */
    public static final String VOLUMES_NOTE = "volumes are copied as they are now, not as they were at the checkpoint";

    /**
     * Exports {@code stored} to {@code out} (left open), compressed with {@code compression}.
     * {@code tool} is this tool's version, recorded in the manifest.
     */
    public static Result export(CheckpointStore.Stored stored, OutputStream out, Compression compression, String tool,
            ArchiveProgress progress) {
        return export(stored, out, compression, null, tool, progress);
    }

    /**
     * The same, the compressed archive encrypted with {@code encryption} (age; null: not encrypted):
     * tar, then the compression, then age.
     */
    public static Result export(CheckpointStore.Stored stored, OutputStream out, Compression compression,
            AgeEncryption encryption, String tool, ArchiveProgress progress) {
        return export(stored, out, compression, encryption, tool, progress, null);
    }

    /**
     * The same, with {@code volumes} not null: each named volume the container mounted (anonymous
     * ones too) is added as {@code volumes/<name>.tar}, read from {@code volumes} as it is now (a
     * volume the checkpoint directory already holds, from a Podman archive, is kept as it is).
     */
    public static Result export(CheckpointStore.Stored stored, OutputStream out, Compression compression,
            AgeEncryption encryption, String tool, ArchiveProgress progress, VolumeSource volumes) {
        return export(stored, out, compression, encryption, tool, progress, volumes, false);
    }

    /**
     * The same; {@code verify} true reads and hashes every file and compares it with the checksums
     * the checkpoint recorded when it was made, refusing a damaged checkpoint before the archive is
     * complete. Without it, a file whose size and modification time are still those it had when
     * its checksum was recorded goes into the manifest with that recorded checksum, unhashed (the
     * import hashes every file and compares it with both); only the others (changed since, not
     * covered by the checksums, or in a checkpoint without them) are hashed here.
     */
    public static Result export(CheckpointStore.Stored stored, OutputStream out, Compression compression,
            AgeEncryption encryption, String tool, ArchiveProgress progress, VolumeSource volumes, boolean verify) {
        List<Path> temporary = new ArrayList<>();
        try {
            return export(stored, out, compression, encryption, tool, progress, volumes, verify, temporary);
        } finally {
            for (Path t : temporary) {
                try {
                    Files.deleteIfExists(t);
                } catch (IOException e) {
                    progress.note("cannot remove the temporary file " + t + ": " + e.getMessage());
                }
            }
        }
    }

    private static Result export(CheckpointStore.Stored stored, OutputStream out, Compression compression,
            AgeEncryption encryption, String tool, ArchiveProgress progress, VolumeSource volumes, boolean verify,
            List<Path> temporary) {
        long start = System.nanoTime();
        List<Item> items = collect(stored);
        if (volumes != null) {
            addVolumes(stored, items, volumes, temporary, progress);
        }
        // a checkpoint whose files are missing, added or of another size is refused here; a file
        // that is hashed is compared with its checkpoint-time checksum as it is read (once)
        IntegrityCheck.Recorded recorded = IntegrityCheck.beforeReading(stored.dir(), "checkpoint "
                + stored.container() + "/" + stored.name(), "nothing was exported; its files changed after it was made"
                + " (disk, copy or a hand edit): export another checkpoint, or make a new one");
        if (recorded == null) {
            progress.note("checkpoint " + stored.container() + "/" + stored.name() + " was made without checksums:"
                    + " its files could not be checked (the archive's manifest still protects the copy)");
        }
        long total = items.stream().mapToLong(Item::size).sum();
        CountingOutputStream counted = new CountingOutputStream(out);
        List<ArchiveManifest.Entry> entries = new ArrayList<>();
        long done = 0;
        String current = null;
        WriteBehindOutputStream behind = null;
        try (HashingPipe pipe = new HashingPipe()) {
            OutputStream compressed = compression.compress(encryption == null ? counted : encryption.encrypt(counted));
            // compressed (and encrypted, and written) on a thread of its own, beside this one that
            // reads, hashes and frames the files, as tar | zstd runs in two processes
            behind = new WriteBehindOutputStream(compressed, "archive-compress");
            // tar's records stay 10 KiB blocks: a reader such as GNU tar stops at the end marker, and
            // padding beyond its block would be left unread in a pipe (zstd -d | tar -t: SIGPIPE)
            TarArchiveOutputStream tar = new TarArchiveOutputStream(behind);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Item item : items) {
                current = item.path();
                if (item.directory()) {
                    TarArchiveEntry e = entry(item.path() + "/", TarConstants.LF_DIR, item.modified());
                    e.setMode(040700);
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                    continue;
                }
                if (item.linkTarget() != null) {
                    TarArchiveEntry e = entry(item.path(), TarConstants.LF_SYMLINK, item.modified());
                    e.setMode(0120777);
                    e.setLinkName(item.linkTarget());
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                    entries.add(ArchiveManifest.Entry.symlink(item.path(), item.linkTarget()));
                    continue;
                }
                TarArchiveEntry e = entry(item.path(), TarConstants.LF_NORMAL, item.modified());
                e.setMode(0100600);
                e.setSize(item.size());
                tar.putArchiveEntry(e);
                String sha;
                // the checksum recorded for this file, when it has not changed since and is not to be verified
                String unchanged = recorded == null || verify || item.volume() || item.source() == null ? null
                        : recorded.unchanged(rel(stored.dir(), item.source()), item.size(), item.modified());
                if (item.data() != null) {
                    tar.write(item.data());
                    done += item.size();
                    sha = Sha256.hex(item.data());
                } else {
                    try (InputStream in = Files.newInputStream(item.source(), NOFOLLOW)) {
                        long left = item.size();
                        // a file that is not hashed is read into one buffer, again and again
                        byte[] unhashed = unchanged == null ? null : pipe.buffer();
                        while (left > 0) {
                            byte[] buf = unhashed != null ? unhashed : pipe.buffer();
                            int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                            if (n <= 0) {
                                throw changed(item);
                            }
                            if (unhashed == null) {
                                pipe.hash(n);
                            }
                            tar.write(buf, 0, n);
                            left -= n;
                            done += n;
                            progress.bytes(done, total, item.path());
                            if (progress.isCancelled()) {
                                throw new DcpException(ErrorCode.CANCELLED, "export cancelled", "");
                            }
                        }
                        if (in.read() >= 0) {
                            throw changed(item);
                        }
                    }
                    if (unchanged != null) {
                        sha = unchanged;
                    } else {
                        sha = pipe.digest();
                        if (recorded != null && !item.volume()) {
                            recorded.check(rel(stored.dir(), item.source()), item.size(), sha);
                        }
                    }
                }
                tar.closeArchiveEntry();
                entries.add(unchanged != null ? ArchiveManifest.Entry.recordedFile(item.path(), item.size(), sha)
                        : ArchiveManifest.Entry.file(item.path(), item.size(), sha));
            }
            current = ArchiveLayout.MANIFEST;
            ArchiveManifest manifest = new ArchiveManifest(ArchiveManifest.FORMAT, ArchiveManifest.FORMAT_VERSION,
                    tool, Instant.now(), stored.container(), stored.name(), compression.label(), entries);
            byte[] json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
            TarArchiveEntry e = entry(ArchiveLayout.MANIFEST, TarConstants.LF_NORMAL, Instant.now());
            e.setMode(0100600);
            e.setSize(json.length);
            tar.putArchiveEntry(e);
            tar.write(json);
            tar.closeArchiveEntry();
            tar.finish();
            tar.close(); // finishes the compressed stream; the caller's stream stays open
            progress.bytes(done, total, null);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot export " + stored.container() + "/" + stored.name()
                    + (current == null ? "" : " (at " + current + ")") + ": " + e.getMessage(),
                    "check free space where the archive is written, and that its reader is still there");
        } finally {
            if (behind != null) {
                // after a failure: nothing more reaches the caller's stream once this returns
                behind.abort();
            }
        }
        return new Result(entries.size() + 1, done, counted.count(), (System.nanoTime() - start) / 1_000_000);
    }

    private static DcpException changed(Item item) {
        return new DcpException(ErrorCode.IO_ERROR, item.source() + " changed while it was exported",
                "export again when nothing writes to the checkpoint (a restore of it running?)");
    }

    private static TarArchiveEntry entry(String name, byte type, Instant modified) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setIds(0, 0);
        e.setNames("root", "root");
        e.setModTime(modified.toEpochMilli());
        return e;
    }

    /** The runtime spec a checkpoint kept ({@link CheckpointStore#RUNTIME_SPEC}), or null. */
    private static byte[] runtimeSpec(Path dir) throws IOException {
        Path spec = dir.resolve(CheckpointStore.RUNTIME_SPEC);
        if (!Files.isRegularFile(spec, NOFOLLOW) || Files.size(spec) > MAX_RUNTIME_SPEC) {
            return null;
        }
        return Files.readAllBytes(spec);
    }

    /** Larger than any runtime spec runc writes; a larger file is not used as one. */
    private static final long MAX_RUNTIME_SPEC = 4 << 20;

    /** The archive's entries, in order: metadata first, the CRIU images, the layer, the volumes. */
    private static List<Item> collect(CheckpointStore.Stored stored) {
        Path dir = stored.dir();
        Manifest m = stored.manifest();
        Instant at = m.createdAt() == null ? Instant.now() : m.createdAt();
        List<Item> items = new ArrayList<>();
        items.add(new Item(ArchiveLayout.CHECKPOINT_DIR, null, null, true, null, 0, at));
        try {
            byte[] runtimeSpec = runtimeSpec(dir);
            for (String generated : List.of(ArchiveLayout.CONFIG_DUMP, ArchiveLayout.SPEC_DUMP,
                    ArchiveLayout.NETWORK_STATUS)) {
                // a checkpoint imported from Podman keeps Podman's own
                if (!Files.isRegularFile(dir.resolve(generated), NOFOLLOW)) {
                    byte[] data = switch (generated) {
                        case ArchiveLayout.CONFIG_DUMP -> PodmanMetadata.configDump(m, runtimeSpec,
                                stored.container(), stored.name());
                        case ArchiveLayout.SPEC_DUMP -> PodmanMetadata.specDump(m, runtimeSpec);
                        default -> PodmanMetadata.networkStatus();
                    };
                    items.add(new Item(generated, null, data, false, null, data.length, at));
                }
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (d.equals(dir)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = rel(dir, d);
                    if (hidden(rel)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    items.add(new Item(ArchiveLayout.archivePath(rel), null, null, true, null, 0,
                            attrs.lastModifiedTime().toInstant()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(dir, file);
                    if (hidden(rel)) {
                        return FileVisitResult.CONTINUE;
                    }
                    Instant modified = attrs.lastModifiedTime().toInstant();
                    if (attrs.isSymbolicLink()) {
                        items.add(new Item(ArchiveLayout.archivePath(rel), null, null, false,
                                Files.readSymbolicLink(file).toString(), 0, modified));
                    } else if (attrs.isRegularFile()) {
                        items.add(new Item(ArchiveLayout.archivePath(rel), file, null, false, null, attrs.size(),
                                modified));
                    } else {
                        throw new DcpException(ErrorCode.INVALID_INPUT, "the checkpoint holds " + file
                                + ", which is neither a file, a directory nor a symbolic link",
                                "remove it from the checkpoint directory, then export again");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + dir + ": " + e.getMessage(),
                    "check that the checkpoint is complete");
        }
        items.sort(Comparator.comparingInt((Item i) -> rank(i.path())).thenComparing(Item::path));
        return items;
    }

    /** The names of the named volumes (anonymous ones included) the checkpointed container mounted. */
    static List<String> volumeNames(Manifest m) {
        Set<String> names = new LinkedHashSet<>();
        if (m.spec() != null && m.spec().mounts() != null) {
            for (var mount : m.spec().mounts()) {
                if ("volume".equals(mount.type()) && mount.source() != null && !mount.source().isEmpty()) {
                    names.add(mount.source());
                }
            }
        }
        return List.copyOf(names);
    }

    /** Writes each volume's tar to a temporary file (a tar entry needs its size first) and adds it. */
    private static void addVolumes(CheckpointStore.Stored stored, List<Item> items, VolumeSource volumes,
            List<Path> temporary, ArchiveProgress progress) {
        List<String> names = volumeNames(stored.manifest());
        if (names.isEmpty()) {
            progress.note("the container mounted no named volume: there is none to copy");
            return;
        }
        progress.note(VOLUMES_NOTE);
        boolean hasDir = items.stream().anyMatch(i -> i.path().equals(ArchiveLayout.VOLUMES));
        for (String name : names) {
            if (Names.problem(name) != null) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "volume " + Names.quote(name)
                        + " has a name that cannot be a file name", "export without --with-volumes");
            }
            String path = ArchiveLayout.VOLUMES + "/" + name + ".tar";
            if (items.stream().anyMatch(i -> i.path().equals(path))) {
                progress.note("volume " + name + ": the checkpoint's own copy is exported");
                continue;
            }
            Path mountpoint = volumes.mountpoint(name);
            if (mountpoint == null || !Files.isDirectory(mountpoint)) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "volume " + name + " of the checkpointed container"
                        + " is not on this engine" + (mountpoint == null ? "" : " (no directory " + mountpoint + ")"),
                        "nothing was exported; export without --with-volumes, or recreate the volume");
            }
            try {
                Path tmp = Files.createTempFile("dcp-volume-", ".tar");
                temporary.add(tmp);
                VolumeArchive.Written w;
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), CHUNK)) {
                    w = VolumeArchive.write(mountpoint, o);
                }
                if (!w.skipped().isEmpty()) {
                    progress.note("volume " + name + ": left out " + w.skipped().size()
                            + " socket(s) or device(s), e.g. " + w.skipped().get(0));
                }
                progress.note("volume " + name + ": " + w.entries() + " entries, " + w.bytes() + " bytes");
                if (!hasDir) {
                    items.add(new Item(ArchiveLayout.VOLUMES, null, null, true, null, 0, Instant.now()));
                    hasDir = true;
                }
                items.add(new Item(path, tmp, null, false, null, Files.size(tmp), Instant.now(), true));
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot read volume " + name + " at " + mountpoint
                        + ": " + e.getMessage(), "check free space in " + System.getProperty("java.io.tmpdir")
                        + " (the volume's tar is written there first)");
            }
        }
        items.sort(Comparator.comparingInt((Item i) -> rank(i.path())).thenComparing(Item::path));
    }

    /** Temporary files (a name starting with '.') are never part of an archive. */
    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String rel(Path dir, Path p) {
        return dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static int rank(String path) {
        return switch (path) {
            case ArchiveLayout.CHECKPOINT_DIR -> 0;
            case ArchiveLayout.CONFIG_DUMP -> 1;
            case ArchiveLayout.SPEC_DUMP -> 2;
            case ArchiveLayout.NETWORK_STATUS -> 3;
            case Manifest.FILE_NAME -> 4;
            case ArchiveLayout.ROOTFS_DIFF -> 7;
            default -> path.startsWith(ArchiveLayout.CHECKPOINT_PREFIX) ? 6
                    : path.equals(ArchiveLayout.VOLUMES) || path.startsWith(ArchiveLayout.VOLUMES + "/") ? 8 : 5;
        };
    }
}
