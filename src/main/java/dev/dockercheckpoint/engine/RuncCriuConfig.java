package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * runc reads CRIU options for every checkpoint and restore from {@code /etc/criu/runc.conf},
 * whose settings override runc's own. Docker cannot pass CRIU options to a restore, so a restore
 * with established TCP connections or file locks writes them into that file for the duration of
 * the start call only. Such a restore holds a host-wide lock alone; dumps share it, so they run in
 * parallel with each other but never while a restore's settings are in the file. The original
 * content is saved beside the file and put back even after a crash ({@link #repair()}).
 */
public final class RuncCriuConfig {
    private static final Logger LOG = LoggerFactory.getLogger(RuncCriuConfig.class);
    static final String MARKER = "# written by docker-checkpoint for one restore; removed afterwards";
    private static final String ABSENT = "# docker-checkpoint: no runc.conf existed\n";

    private final Path file;
    private final Path saved;
    private final HostFileLock lock;
    private final Path logDir;

    public RuncCriuConfig() {
        this(Path.of("/etc/criu/runc.conf"), CriuRestoreConfig.DEFAULT_DIR);
    }

    public RuncCriuConfig(Path file) {
        this(file, file.getParent());
    }

    /** {@code logDir}: where CRIU logs when the log's own path cannot be written into a CRIU config. */
    public RuncCriuConfig(Path file, Path logDir) {
        this.file = file;
        this.logDir = logDir;
        this.saved = file.resolveSibling(file.getFileName() + ".docker-checkpoint-saved");
        this.lock = HostFileLock.of(file.resolveSibling("." + file.getFileName() + ".docker-checkpoint.lock"));
    }

    public Path file() {
        return file;
    }

    /** The CRIU config lines a restore needs for checkpoints dumped with {@code options}. */
    public static List<String> restoreLines(CheckpointOptions options) {
        List<String> lines = new ArrayList<>();
        if (options.tcpEstablished()) {
            lines.add("tcp-established");
        }
        if (options.fileLocks()) {
            lines.add("file-locks");
        }
        return lines;
    }

    /**
     * The CRIU config lines a restore of a container like {@code spec} needs: the options of the
     * dump, and {@code mntns-compat-mode} for containers run with {@code --init}, whose docker-init
     * bind mount CRIU's newer mount engine cannot restore ("mnt-v2: Can't remount ... with
     * MS_PRIVATE").
     */
    public static List<String> restoreLines(CheckpointOptions options, ContainerSpec spec) {
        List<String> lines = restoreLines(options);
        if (spec != null && Boolean.TRUE.equals(spec.init())) {
            lines.add("mntns-compat-mode");
        }
        return lines;
    }

    /**
     * Runs a dump under the shared side of the lock (dumps run in parallel; no restore rewrites
     * runc.conf meanwhile). Refuses when the host's runc.conf itself sets an option that would
     * override the user's choice.
     */
    public <T> T forDump(CheckpointOptions options, Callable<T> dump) {
        if (Files.isRegularFile(saved)) {
            repair();
        }
        return locked(true, () -> {
            List<String> present = settings();
            if (!options.tcpEstablished() && present.contains("tcp-established")) {
                throw overridden("tcp-established", "-tcp=false");
            }
            if (!options.fileLocks() && present.contains("file-locks")) {
                throw overridden("file-locks", "-file-locks=false");
            }
            return dump.call();
        });
    }

    /**
     * Runs a restore with the options the dump used written into runc.conf, and CRIU's log sent
     * to {@code logFile} (when not null): Docker deletes its own copy when a restore fails.
     */
    public <T> T forRestore(CheckpointOptions options, Path logFile, Callable<T> restore) {
        return forRestore(restoreLines(options), logFile, restore);
    }

    /** Runs a restore with {@code settings} written into runc.conf and CRIU's log sent to {@code logFile}. */
    public <T> T forRestore(List<String> settings, Path logFile, Callable<T> restore) {
        List<String> lines = new ArrayList<>(settings);
        // CRIU's config parser cannot take a value with a space: such a log path is replaced by
        // a plain one in the tool's own directory, and the log is moved into place afterwards
        Path criuLog = logFile == null || CriuRestoreConfig.plain(logFile.toString()) ? logFile
                : logDir.resolve("restore-" + java.util.UUID.randomUUID() + ".log");
        if (criuLog != null) {
            lines.add("log-file " + criuLog);
        }
        if (criuLog != null && !criuLog.equals(logFile)) {
            try {
                Files.createDirectories(logDir);
                return forRestoreLines(lines, restore);
            } catch (IOException e) {
                throw new DcpException(ErrorCode.IO_ERROR, "cannot create " + logDir + ": " + e.getMessage(),
                        "check that it is writable by root", e);
            } finally {
                try {
                    if (Files.isRegularFile(criuLog)) {
                        Files.move(criuLog, logFile, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    LOG.warn("cannot move {} to {}: {}", criuLog, logFile, e.getMessage());
                }
            }
        }
        return forRestoreLines(lines, restore);
    }

    private <T> T forRestoreLines(List<String> lines, Callable<T> restore) {
        return locked(false, () -> {
            repairLocked();
            if (lines.isEmpty()) {
                return restore.call();
            }
            boolean existed = Files.isRegularFile(file);
            String original = existed ? Files.readString(file, StandardCharsets.UTF_8) : "";
            Files.createDirectories(file.getParent());
            write(saved, existed ? original : ABSENT);
            StringBuilder content = new StringBuilder(original);
            if (!original.isEmpty() && !original.endsWith("\n")) {
                content.append('\n');
            }
            content.append(MARKER).append('\n');
            lines.forEach(l -> content.append(l).append('\n'));
            write(file, content.toString());
            try {
                return restore.call();
            } finally {
                putBack();
            }
        });
    }

    /** Puts back a runc.conf left modified by an interrupted restore. Returns true if it did. */
    public boolean repair() {
        return locked(false, this::repairLocked);
    }

    /** Under the lock: puts back the saved original if an interrupted restore left one. */
    private boolean repairLocked() throws IOException {
        if (!Files.isRegularFile(saved)) {
            return false;
        }
        LOG.warn("restoring {} left modified by an interrupted restore", file);
        putBack();
        return true;
    }

    /** Option names set in the current runc.conf (comments and values stripped). */
    List<String> settings() throws IOException {
        List<String> result = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return result;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            result.add(l.split("[\\s=]", 2)[0].replaceFirst("^--", "").toLowerCase(Locale.ROOT));
        }
        return result;
    }

    private void putBack() throws IOException {
        String original = Files.readString(saved, StandardCharsets.UTF_8);
        if (original.equals(ABSENT)) {
            Files.deleteIfExists(file);
        } else {
            write(file, original);
        }
        Files.deleteIfExists(saved);
    }

    private <T> T locked(boolean shared, Callable<T> body) {
        try {
            return shared ? lock.shared(body) : lock.exclusive(body);
        } catch (DcpException e) {
            throw e;
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot update " + file + ": " + e.getMessage(),
                    "check that /etc/criu is writable by root", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private DcpException overridden(String setting, String flag) {
        return new DcpException(ErrorCode.UNSUPPORTED, file + " sets '" + setting + "', which would override "
                + flag, "remove that line from " + file + " or drop " + flag);
    }
}
