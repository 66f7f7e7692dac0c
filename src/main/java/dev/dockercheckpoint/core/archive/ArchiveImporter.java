package dev.dockercheckpoint.core.archive;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.Integrity;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Reads an archive (ours or Podman's) from a stream into a new stored checkpoint, all or nothing.
 *
 * <p>Every entry is checked before it is written: a relative path without {@code ..}, no device
 * node, FIFO or hard link, a symbolic link only when it stays inside the checkpoint, nothing
 * written through a link, no path twice, and the whole under a size bound. Files are written,
 * hashed as they stream, into the hidden temporary directory of the new checkpoint, which is
 * renamed into place only when the archive is complete and each file matches the manifest; a
 * failure removes it, and the directories the import created. {@code container.json} is written
 * last, so an import that is killed leaves a directory that recovery removes.
 */
public final class ArchiveImporter {
    /** Metadata files read into memory: bounded. */
    private static final int MAX_METADATA = 16 << 20;
    /** What may be held in memory before the checkpoint's name is known. */
    private static final long MAX_HELD = 64L << 20;
    private static final int MAX_PATH = 1024;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** Bounds on what an archive may hold. */
    public record Limits(long maxBytes, int maxEntries) {
        public static final Limits DEFAULT = new Limits(64L << 30, 100_000);
    }

    /** What an import made. */
    public record Result(String container, String name, Path dir, int files, long bytes, boolean verified,
            String origin, List<String> skipped, long millis, String checksums) {
    }

    /** An entry waiting for the checkpoint's name (or container.json, written last). */
    private record Held(String rel, byte[] data, long modified) {
    }

    private final CheckpointStore store;
    private final String containerOverride;
    private final String nameOverride;
    private final Limits limits;
    private final ArchiveProgress progress;
    private final AgeDecryption decryption;
    private final Map<String, ArchiveManifest.Entry> seen = new LinkedHashMap<>();
    private final Set<String> directories = new TreeSet<>();
    private final Set<String> links = new TreeSet<>();
    private final List<Held> held = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    /** Files left out: an archive with a manifest has none. */
    private final List<String> skippedFiles = new ArrayList<>();
    private long heldBytes;
    private long bytes;
    private int entries;
    private byte[] containerJson;
    private byte[] configDump;
    private byte[] specDump;
    private ArchiveManifest manifest;
    private CheckpointStore.Pending pending;
    private HashingPipe pipe;
    private final List<Path> createdDirs = new ArrayList<>();

    private ArchiveImporter(CheckpointStore store, String containerOverride, String nameOverride, Limits limits,
            AgeDecryption decryption, ArchiveProgress progress) {
        this.store = store;
        this.containerOverride = containerOverride;
        this.nameOverride = nameOverride;
        this.limits = limits;
        this.decryption = decryption;
        this.progress = progress;
    }

    /**
     * Imports the archive read from {@code in} into {@code store}. The container and checkpoint
     * names come from the archive unless overridden (null: from the archive).
     */
    public static Result importArchive(InputStream in, CheckpointStore store, String container, String name,
            Limits limits, ArchiveProgress progress) {
        return importArchive(in, store, container, name, limits, null, progress);
    }

    /**
     * The same for an archive that may be encrypted with age: {@code decryption} decrypts it (null:
     * an encrypted archive is refused, saying what it needs).
     */
    public static Result importArchive(InputStream in, CheckpointStore store, String container, String name,
            Limits limits, AgeDecryption decryption, ArchiveProgress progress) {
        if (container != null) {
            Names.requireValid("container name", container);
        }
        if (name != null) {
            Names.requireValid("checkpoint name", name);
        }
        return new ArchiveImporter(store, container, name, limits, decryption, progress).run(in);
    }

    private Result run(InputStream in) {
        long start = System.nanoTime();
        try (HashingPipe p = new HashingPipe()) {
            pipe = p;
            if (containerOverride != null && nameOverride != null) {
                open(containerOverride, nameOverride);
            }
            try (InputStream data = Compression.decompress(AgeDecryption.open(new NotClosing(in), decryption,
                    progress))) {
                TarArchiveInputStream tar = new TarArchiveInputStream(data);
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    entry(tar, e);
                }
                drain(data);
            }
            String origin = finish();
            String checksums = checkpointChecksums();
            Path dir = pending.commit();
            return new Result(pending.container(), pending.name(), dir, seen.size(), bytes, manifest != null,
                    origin, List.copyOf(skipped), (System.nanoTime() - start) / 1_000_000, checksums);
        } catch (IOException e) {
            abort();
            throw new DcpException(ErrorCode.INVALID_INPUT, "cannot read the archive: " + message(e),
                    "the archive is damaged or truncated (was the export complete?); export it again");
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    /**
     * Reads what follows the tar's end (its zero padding), so that a compressed stream's own
     * checksum is checked and a writer at the other end of a pipe finishes.
     */
    private static void drain(InputStream data) throws IOException {
        byte[] buf = new byte[1 << 16];
        long extra = 0;
        for (int n; (n = data.read(buf)) >= 0; ) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    throw refuse("it has data after its end");
                }
            }
            extra += n;
            if (extra > 1 << 20) {
                throw refuse("it has data after its end");
            }
        }
    }

    /** The caller's stream, which stays open for its owner to close. */
    private static final class NotClosing extends java.io.FilterInputStream {
        NotClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller's
        }
    }

    private static String message(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    // ---------------------------------------------------------------- one entry

    private void entry(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
        if (++entries > limits.maxEntries()) {
            throw refuse("it has more than " + limits.maxEntries() + " entries");
        }
        String path = normalize(e.getName());
        if (path == null) {
            return; // the archive's root directory
        }
        if (e.isLink()) {
            throw refuse(path + " is a hard link (to " + e.getLinkName() + "), which a checkpoint never holds");
        }
        if (e.isCharacterDevice() || e.isBlockDevice()) {
            throw refuse(path + " is a device node");
        }
        if (e.isFIFO()) {
            throw refuse(path + " is a FIFO");
        }
        if (path.equals(ArchiveLayout.MANIFEST)) {
            requireFile(e, path);
            if (manifest != null) {
                throw refuse("it holds " + path + " twice");
            }
            try {
                manifest = Json.mapper().readValue(readSmall(tar, e, path), ArchiveManifest.class);
            } catch (com.fasterxml.jackson.core.JacksonException ex) {
                throw refuse(path + " is not valid JSON");
            }
            if (!ArchiveManifest.FORMAT.equals(manifest.format())) {
                throw refuse(path + " is not a " + ArchiveManifest.FORMAT + " manifest");
            }
            return;
        }
        String rel = ArchiveLayout.checkpointPath(path);
        if (rel == null || rel.isEmpty()) {
            if (rel == null) {
                skipped.add(path);
                if (!e.isDirectory()) {
                    skippedFiles.add(path);
                }
            }
            return;
        }
        for (String link : links) {
            if (rel.startsWith(link + "/")) {
                throw refuse(path + " lies under the symbolic link " + link);
            }
        }
        if (e.isDirectory()) {
            if (seen.containsKey(rel)) {
                throw refuse(rel + " is both a file and a directory");
            }
            if (directories.add(rel) && pending != null) {
                mkdirs(rel);
            }
            return;
        }
        if (seen.containsKey(rel) || directories.contains(rel)) {
            throw refuse("it holds " + rel + " twice");
        }
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            if (!insideLink(rel, target)) {
                throw refuse(path + " is a symbolic link to " + target + ", outside the checkpoint");
            }
            seen.put(rel, ArchiveManifest.Entry.symlink(path, target));
            links.add(rel);
            if (pending != null) {
                symlink(rel, target);
            }
            return;
        }
        requireFile(e, path);
        long size = e.getSize();
        if (size < 0 || bytes + size > limits.maxBytes()) {
            throw refuse("it holds more than " + Bytes.human(limits.maxBytes()) + " (at " + path + ")");
        }
        if (rel.equals(Manifest.FILE_NAME) || rel.equals(ArchiveLayout.CONFIG_DUMP)
                || rel.equals(ArchiveLayout.SPEC_DUMP)) {
            byte[] data = readSmall(tar, e, path);
            seen.put(rel, ArchiveManifest.Entry.file(path, data.length, Sha256.hex(data)));
            bytes += data.length;
            switch (rel) {
                case Manifest.FILE_NAME -> containerJson = data;
                case ArchiveLayout.CONFIG_DUMP -> configDump = data;
                default -> specDump = data;
            }
            if (!rel.equals(Manifest.FILE_NAME)) {
                hold(rel, data, e);
            }
            if (pending == null && containerJson != null) {
                openFromContainerJson();
            }
            return;
        }
        if (pending == null && configDump != null && size > MAX_METADATA) {
            // a large entry before container.json: an archive made by Podman
            openFromConfigDump();
        }
        if (pending == null) {
            if (heldBytes + size > MAX_HELD) {
                throw refuse("its first " + Bytes.human(MAX_HELD) + " name no container (no container.json nor"
                        + " config.dump)", "pass -container and -name to import it under those names");
            }
            byte[] data = readSmall(tar, e, path, (int) Math.min(size, MAX_HELD));
            seen.put(rel, ArchiveManifest.Entry.file(path, data.length, Sha256.hex(data)));
            bytes += data.length;
            hold(rel, data, e);
            return;
        }
        write(tar, e, rel, path, size);
    }

    private void hold(String rel, byte[] data, TarArchiveEntry e) throws IOException {
        heldBytes += data.length;
        if (pending != null) {
            writeBytes(rel, data, e.getModTime().getTime());
        } else {
            held.add(new Held(rel, data, e.getModTime().getTime()));
        }
    }

    private void write(TarArchiveInputStream tar, TarArchiveEntry e, String rel, String path, long size)
            throws IOException {
        Path target = target(rel);
        long left = size;
        try (FileChannel out = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                        Posix.FILE_PRIVATE))) {
            SparseFileWriter sparse = new SparseFileWriter(out);
            while (left > 0) {
                byte[] buf = pipe.buffer();
                int n = tar.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                if (n <= 0) {
                    throw new IOException("the archive ends inside " + path);
                }
                pipe.hash(n);
                sparse.write(buf, n);
                left -= n;
                bytes += n;
                progress.bytes(bytes, -1, path);
                if (progress.isCancelled()) {
                    throw new DcpException(ErrorCode.CANCELLED, "import cancelled", "");
                }
            }
            sparse.finish();
        }
        Files.setLastModifiedTime(target, FileTime.fromMillis(e.getModTime().getTime()));
        seen.put(rel, ArchiveManifest.Entry.file(path, size, pipe.digest()));
    }

    // ---------------------------------------------------------------- the end

    /** Checks the whole against the manifest, writes container.json; returns the archive's origin. */
    private String finish() throws IOException {
        String origin;
        if (containerJson != null) {
            if (manifest == null) {
                throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive has no manifest ("
                        + ArchiveLayout.MANIFEST + "): it is truncated, or was not made by docker-checkpoint export",
                        "export it again and copy the whole file");
            }
            verify();
            origin = "docker-checkpoint";
        } else if (configDump != null && specDump != null) {
            if (manifest != null) {
                verify();
            }
            origin = "podman";
        } else {
            throw refuse("it holds neither container.json nor Podman's config.dump and spec.dump",
                    "pass an archive made by docker-checkpoint export or podman container checkpoint --export");
        }
        for (String image : ArchiveLayout.REQUIRED_IMAGES) {
            if (!seen.containsKey(image)) {
                throw refuse("it has no checkpoint/" + image + ": no CRIU images",
                        "pass an archive of a complete checkpoint");
            }
        }
        if (pending == null) {
            if (containerJson != null) {
                openFromContainerJson();
            } else {
                openFromConfigDump();
            }
        }
        checkRootfsDiff();
        if (containerJson != null) {
            // made from container.json at export: made again at the next export
            for (String metadata : ArchiveLayout.PODMAN_METADATA) {
                Files.deleteIfExists(pending.dir().resolve(metadata));
            }
        }
        byte[] json = containerJson;
        if (json == null) {
            // Podman's images keep its root mode (0555) and root mount group: left out for Docker
            // (the checksums recorded below are of the files as they are now)
            for (String rel : dev.dockercheckpoint.core.PortableImages.apply(pending.dir()).rewritten()) {
                byte[] data = Files.readAllBytes(pending.dir().resolve(rel));
                seen.put(rel, ArchiveManifest.Entry.file(ArchiveLayout.archivePath(rel), data.length,
                        Sha256.hex(data)));
            }
            Manifest m = PodmanMetadata.toManifest(configDump, specDump, pending.name());
            json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        }
        writeBytes(Manifest.FILE_NAME, json, System.currentTimeMillis());
        Manifest m = CheckpointStore.readManifest(pending.dir().resolve(Manifest.FILE_NAME));
        if (m.spec() == null || m.options() == null) {
            throw refuse("its container.json lacks the container's " + (m.spec() == null ? "spec" : "options"));
        }
        return origin;
    }

    /** Every entry as the manifest recorded it, and nothing else. */
    private void verify() {
        Map<String, ArchiveManifest.Entry> expected = new LinkedHashMap<>();
        for (ArchiveManifest.Entry x : manifest.entries()) {
            expected.put(x.path(), x);
        }
        List<String> damaged = new ArrayList<>();
        // files whose sum the export took from the checkpoint's checksums without hashing them
        int unread = 0;
        List<String> added = new ArrayList<>(skippedFiles);
        for (ArchiveManifest.Entry got : seen.values()) {
            ArchiveManifest.Entry want = expected.remove(got.path());
            if (want == null) {
                added.add(got.path());
            } else if (!want.sameAs(got)) {
                boolean sizes = ArchiveManifest.Entry.FILE.equals(got.type())
                        && ArchiveManifest.Entry.FILE.equals(want.type()) && !java.util.Objects.equals(want.size(),
                                got.size());
                damaged.add(got.path() + (sizes ? " (" + got.size() + " bytes, the manifest says " + want.size() + ")"
                        : ""));
                if (want.takenFromRecord() && !sizes) {
                    unread++;
                }
            }
        }
        if (!damaged.isEmpty()) {
            String one = damaged.size() == 1 ? "it" : "them";
            throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive is damaged: " + list(damaged)
                    + (damaged.size() == 1 ? " differs" : " differ") + " from the SHA-256 recorded at export",
                    unread == damaged.size()
                            // the export did not hash them: the checkpoint itself may be damaged
                            ? "nothing was imported; copy the archive again. The export took the checksum" + (damaged
                                    .size() == 1 ? "" : "s") + " recorded when the checkpoint was made instead of"
                                    + " hashing " + one + " again: if docker-checkpoint verify-checkpoint finds the"
                                    + " checkpoint damaged where it was made, make a new one"
                            : "nothing was imported; export the checkpoint again and copy the whole file");
        }
        if (!added.isEmpty()) {
            throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive was changed: " + list(added)
                    + (added.size() == 1 ? " is" : " are") + " not in its manifest",
                    "nothing was imported; export the checkpoint again");
        }
        if (!expected.isEmpty()) {
            throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, "the archive is incomplete: "
                    + list(new ArrayList<>(expected.keySet())) + (expected.size() == 1 ? " is" : " are")
                    + " missing", "nothing was imported; export the checkpoint again and copy the whole file");
        }
    }

    /**
     * The checkpoint's own checksums (checksums.json, recorded when it was made) against the files
     * as they were hashed while written here: an archive whose manifest was made again over a
     * damaged file is still refused. An archive without them (Podman's, or an older export) gets
     * them recorded for the imported files, so that later restores are checked. Returns what was
     * done, in words.
     */
    private String checkpointChecksums() throws IOException {
        Map<String, Checksums.Entry> got = new LinkedHashMap<>();
        for (Map.Entry<String, ArchiveManifest.Entry> e : seen.entrySet()) {
            String rel = e.getKey();
            ArchiveManifest.Entry a = e.getValue();
            if ((containerJson != null && ArchiveLayout.PODMAN_METADATA.contains(rel))
                    || rel.equals(Manifest.FILE_NAME) || !Checksums.covers(rel)) {
                continue; // removed above, written below, or never covered
            }
            got.put(rel, ArchiveManifest.Entry.SYMLINK.equals(a.type()) ? Checksums.Entry.symlink(rel, a.target())
                    : Checksums.Entry.file(rel, a.size(), a.sha256()));
        }
        byte[] json = Files.readAllBytes(pending.dir().resolve(Manifest.FILE_NAME));
        got.put(Manifest.FILE_NAME, Checksums.Entry.file(Manifest.FILE_NAME, json.length, Sha256.hex(json)));
        if (seen.containsKey(Checksums.FILE_NAME)) {
            Checksums expected;
            try {
                expected = IntegrityCheck.read(pending.dir());
            } catch (DcpException e) {
                throw new DcpException(e.code(), "the archive's checkpoint: " + e.getMessage(),
                        "nothing was imported; export the checkpoint again");
            }
            // volumes' tars an export added (--with-volumes) are not the checkpoint's files: the
            // archive's manifest checked them, and they join the checkpoint's checksums here
            Map<String, Checksums.Entry> expectedByPath = expected.byPath();
            List<Checksums.Entry> addedVolumes = new ArrayList<>();
            for (var it = got.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().startsWith(ArchiveLayout.VOLUMES + "/") && !expectedByPath.containsKey(e.getKey())
                        && !e.getValue().isLink()) {
                    addedVolumes.add(e.getValue());
                    it.remove();
                }
            }
            List<Integrity.Damage> damaged = IntegrityCheck.compare(expected, got);
            if (!damaged.isEmpty()) {
                throw IntegrityCheck.damagedError("the archive's checkpoint", damaged, "nothing was imported; the"
                        + " checkpoint was damaged before or while it was exported: export it again from an intact"
                        + " copy");
            }
            if (!addedVolumes.isEmpty()) {
                Checksums with = expected;
                for (Checksums.Entry v : addedVolumes) {
                    with = with.with(v);
                }
                Files.delete(target(Checksums.FILE_NAME));
                writeBytes(Checksums.FILE_NAME, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(with),
                        System.currentTimeMillis());
                return "every file matches the checksums recorded when the checkpoint was made; the volumes' copies"
                        + " match the archive's manifest";
            }
            return "every file matches the checksums recorded when the checkpoint was made";
        }
        byte[] sums = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(Checksums.of(
                List.copyOf(got.values())));
        writeBytes(Checksums.FILE_NAME, sums, System.currentTimeMillis());
        return "the archive carried no checksums of the checkpoint's files: recorded them for the imported files";
    }

    private static String list(List<String> paths) {
        return paths.size() <= 5 ? String.join(", ", paths)
                : String.join(", ", paths.subList(0, 5)) + " and " + (paths.size() - 5) + " more";
    }

    /** rootfs-diff.tar is applied into a container's layer at restore: its names must stay inside it. */
    private void checkRootfsDiff() throws IOException {
        Path file = pending.dir().resolve(ArchiveLayout.ROOTFS_DIFF);
        if (!Files.isRegularFile(file, NOFOLLOW)) {
            return;
        }
        try (TarFile diff = new TarFile(file)) {
            for (TarArchiveEntry e : diff.getEntries()) {
                String name = e.getName();
                if (name.startsWith("/") || hasDotDot(name)) {
                    throw refuse(ArchiveLayout.ROOTFS_DIFF + " holds " + Names.quote(name)
                            + ", which would leave the container's filesystem");
                }
                if (e.isLink() && (e.getLinkName().startsWith("/") || hasDotDot(e.getLinkName()))) {
                    throw refuse(ArchiveLayout.ROOTFS_DIFF + " holds a hard link to " + Names.quote(e.getLinkName())
                            + ", outside the container's filesystem");
                }
            }
        } catch (IOException e) {
            throw refuse(ArchiveLayout.ROOTFS_DIFF + " is not a readable tar file: " + message(e));
        }
    }

    // ---------------------------------------------------------------- the new checkpoint

    private Manifest parseContainerJson() {
        try {
            Manifest m = Json.mapper().readValue(containerJson, Manifest.class);
            if (m == null) {
                throw refuse("its container.json is empty");
            }
            return m;
        } catch (IOException e) {
            throw refuse("its container.json is not valid: " + message(e));
        }
    }

    /** Names from the export's record in config.dump, else from container.json, unless overridden. */
    private void openFromContainerJson() throws IOException {
        Manifest m = parseContainerJson();
        String[] exported = PodmanMetadata.exportedNames(configDump);
        String container = containerOverride != null ? containerOverride
                : exported[0] != null ? exported[0] : m.containerName();
        String name = nameOverride != null ? nameOverride : exported[1] != null ? exported[1] : m.checkpointName();
        open(container, name);
    }

    private void openFromConfigDump() throws IOException {
        String container = containerOverride != null ? containerOverride : PodmanMetadata.containerName(configDump);
        if (container == null) {
            throw refuse("its config.dump names no container", "pass -container to import it under that name");
        }
        open(container, nameOverride != null ? nameOverride : CheckpointRequest.DEFAULT_NAME);
    }

    /** Creates the hidden temporary directory of the new checkpoint and writes what was held. */
    private void open(String container, String name) throws IOException {
        if (container == null || name == null) {
            throw refuse("it names no container or checkpoint", "pass -container and -name");
        }
        Path base = store.base();
        Path containerDir = base.resolve(Names.requireValid("container name", container));
        Names.requireValid("checkpoint name", name);
        List<Path> missing = new ArrayList<>();
        for (Path p = containerDir; p != null && !Files.exists(p, NOFOLLOW); p = p.getParent()) {
            missing.add(p);
        }
        pending = store.create(container, name);
        createdDirs.addAll(missing);
        for (String d : directories) {
            mkdirs(d);
        }
        for (Held h : held) {
            if (seen.get(h.rel()) != null) {
                writeBytes(h.rel(), h.data(), h.modified());
            }
        }
        held.clear();
        for (String link : links) {
            symlink(link, seen.get(link).target());
        }
    }

    private void writeBytes(String rel, byte[] data, long modified) throws IOException {
        Path target = target(rel);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(target, Posix.FILE_PRIVATE);
            out.write(data);
        }
        Files.setLastModifiedTime(target, FileTime.fromMillis(modified));
    }

    private void symlink(String rel, String linkTarget) throws IOException {
        Files.createSymbolicLink(target(rel), Path.of(linkTarget));
    }

    private void mkdirs(String rel) throws IOException {
        Path dir = pending.dir();
        for (String part : rel.split("/")) {
            dir = dir.resolve(part);
            if (!Files.isDirectory(dir, NOFOLLOW)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(Posix.DIR_PRIVATE));
            }
        }
    }

    /** The path of {@code rel} in the temporary directory, its parent directories made. */
    private Path target(String rel) throws IOException {
        int slash = rel.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(rel.substring(0, slash));
        }
        return pending.dir().resolve(rel);
    }

    /** Removes the temporary directory, and the directories made for it when empty. */
    private void abort() {
        if (pending != null) {
            pending.abort();
        }
        for (Path p : createdDirs) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // not empty: another checkpoint arrived meanwhile
            }
        }
    }

    // ---------------------------------------------------------------- checks

    private static void requireFile(TarArchiveEntry e, String path) {
        byte flag = e.getLinkFlag();
        if (e.isDirectory() || (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM
                && flag != TarConstants.LF_CONTIG) || e.isSparse()) {
            throw refuse(path + " is of an unknown kind (tar type '" + (char) e.getLinkFlag() + "')");
        }
    }

    private byte[] readSmall(TarArchiveInputStream tar, TarArchiveEntry e, String path) throws IOException {
        return readSmall(tar, e, path, MAX_METADATA);
    }

    private static byte[] readSmall(TarArchiveInputStream tar, TarArchiveEntry e, String path, int max)
            throws IOException {
        if (e.getSize() > max) {
            throw refuse(path + " is larger than " + Bytes.human(max));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) e.getSize());
        tar.transferTo(out);
        if (out.size() != e.getSize()) {
            throw new IOException("the archive ends inside " + path);
        }
        return out.toByteArray();
    }

    /**
     * The entry's path relative to the archive's root ("./" and a trailing "/" removed), null for the
     * root itself; refuses absolute paths, ".." and "." components, empty components and control
     * characters.
     */
    static String normalize(String name) {
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
            throw refuse(Names.quote(name) + " is an absolute path");
        }
        if (n.length() > MAX_PATH) {
            throw refuse("an entry's path is longer than " + MAX_PATH + " characters");
        }
        for (String part : n.split("/", -1)) {
            if (part.equals("..")) {
                throw refuse(Names.quote(name) + " contains '..'");
            }
            if (part.isEmpty() || part.equals(".")) {
                throw refuse(Names.quote(name) + " is not a plain relative path");
            }
        }
        if (n.chars().anyMatch(c -> Character.isISOControl(c) || c == '\\')) {
            throw refuse(Names.quote(name) + " contains a control character or a backslash");
        }
        return n;
    }

    /** Whether a symbolic link at {@code rel} to {@code target} stays inside the checkpoint directory. */
    static boolean insideLink(String rel, String target) {
        if (target == null || target.isEmpty() || target.startsWith("/")
                || target.chars().anyMatch(Character::isISOControl)) {
            return false;
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

    private static boolean hasDotDot(String name) {
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static DcpException refuse(String why) {
        return refuse(why, "nothing was imported; import only archives made by docker-checkpoint export or"
                + " podman container checkpoint --export");
    }

    private static DcpException refuse(String why, String hint) {
        return new DcpException(ErrorCode.INVALID_INPUT, "refusing the archive: " + why, hint);
    }

}
