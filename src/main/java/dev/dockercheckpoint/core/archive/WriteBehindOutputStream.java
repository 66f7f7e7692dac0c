package dev.dockercheckpoint.core.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes to its sink (the compressor) on a thread of its own, a few blocks behind the writer, so
 * that compressing an archive runs beside reading and framing its files, as {@code tar | zstd}
 * runs in two processes. The writer fills blocks; a full block is handed over through a small
 * bounded queue (the writer waits when all blocks are in flight), and comes back to be filled
 * again once the sink has taken it. A failure of the sink is thrown to the writer at its next
 * write, flush or close, and from then on nothing more reaches the sink.
 *
 * <p>{@link #close} hands over what is left, closes the sink and waits until it is closed;
 * {@link #abort} drops what is not written yet and waits until the sink's thread has stopped (it
 * is never interrupted in the middle of a write, whose file channel an interrupt would close), so
 * that the caller may remove what the sink wrote. Either ends the thread; one of them must be
 * called.
 */
final class WriteBehindOutputStream extends OutputStream {
    static final int BLOCK = 1 << 20;
    static final int DEPTH = 4;

    /** What the queue carries besides blocks. */
    private enum Signal {
        FLUSH, CLOSE, ABORT
    }

    private record Block(byte[] data, int length) {
    }

    private final OutputStream sink;
    private final int blockSize;
    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<Object> full;
    private final Thread thread;
    /** The sink's failure, once it failed. */
    private volatile Throwable failure;
    /** Flushes the sink has done, for a writer waiting on its flush. */
    private final Object flushed = new Object();
    private long flushesAsked;
    private long flushesDone;
    private byte[] current;
    private int position;
    private boolean ended;

    /** Writes to {@code sink} on a new thread named {@code name}. */
    WriteBehindOutputStream(OutputStream sink, String name) {
        this(sink, name, BLOCK, DEPTH);
    }

    WriteBehindOutputStream(OutputStream sink, String name, int blockSize, int depth) {
        this.sink = sink;
        this.blockSize = blockSize;
        this.free = new ArrayBlockingQueue<>(depth);
        // every block, and one signal after them
        this.full = new ArrayBlockingQueue<>(depth + 1);
        for (int i = 0; i < depth; i++) {
            free.add(new byte[blockSize]);
        }
        thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain() {
        try {
            while (true) {
                Object next = full.take();
                if (next instanceof Block b) {
                    if (failure == null) {
                        try {
                            sink.write(b.data(), 0, b.length());
                        } catch (Throwable t) {
                            failure = t;
                        }
                    }
                    free.put(b.data());
                } else if (next == Signal.FLUSH) {
                    if (failure == null) {
                        try {
                            sink.flush();
                        } catch (Throwable t) {
                            failure = t;
                        }
                    }
                    synchronized (flushed) {
                        flushesDone++;
                        flushed.notifyAll();
                    }
                } else {
                    if (next == Signal.CLOSE && failure == null) {
                        try {
                            sink.close();
                        } catch (Throwable t) {
                            failure = t;
                        }
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            // nothing interrupts this thread (an interrupt would close a file channel mid-write)
            if (failure == null) {
                failure = e;
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        open();
        while (len > 0) {
            if (current == null) {
                current = take();
                position = 0;
            }
            int n = Math.min(len, blockSize - position);
            System.arraycopy(b, off, current, position, n);
            position += n;
            off += n;
            len -= n;
            if (position == blockSize) {
                handOver();
            }
        }
    }

    /** Hands over what is buffered and waits until the sink has flushed it. */
    @Override
    public void flush() throws IOException {
        open();
        if (current != null && position > 0) {
            handOver();
        }
        long ticket;
        synchronized (flushed) {
            ticket = ++flushesAsked;
        }
        put(Signal.FLUSH);
        synchronized (flushed) {
            while (flushesDone < ticket) {
                try {
                    flushed.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the archive was written");
                }
            }
        }
        rethrow();
    }

    /** Hands over what is left, closes the sink and waits for it; throws the sink's failure. */
    @Override
    public void close() throws IOException {
        if (ended) {
            return;
        }
        try {
            rethrow();
            if (current != null && position > 0) {
                handOver();
            }
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
        ended = true;
        // the sink's thread always moves on (unless the sink itself blocks): wait for it
        // whatever, so that it has ended when this returns
        boolean interrupted = false;
        while (true) {
            try {
                full.put(Signal.CLOSE);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        interrupted |= joinUninterruptibly();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    /**
     * Stops without closing the sink: blocks not yet written are dropped, the block being written
     * is finished, and the thread has ended when this returns. Does nothing after {@link #close}.
     */
    void abort() {
        if (ended) {
            return;
        }
        ended = true;
        full.clear();
        // only this (the writer's) thread puts: once cleared, the signal fits
        while (!full.offer(Signal.ABORT)) {
            full.clear();
        }
        if (joinUninterruptibly()) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the sink's thread has ended; true when this thread was interrupted meanwhile. */
    private boolean joinUninterruptibly() {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /** Whether the sink's thread has ended (after {@link #close} or {@link #abort}). */
    boolean stopped() {
        return !thread.isAlive();
    }

    private void open() throws IOException {
        if (ended) {
            throw new IOException("the archive's stream is closed");
        }
        rethrow();
    }

    private byte[] take() throws IOException {
        try {
            byte[] b = free.take();
            rethrow();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the archive was written");
        }
    }

    private void handOver() throws IOException {
        byte[] b = current;
        int n = position;
        current = null;
        position = 0;
        put(new Block(b, n));
        rethrow();
    }

    private void put(Object o) throws IOException {
        try {
            full.put(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the archive was written");
        }
    }

    /** The sink's failure, as the writer's: an I/O error keeps its message, a runtime one stays itself. */
    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof InterruptedException) {
            throw new InterruptedIOException("the archive's writing thread was interrupted");
        }
        throw new IOException(String.valueOf(t.getMessage()), t);
    }
}
