package dev.dockercheckpoint.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The store's JSON files (container.json and the like), read without following links and
 * written 0600 and atomically, and the store's message for an I/O error.
 */
final class StoreFiles {
    private StoreFiles() {
    }

    /** Reads a container.json (links are not followed). */
    static Manifest readManifest(Path file) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return Json.mapper().readValue(in, Manifest.class);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** Reads the container.json of the open directory {@code dir} (links are not followed). */
    static Manifest readManifest(SafeDir dir) {
        try (InputStream in = dir.read(Manifest.FILE_NAME)) {
            return Json.mapper().readValue(in, Manifest.class);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static DcpException unreadable(IOException e) {
        return new DcpException(ErrorCode.CHECKPOINT_INCOMPLETE, "unreadable " + Manifest.FILE_NAME + ": "
                + firstLine(e.getMessage()), "the checkpoint is damaged; make a new checkpoint", e);
    }

    /**
     * Writes container.json into the open directory {@code dir} (0600, atomically); when the
     * checkpoint there has its checksums already, its entry in them is brought up to date (the
     * tool rewrites container.json only to mark a checkpoint incomplete).
     */
    static void writeManifest(SafeDir dir, Manifest manifest) {
        byte[] json;
        try {
            json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.INTERNAL, "cannot serialise " + Manifest.FILE_NAME + ": "
                    + e.getMessage(), "report this", e);
        }
        dir.writeAtomically(Manifest.FILE_NAME, out -> out.write(json));
        if (dir.kind(Checksums.FILE_NAME) == SafeDir.Kind.FILE) {
            Checksums sums;
            try (InputStream in = dir.read(Checksums.FILE_NAME)) {
                sums = Checksums.parse(in.readAllBytes());
            } catch (IOException e) {
                throw io("cannot read " + dir.path().resolve(Checksums.FILE_NAME), e);
            }
            writeJson(dir, Checksums.FILE_NAME, sums.with(Checksums.Entry.file(Manifest.FILE_NAME, json.length,
                    Sha256.hex(json))));
        }
    }

    /** Writes {@code value} as pretty JSON to {@code name} in the open directory {@code dir}, mode 0600, atomically. */
    static void writeJson(SafeDir dir, String name, Object value) {
        dir.writeAtomically(name, out -> Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out, value));
    }

    /**
     * Writes {@code value} as pretty JSON to {@code file} with mode 0600, atomically, by path:
     * for directories already checked to be this user's alone.
     */
    static void writeJson(Path file, Object value) {
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

    /** An {@link ErrorCode#IO_ERROR} for {@code what}, with the first line of the cause. */
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
}
