package dev.dockercheckpoint.core.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads its source (the decompressor) on a thread of its own, a few blocks ahead of the reader, so
 * that decompressing an archive runs beside writing its files and hashing them, as {@code zstd -d
 * | tar -x} runs in two processes. A failure of the source is thrown to the reader where it reads.
 */
final class ReadAheadInputStream extends InputStream {
    private static final int BLOCK = 1 << 20;
    private static final int DEPTH = 4;
    private static final Object EOF = new Object();

    private record Block(byte[] data, int length) {
    }

    private final InputStream source;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<Object> full = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread thread;
    private volatile boolean closed;
    private Block current;
    private int position;
    private boolean ended;

    ReadAheadInputStream(InputStream source) {
        this.source = source;
        for (int i = 0; i < DEPTH; i++) {
            free.add(new byte[BLOCK]);
        }
        thread = new Thread(this::fill, "archive-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    private void fill() {
        try {
            while (!closed) {
                byte[] b = free.take();
                int n = source.readNBytes(b, 0, BLOCK);
                if (n > 0) {
                    full.put(new Block(b, n));
                }
                if (n < BLOCK) {
                    full.put(EOF);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            full.offer(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (current == null) {
            if (ended) {
                return -1;
            }
            Object next;
            try {
                next = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the archive");
            }
            if (next == EOF) {
                ended = true;
                return -1;
            }
            if (next instanceof IOException e) {
                ended = true;
                throw new IOException(e.getMessage(), e);
            }
            current = (Block) next;
            position = 0;
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.data(), position, dst, off, n);
        position += n;
        if (position == current.length()) {
            free.offer(current.data());
            current = null;
        }
        return n;
    }

    /** Stops the reading thread; the source is left to its owner. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
