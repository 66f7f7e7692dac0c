package dev.dockercheckpoint.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Makes a checkpoint's CRIU images restorable by another engine: two facts CRIU records belong to
 * the host the container ran on, not to the application, and are left out.
 * <ul>
 * <li>The root mount's master peer group ({@code master_id} of the top mount in
 * {@code mountpoints-*.img}): Docker's root is a slave of the host's shared {@code /var/lib/docker}.
 * An engine whose root is private (Podman's storage is) cannot give CRIU that group back, and the
 * restore fails with "Failed to copy sharing from ... criu-root". Without it the root is
 * restored private, which any engine can do; mounts inside the container keep their sharing.</li>
 * <li>The mode of the container's root directory ({@code mode} of the regular-file entries named
 * {@code /} in {@code files.img}, the processes' root and working directory): each engine gives
 * the root of a container's filesystem its own mode (Docker 0755, Podman 0555), and CRIU refuses
 * a restore where it differs ("File . has bad mode 040555 (expect 040755)").</li>
 * </ul>
 *
 * <p>An image is a sequence of entries after two magic numbers (criu/image.c): each entry is a
 * little-endian u32 size followed by a protobuf message. The entries are read and written as
 * protobuf fields without the schema (images/mnt.proto: mnt_entry 2 mnt_id, 4 parent_mnt_id,
 * 7 mountpoint, 11 master_id; images/fdinfo.proto: file_entry 1 type (1 = REG), 3 reg;
 * images/regfile.proto: reg_file_entry 6 name, 10 mode). Fields are written back in field-number
 * order, as CRIU writes them; an image that needs no change is not rewritten, and one that does
 * not parse is left as it is.
 */
public final class PortableImages {
    private static final int HEADER = 8;
    private static final int MAX_ENTRY = 64 << 20;
    private static final int MNT_ID = 2;
    private static final int MNT_PARENT = 4;
    private static final int MNT_MOUNTPOINT = 7;
    private static final int MNT_MASTER = 11;
    private static final int MNT_EXT_KEY = 18;
    private static final int FILE_TYPE = 1;
    private static final int FILE_REG = 3;
    private static final int REG_TYPE = 1;
    private static final int REG_NAME = 6;
    private static final int REG_MODE = 10;

    private PortableImages() {
    }

    /** What was changed: the images rewritten, by file name (empty when none needed it). */
    public record Result(List<String> rewritten) {
    }

    /**
     * Leaves the host's facts out of the images in {@code dir} (a checkpoint's image directory).
     * Files are replaced atomically, keeping their permissions.
     */
    public static Result apply(Path dir) throws IOException {
        List<String> rewritten = new ArrayList<>();
        List<Path> mountImages = new ArrayList<>();
        try (DirectoryStream<Path> images = Files.newDirectoryStream(dir, "mountpoints-*.img")) {
            images.forEach(mountImages::add);
        }
        for (Path image : mountImages) {
            if (rewrite(image, PortableImages::withoutRootMaster)) {
                rewritten.add(image.getFileName().toString());
            }
        }
        Path files = dir.resolve("files.img");
        if (Files.isRegularFile(files, LinkOption.NOFOLLOW_LINKS)
                && rewrite(files, entries -> entries.stream().map(PortableImages::withoutRootMode).toList())) {
            rewritten.add(files.getFileName().toString());
        }
        return new Result(List.copyOf(rewritten));
    }

    /**
     * The keys of the external mounts CRIU recorded in {@code dir}'s images ({@code ext_key} of
     * mnt_entry, field 18: the mount point inside the container, for runc's bind mounts), which a
     * restore must map onto a mount of the host.
     */
    public static Set<String> externalMountKeys(Path dir) throws IOException {
        Set<String> keys = new java.util.TreeSet<>();
        List<Path> mountImages = new ArrayList<>();
        try (DirectoryStream<Path> images = Files.newDirectoryStream(dir, "mountpoints-*.img")) {
            images.forEach(mountImages::add);
        }
        for (Path image : mountImages) {
            if (Files.size(image) > MAX_ENTRY) {
                continue;
            }
            List<UnknownFieldSet> mounts = entries(Files.readAllBytes(image));
            if (mounts == null) {
                continue;
            }
            for (UnknownFieldSet m : mounts) {
                String key = string(m, MNT_EXT_KEY);
                if (key != null) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** The mount entries with the master group of the top mount ("/", its parent not among them) left out. */
    static List<UnknownFieldSet> withoutRootMaster(List<UnknownFieldSet> mounts) {
        Set<Long> ids = new HashSet<>();
        for (UnknownFieldSet m : mounts) {
            varint(m, MNT_ID).ifPresent(ids::add);
        }
        List<UnknownFieldSet> out = new ArrayList<>(mounts.size());
        for (UnknownFieldSet m : mounts) {
            boolean top = "/".equals(string(m, MNT_MOUNTPOINT))
                    && !varint(m, MNT_PARENT).map(ids::contains).orElse(false);
            boolean hasMaster = varint(m, MNT_MASTER).map(v -> v != 0).orElse(false);
            out.add(top && hasMaster ? m.toBuilder().clearField(MNT_MASTER).build() : m);
        }
        return out;
    }

    /** A file entry with the mode left out when it is a regular-file entry of the root directory. */
    static UnknownFieldSet withoutRootMode(UnknownFieldSet file) {
        if (varint(file, FILE_TYPE).orElse(-1L) != REG_TYPE) {
            return file;
        }
        UnknownFieldSet.Field regField = file.getField(FILE_REG);
        if (regField == null || regField.getLengthDelimitedList().size() != 1) {
            return file;
        }
        UnknownFieldSet reg;
        try {
            reg = UnknownFieldSet.parseFrom(regField.getLengthDelimitedList().get(0));
        } catch (InvalidProtocolBufferException e) {
            return file;
        }
        if (!"/".equals(string(reg, REG_NAME)) || !reg.hasField(REG_MODE)) {
            return file;
        }
        UnknownFieldSet newReg = reg.toBuilder().clearField(REG_MODE).build();
        return file.toBuilder().clearField(FILE_REG).addField(FILE_REG,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(newReg.toByteString()).build()).build();
    }

    private static java.util.Optional<Long> varint(UnknownFieldSet m, int field) {
        UnknownFieldSet.Field f = m.getField(field);
        if (f == null || f.getVarintList().isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(f.getVarintList().get(f.getVarintList().size() - 1));
    }

    private static String string(UnknownFieldSet m, int field) {
        UnknownFieldSet.Field f = m.getField(field);
        if (f == null || f.getLengthDelimitedList().isEmpty()) {
            return null;
        }
        return f.getLengthDelimitedList().get(0).toStringUtf8();
    }

    /** Parses an image's entries; null when the bytes are not an image of protobuf entries. */
    static List<UnknownFieldSet> entries(byte[] image) {
        if (image.length < HEADER) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.position(HEADER);
        List<UnknownFieldSet> entries = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                return null;
            }
            int size = b.getInt();
            if (size < 0 || size > MAX_ENTRY || size > b.remaining()) {
                return null;
            }
            try {
                entries.add(UnknownFieldSet.parseFrom(ByteString.copyFrom(image, b.position(), size)));
            } catch (InvalidProtocolBufferException e) {
                return null;
            }
            b.position(b.position() + size);
        }
        return entries;
    }

    /** The image made of {@code header} (its first 8 bytes) and {@code entries}. */
    static byte[] image(byte[] header, List<UnknownFieldSet> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header, 0, HEADER);
        ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (UnknownFieldSet e : entries) {
            byte[] bytes = e.toByteArray();
            size.clear();
            size.putInt(bytes.length);
            out.write(size.array(), 0, 4);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    private static boolean rewrite(Path file, UnaryOperator<List<UnknownFieldSet>> change) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_ENTRY) {
            return false;
        }
        byte[] original = Files.readAllBytes(file);
        List<UnknownFieldSet> entries = entries(original);
        if (entries == null) {
            return false;
        }
        List<UnknownFieldSet> changed = change.apply(entries);
        if (changed.equals(entries)) {
            return false;
        }
        byte[] updated = image(original, changed);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".portable");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(updated));
            ch.force(true);
        }
        try {
            Files.setPosixFilePermissions(tmp, mode);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }
}
