package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.TransferEvent;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import dev.dockercheckpoint.core.archive.Framing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of a migration between hosts ({@code docker-checkpoint receive}): reads the
 * framed archive from its input, imports it, restores and verifies the copy, reports each step
 * as a {@link TransferEvent}, and then keeps the copy only when the input says {@code commit};
 * anything else (the end of the input, a failure, a signal) removes the copy and the checkpoint.
 */
public final class MigrationReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationReceiver.class);

    private final Engine engine;
    private final Path baseDir;
    private final Consumer<TransferEvent> out;
    private volatile String copyId;
    private volatile String copyName;
    private volatile boolean committed;

    public MigrationReceiver(Engine engine, Path baseDir, Consumer<TransferEvent> out) {
        this.engine = engine;
        this.baseDir = baseDir;
        this.out = out;
    }

    /**
     * The checks before the original is frozen: no container {@code copyName} (nor its holder)
     * here, and the image present (the migration does not carry images between hosts).
     */
    public void check(String copyName, String image, String imageId) {
        new LocalMigrationTarget(engine, "this host's engine (" + engine.docker().host() + ")", false)
                .requireFree(copyName);
        boolean present = (imageId != null && engine.docker().getJson("/images/" + Docker.encode(imageId) + "/json")
                != null) || (image != null && !image.isEmpty()
                        && engine.docker().getJson("/images/" + Docker.encode(image) + "/json") != null);
        if (!present) {
            throw new DcpException(ErrorCode.CONTAINER_NOT_FOUND, "image " + image + " is not on the target's engine ("
                    + engine.docker().host() + ")", "copy it there first: docker save " + image
                            + " | <transport> docker load");
        }
        out.accept(TransferEvent.of(TransferEvent.OK));
    }

    /**
     * Receives one migration from {@code in}; returns true when the copy was committed. Every
     * failure is reported as an error event (and thrown).
     */
    public boolean receive(InputStream in, String newName, boolean keepCheckpoint, ArchiveImporter.Limits limits) {
        CheckpointStore store = new CheckpointStore(baseDir);
        ArchiveImporter.Result imported = null;
        try {
            out.accept(TransferEvent.phase("receiving the checkpoint", 0.05));
            Framing.FramedInputStream framed = new Framing.FramedInputStream(in);
            imported = ArchiveImporter.importArchive(framed, store, null, null, limits, ArchiveProgress.NONE);
            byte[] rest = new byte[8192];
            while (framed.read(rest, 0, rest.length) >= 0) {
                // whatever the import left of the archive, up to its end frame
            }
            out.accept(TransferEvent.imported(imported.millis()));
            String name = newName == null || newName.isEmpty() ? imported.container() : newName;
            copyName = name;
            RestoreResult r = engine.restore(new RestoreRequest(imported.container(), imported.name(), store.base(),
                    name), new ProgressListener() {
                        @Override
                        public void phase(String phase, double fraction) {
                            out.accept(TransferEvent.phase(phase, fraction));
                        }

                        @Override
                        public void logLine(String line) {
                            out.accept(TransferEvent.log(line));
                        }

                        @Override
                        public void check(CheckResult result) {
                            out.accept(TransferEvent.check(result));
                        }
                    });
            copyId = r.containerId();
            if (!r.verification().passed()) {
                throw new DcpException(ErrorCode.VERIFICATION_FAILED, "the copy " + name + " failed "
                        + r.verification().failedCount() + " of its checks", "see the checks above; it was removed");
            }
            out.accept(TransferEvent.ready(r.containerId(), r.verification(), r.timingsMillis()));
            String word = readLine(in);
            if ("commit".equals(word)) {
                committed = true;
                out.accept(TransferEvent.of(TransferEvent.COMMITTED));
                LOG.info("migrated copy {} stays", name);
                return true;
            }
            LOG.info("the migrating side ended without commit ({}): removing copy {}", word, name);
            removeCopy();
            out.accept(TransferEvent.of(TransferEvent.ABORTED));
            return false;
        } catch (DcpException e) {
            removeCopy();
            out.accept(TransferEvent.error(e));
            out.accept(TransferEvent.of(TransferEvent.ABORTED));
            throw e;
        } catch (IOException | RuntimeException e) {
            removeCopy();
            DcpException failure = new DcpException(ErrorCode.IO_ERROR, "receiving failed: " + e.getMessage(),
                    "the migrating side stopped sending; the original runs on there");
            out.accept(TransferEvent.error(failure));
            out.accept(TransferEvent.of(TransferEvent.ABORTED));
            throw failure;
        } finally {
            if (imported != null && !keepCheckpoint) {
                try {
                    engine.delete(store.base(), imported.container(), imported.name());
                } catch (RuntimeException e) {
                    LOG.warn("cannot delete the received checkpoint {}/{}: {}", imported.container(), imported.name(),
                            e.getMessage());
                }
            }
        }
    }

    /** Removes the copy unless it was committed (also from a shutdown hook: a signal). */
    public synchronized void removeCopy() {
        String id = copyId;
        if (committed || id == null) {
            return;
        }
        engine.docker().removeContainer(id);
        var holder = engine.docker().inspectContainer(NetnsHolder.nameFor(copyName));
        if (holder != null && copyName.equals(holder.path("Config").path("Labels").path(NetnsHolder.LABEL)
                .asText(null))) {
            engine.docker().removeContainer(holder.path("Id").asText());
        }
        copyId = null;
    }

    /** One line of the input after the archive (ASCII, at most 64 bytes); null at its end. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n' && line.size() < 64) {
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII).strip();
    }
}
