package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRIU settings of one restore in a file of its own, named to runc by the new container's
 * {@code org.criu.config} annotation (Docker API 1.43 and newer): no host-wide file, no lock,
 * restores of different containers at the same time. CRIU's config parser cannot take a value
 * with a space reliably, so the file and CRIU's log live in a directory of the tool's own with a
 * plain path, and the log is copied into the checkpoint afterwards (wherever that is). After the
 * restore the file is emptied but kept: the annotation stays on the container, and runc passes
 * it to every later checkpoint of it.
 */
final class CriuRestoreConfig {
    private static final Logger LOG = LoggerFactory.getLogger(CriuRestoreConfig.class);
    /** The tool's own directory for per-restore CRIU files. */
    static final Path DEFAULT_DIR = Path.of("/var/lib/docker-checkpoint/criu");
    /** The annotation runc reads a CRIU config file's path from. */
    static final String ANNOTATION = "org.criu.config";

    private final Path file;
    private final Path log;

    private CriuRestoreConfig(Path file, Path log) {
        this.file = file;
        this.log = log;
    }

    /** Writes a config file with {@code settings} and a log file in {@code dir}. */
    static CriuRestoreConfig create(Path dir, List<String> settings) {
        String id = UUID.randomUUID().toString();
        Path file = dir.resolve(id + ".conf");
        Path log = dir.resolve(id + ".restore.log");
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(Posix.DIR_PRIVATE));
            if (Files.isSymbolicLink(dir) || Posix.ownerUid(dir) != Posix.currentUid()) {
                throw new DcpException(ErrorCode.UNSAFE_DIRECTORY, "refusing to use " + dir
                        + ": it is a link or belongs to another user", "remove it; it is recreated");
            }
            StringBuilder content = new StringBuilder();
            settings.forEach(s -> content.append(s).append('\n'));
            content.append("log-file ").append(log).append('\n');
            Files.writeString(file, content, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(file, Posix.FILE_PRIVATE);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot write the restore's CRIU settings in " + dir + ": "
                    + e.getMessage(), "check that " + dir + " is writable by root", e);
        }
        return new CriuRestoreConfig(file, log);
    }

    /** Whether a value may go into a CRIU config file as it is. */
    static boolean plain(String value) {
        return value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '#');
    }

    Path file() {
        return file;
    }

    Path log() {
        return log;
    }

    /** Removes both files: for a restore that failed before any container named them. */
    void discard() {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(log);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", file, e.getMessage());
        }
    }

    /**
     * After the start (succeeded or not): CRIU's log goes to {@code restoreLog} (when CRIU wrote
     * one) and the settings are emptied so that later dumps of the container are not affected.
     */
    void finish(Path restoreLog) {
        try {
            if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS)) {
                Path tmp = restoreLog.resolveSibling("." + restoreLog.getFileName() + ".tmp");
                Files.copy(log, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, Posix.FILE_PRIVATE);
                Files.move(tmp, restoreLog, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.delete(log);
            }
            Files.writeString(file, "");
        } catch (IOException e) {
            LOG.warn("cannot finish the restore's CRIU files ({}): {}", file, e.getMessage());
        }
    }
}
