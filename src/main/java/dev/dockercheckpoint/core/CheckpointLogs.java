package dev.dockercheckpoint.core;

import dev.dockercheckpoint.core.CheckpointStore.Stored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The CRIU logs of a stored checkpoint ({@link CheckpointStore#LOGS}): found and read in pages. */
final class CheckpointLogs {
    private CheckpointLogs() {
    }

    /** A page of a checkpoint's log (see {@link CheckpointStore#readLog}), once its name and the page are checked. */
    static LogPage read(CheckpointStore store, String container, String name, String log, long offset,
            int maxLines) {
        requireKnown(log);
        if (offset < 0 || maxLines < 1 || maxLines > 100_000) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "bad page: offset " + offset + ", lines " + maxLines,
                    "offset >= 0 and 1..100000 lines");
        }
        Path file = file(store, container, name, log);
        try {
            return LogPages.read(file, log, offset, maxLines);
        } catch (IOException e) {
            throw StoreFiles.io("cannot read " + file, e);
        }
    }

    /** The path of a checkpoint's log, checked like the checkpoint itself (see {@link CheckpointStore#logFile}). */
    static Path file(CheckpointStore store, String container, String name, String log) {
        requireKnown(log);
        Stored stored = store.open(container, name);
        Path file = stored.dir().resolve(log);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, container + "/" + name + " has no " + log,
                    log.equals("restore.log") ? "restore.log appears after the first restore" : "the dump left no log");
        }
        return file;
    }

    private static void requireKnown(String log) {
        if (!CheckpointStore.LOGS.contains(log)) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "unknown log " + Names.quote(log),
                    "ask for one of " + String.join(", ", CheckpointStore.LOGS));
        }
    }
}
