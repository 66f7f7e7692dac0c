package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.ArchiveImporter;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import dev.dockercheckpoint.core.archive.Compression;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.protocol.Frames;
import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.protocol.Request;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Export and import over one connection: the archive's bytes travel in {@link Frames} on the
 * socket, so the client opens and writes (or reads) the file as its user and the helper never
 * opens a path the client chose. One transfer at a time per connection; each counts as an
 * operation of its user. Unlike other operations, a transfer stops when its client goes away (its
 * bytes have nowhere to go, or nowhere to come from); a stopped or failed import leaves nothing.
 */
final class Transfers {
    private static final Logger LOG = LoggerFactory.getLogger(Transfers.class);
    /** An export waits this long for a client that reads nothing before it gives up. */
    static final long STALL_MILLIS = 120_000;
    /** Archive bytes in one data frame of an export. */
    static final int EXPORT_FRAME = 256 * 1024;
    /** Data an import takes from the client after it failed, waiting for the client's end or cancel frame. */
    static final long MAX_DISCARD = 64L << 20;
    /** Progress messages at most this often (and at the end). */
    private static final long PROGRESS_NANOS = 200_000_000L;

    private final Connection conn;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Set<AtomicBoolean> running = ConcurrentHashMap.newKeySet();

    Transfers(Connection conn) {
        this.conn = conn;
    }

