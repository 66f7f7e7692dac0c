package dev.dockercheckpoint.core.archive;

import dev.dockercheckpoint.core.Sha256;
import java.io.InterruptedIOException;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SHA-256 of a file's content computed on a thread of its own while the caller copies the same
 * chunks (into the archive, or out of it to disk): a checkpoint's memory image is gigabytes, and
 * hashing it costs as much as compressing it, so the two run side by side. The caller takes a
 * buffer, fills it, hands it over and then writes it; a buffer comes back only once it is hashed.
 */
final class HashingPipe implements AutoCloseable {
    static final int CHUNK = 1 << 20;
    private static final int DEPTH = 4;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sha256");
        t.setDaemon(true);
        return t;
    });
    private final byte[][] buffers = new byte[DEPTH][CHUNK];
    private final Future<?>[] inFlight = new Future<?>[DEPTH];
    private final MessageDigest digest = Sha256.newDigest();
    private int next;

    /** The next buffer to fill, once the hash of what it held before is done. */
    byte[] buffer() throws IOException {
        await(next);
        return buffers[next];
    }

    /** Hands the first {@code n} bytes of the buffer from {@link #buffer()} to the hashing thread. */
    void hash(int n) {
        byte[] b = buffers[next];
        inFlight[next] = thread.submit(() -> digest.update(b, 0, n));
        next = (next + 1) % DEPTH;
    }

    /** The hex SHA-256 of everything handed over since the last call; the pipe is then ready for the next file. */
    String digest() throws IOException {
        for (int i = 0; i < DEPTH; i++) {
            await(i);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void await(int slot) throws IOException {
        Future<?> f = inFlight[slot];
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing failed", e.getCause());
        }
        inFlight[slot] = null;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
