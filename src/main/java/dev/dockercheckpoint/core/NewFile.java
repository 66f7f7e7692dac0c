package dev.dockercheckpoint.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A new file (an exported archive) written by this process as its user: into a hidden temporary
 * sibling (mode 0600), then linked into place, so that no half file ever has the name and an
 * existing file is never overwritten; on any failure the temporary file is removed.
 */
public final class NewFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the content of a new file. */
    public interface Body<T> {
        T write(OutputStream out) throws IOException;
    }

    private NewFile() {
    }

    /**
     * Writes {@code file} with {@code body}; {@code choose} names what the user changes to pick
     * another file in the hints (e.g. "-o", "the file").
     */
    public static <T> T write(Path file, String choose, Body<T> body) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, file + " already exists",
                    "choose another " + choose + ", or remove it first");
        }
        Path parent = file.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no directory " + parent + " to write " + file.getFileName()
                    + " into", "create it first, or choose another " + choose);
        }
        Path temp = parent.resolve("." + file.getFileName() + ".partial-" + HexFormat.of().toHexDigits(RANDOM.nextInt()));
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Files.createFile(temp,
                    PosixFilePermissions.asFileAttribute(Posix.FILE_PRIVATE)), StandardOpenOption.WRITE), 1 << 16)) {
                T r = body.write(out);
                out.flush();
                try {
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException e) {
                    throw new DcpException(ErrorCode.INVALID_INPUT, file + " appeared while it was written",
                            "choose another " + choose);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.move(temp, file);
                }
                return r;
            }
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(),
                    "check free space and permissions in " + parent);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a hidden leftover at worst
            }
        }
    }
}