    /** True for a line that asks for an import: its frames follow it, so the reader's thread handles it. */
    static boolean isImport(String text) {
        if (!text.contains("\"import\"")) {
            return false;
        }
        try {
            JsonNode node = Protocol.lenient().readTree(text);
            return node != null && "import".equals(node.path("type").asText(null));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The connection closes: its transfers stop. */
    void stopAll() {
        running.forEach(flag -> flag.set(true));
    }

    private void claim() {
        if (!busy.compareAndSet(false, true)) {
            throw new DcpException(ErrorCode.BUSY, "busy: a transfer already runs on this connection",
                    "open a connection of its own for each export or import");
        }
    }

    // ---------------------------------------------------------------- export

    /** Streams the checkpoint to the client; the value of the final result. */
    ExportInfo export(Request.Export x) {
        Path dir = conn.config().baseDir(x.dir());
        String name = x.name() == null ? CheckpointRequest.DEFAULT_NAME : x.name();
        Names.requireValid("container name", x.container());
        Names.requireValid("checkpoint name", name);
        Compression compression = Compression.parse(x.compression() == null ? "zstd" : x.compression());
        CheckpointStore.Stored stored = new CheckpointStore(dir).open(x.container(), name);
        claim();
        Operations.Running op;
        try {
            op = conn.operations().start(new Operations.Key(conn.number(), x.id()), conn.peer().user(),
                    "transfer:" + conn.number() + "/" + x.id(), conn.config().limits().operationsPerUser());
        } catch (RuntimeException e) {
            busy.set(false);
            throw e;
        }
        AtomicBoolean cancelled = op.cancelled();
        running.add(cancelled);
        Outbox outbox = conn.outbox();
        try {
            long total;
            try {
                total = Posix.treeSize(stored.dir());
            } catch (IOException e) {
                total = -1;
            }
            if (!outbox.beginStream(new Message.Stream(x.id(), Message.Stream.HELPER, total))) {
                throw gone("export");
            }
            ArchiveExporter.Result r;
            try (FrameOutput out = new FrameOutput(outbox)) {
                r = ArchiveExporter.export(stored, out, compression, null, Engine.toolVersion(),
                        progress(x.id(), "exporting", cancelled),
                        x.withVolumes() ? conn.engine()::volumeMountpoint : null, x.verify());
                out.flush();
            } catch (DcpException e) {
                throw outbox.isClosed() ? gone("export") : e;
            } catch (IOException e) {
                throw outbox.isClosed() ? gone("export") : new DcpException(ErrorCode.IO_ERROR,
                        "cannot send the archive: " + e.getMessage(), "check that the client still reads it");
            } finally {
                outbox.endStream();
            }
            return new ExportInfo(stored.container(), stored.name(), r.entries(), r.contentBytes(),
                    r.archiveBytes(), compression.label(), r.millis());
        } finally {
            running.remove(cancelled);
            conn.operations().finish(op);
            busy.set(false);
        }
    }

    private static DcpException gone(String what) {
        return new DcpException(ErrorCode.CANCELLED, what + " stopped: the client went away", "");
    }

    /** An export's archive, cut into data frames queued on the outbox as it is written. */
    private static final class FrameOutput extends OutputStream {
        private final Outbox outbox;
        private final byte[] buf = new byte[EXPORT_FRAME];
        private int n;

        FrameOutput(Outbox outbox) {
            this.outbox = outbox;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) {
                    flush();
                }
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        @Override
        public void flush() throws IOException {
            if (n == 0) {
                return;
            }
            try {
                if (!outbox.data(Frames.data(buf, 0, n), STALL_MILLIS)) {
                    throw new IOException(outbox.isClosed() ? "the client went away"
                            : "the client read nothing for " + STALL_MILLIS / 1000 + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
            n = 0;
        }

        @Override
        public void close() {
            // what is left is flushed by the caller; the stream ends with the end frame
        }
    }

    // ---------------------------------------------------------------- import

    /**
     * Receives an archive from {@code raw} (the connection's bytes after the request line) into a
     * new checkpoint. Runs on the connection's reader thread, which reads the frames; the archive is
     * read and stored on a thread of its own, which answers as soon as it ends, so that a client
     * still sending learns of a failure and stops. Returns the final message sent (an error or
     * null) and whether the connection's bytes are still in step (a frame boundary was reached).
     */
    Outcome importArchive(Request.Import i, InputStream raw) {
        CheckpointStore store = new CheckpointStore(conn.config().baseDir(i.dir()));
        if (i.container() != null) {
            Names.requireValid("container name", i.container());
        }
        if (i.name() != null) {
            Names.requireValid("checkpoint name", i.name());
        }
        claim();
        Operations.Running op;
        try {
            op = conn.operations().start(new Operations.Key(conn.number(), i.id()), conn.peer().user(),
                    "transfer:" + conn.number() + "/" + i.id(), conn.config().limits().operationsPerUser());
        } catch (RuntimeException e) {
            busy.set(false);
            throw e;
        }
        AtomicBoolean cancelled = op.cancelled();
        running.add(cancelled);
        ChunkQueue queue = new ChunkQueue(cancelled);
        CompletableFuture<Message.Error> answered = new CompletableFuture<>();
        Thread.ofVirtual().name("helper-import").start(() -> {
            Message.Error error = null;
            Object value = null;
            try {
                ArchiveImporter.Result r = ArchiveImporter.importArchive(queue, store, i.container(), i.name(),
                        new ArchiveImporter.Limits(i.maxBytes(), ArchiveImporter.Limits.DEFAULT.maxEntries()),
                        progress(i.id(), "importing", cancelled));
                value = new ImportInfo(r.container(), r.name(), r.dir().toString(), r.files(), r.bytes(),
                        r.verified(), r.origin(), r.skipped(), r.millis(), r.checksums());
            } catch (DcpException e) {
                error = Message.Error.of(i.id(), queue.failure() != null ? queue.failure() : e);
            } catch (RuntimeException e) {
                LOG.error("import {} failed", i.id(), e);
                error = queue.failure() != null ? Message.Error.of(i.id(), queue.failure())
                        : new Message.Error(i.id(), ErrorCode.INTERNAL.name(), "internal error: " + e,
                                "see the helper's log (journalctl -u docker-checkpoint)", null, null);
            } finally {
                queue.close();
                running.remove(cancelled);
                conn.operations().finish(op);
                busy.set(false);
            }
            // answered at once, while the client may still be sending: it stops
            conn.send(error != null ? error : new Message.Result(i.id(), Protocol.strict().valueToTree(value)));
            answered.complete(error);
        });
        conn.send(new Message.Stream(i.id(), Message.Stream.CLIENT, -1));
        boolean inStep = pump(raw, queue, answered);
        try {
            return new Outcome(answered.get(), inStep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, false);
        } catch (ExecutionException e) {
            return new Outcome(null, false);
        }
    }

    /** The final message an import sent (null: its result), and whether the connection is still in step. */
    record Outcome(Message.Error error, boolean inStep) {
    }

    /**
     * Reads the client's frames into {@code queue} until the end or cancel frame; after the import
     * ended early, data is read and dropped (up to {@link #MAX_DISCARD}). False when the connection
     * is out of step (it ended, or sent a frame no client may send).
     */
    private static boolean pump(InputStream raw, ChunkQueue queue, CompletableFuture<Message.Error> answered) {
        long discarded = 0;
        try {
            while (true) {
                int length = Frames.readHeader(raw);
                if (length == Frames.END) {
                    queue.end();
                    return true;
                }
                if (length == Frames.CANCEL) {
                    queue.fail(new DcpException(ErrorCode.CANCELLED, "import cancelled: nothing was kept", ""));
                    return true;
                }
                if (length < 0 || length > Frames.MAX_DATA) {
                    queue.fail(new DcpException(ErrorCode.INVALID_INPUT, "frame length " + length
                            + " is not allowed: a data frame holds 1.." + Frames.MAX_DATA + " bytes, 0 ends the data,"
                            + " -1 cancels", "send the archive as docs/protocol.md describes (Transfers)"));
                    return false;
                }
                byte[] data = Frames.readPayload(raw, length);
                if (answered.isDone() || !queue.put(data, answered)) {
                    discarded += length;
                    if (discarded > MAX_DISCARD) {
                        return false;
                    }
                }
            }
        } catch (EOFException e) {
            queue.fail(new DcpException(ErrorCode.CANCELLED, "import stopped: the client went away in the middle"
                    + " of the archive; nothing was kept", ""));
            return false;
        } catch (IOException e) {
            queue.fail(new DcpException(ErrorCode.CANCELLED, "import stopped: the connection failed ("
                    + e.getMessage() + "); nothing was kept", ""));
            return false;
        }
    }

    /**
     * The archive's data as the importer reads it: chunks handed over by the reader thread (a few
     * at a time), so that the importer's threads never read the socket themselves (an interrupt of
     * one would close it).
     */
    static final class ChunkQueue extends InputStream {
        private static final byte[] END = new byte[0];
        private final java.util.concurrent.BlockingQueue<byte[]> chunks =
                new java.util.concurrent.ArrayBlockingQueue<>(16);
        private final AtomicBoolean cancelled;
        private volatile DcpException failure;
        private volatile boolean closed;
        private byte[] current;
        private int position;
        private boolean ended;

        ChunkQueue(AtomicBoolean cancelled) {
            this.cancelled = cancelled;
        }

        /** Hands over one chunk, waiting for room; false when the import has ended. */
        boolean put(byte[] data, CompletableFuture<?> answered) {
            try {
                while (!closed && !answered.isDone()) {
                    if (chunks.offer(data, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** The data ended: the marker waits for room like data (the importer reads all of it). */
        void end() {
            try {
                while (!closed && !chunks.offer(END, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // the importer reads on
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Fails the reading with {@code why} (the importer's own error is replaced by it). */
        void fail(DcpException why) {
            if (failure == null) {
                failure = why;
            }
            offerMarker();
        }

        private void offerMarker() {
            // the importer stops at the failure: the data it has not read yet is dropped
            while (!closed && !chunks.offer(END)) {
                chunks.poll();
            }
        }

        DcpException failure() {
            return failure;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || position == current.length) {
                if (ended) {
                    return -1;
                }
                if (cancelled.get() && failure == null) {
                    failure = new DcpException(ErrorCode.CANCELLED, "import cancelled: nothing was kept", "");
                }
                if (failure != null) {
                    throw new IOException(failure.getMessage());
                }
                try {
                    current = chunks.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading the archive");
                }
                position = 0;
                if (current == END) {
                    if (failure != null) {
                        throw new IOException(failure.getMessage());
                    }
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
            chunks.clear();
        }
    }

    // ---------------------------------------------------------------- progress

    /** The importer's or exporter's progress as {@code progress} messages (a few a second) and notes as {@code log}. */
    private ArchiveProgress progress(String id, String phase, AtomicBoolean cancelled) {
        return new ArchiveProgress() {
            private long last;

            @Override
            public void bytes(long done, long total, String entry) {
                long now = System.nanoTime();
                if (entry != null && now - last < PROGRESS_NANOS) {
                    return;
                }
                last = now;
                double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
                conn.send(new Message.Progress(id, phase, fraction, done, total));
            }

            @Override
            public void note(String message) {
                conn.send(new Message.Log(id, message));
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
    }
}
