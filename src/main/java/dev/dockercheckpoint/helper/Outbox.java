package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.protocol.Frames;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages waiting to go to one client, written by a thread of their own: an operation
 * that reports progress never waits for a client to read. A client that lets more than
 * {@code capacity} messages or {@code maxBytes} bytes pile up (it stopped reading) is dropped: the
 * queue is discarded and {@code onOverflow} closes its connection. One message is always taken
 * into an empty queue, however large. Before that, a client that reads slowly loses CRIU's log
 * lines (the stored dump.log keeps them all): past half of either limit they are not queued, and
 * the next message about that request says how many were left out. Operations go on either way.
 */
final class Outbox implements AutoCloseable {
    private static final byte[] POISON = new byte[0];

    private final WritableByteChannel channel;
    private final BlockingQueue<byte[]> queue;
    private final int capacity;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final Runnable onOverflow;
    private final Thread writer;
    private final Map<String, Long> shed = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** True while an export's frames flow (guarded by this). */
    private boolean streaming;

    Outbox(WritableByteChannel channel, int capacity, long maxBytes, Runnable onOverflow) {
        this.channel = channel;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.onOverflow = onOverflow;
        this.writer = Thread.ofVirtual().name("helper-out").start(this::write);
    }

    /** Queues {@code message}; false when the outbox is closed or has just overflowed. */
    synchronized boolean offer(Message message) {
        if (closed) {
            return false;
        }
        boolean backlog = queue.size() >= capacity / 2 || bytes.get() > maxBytes / 2;
        if (message instanceof Message.Log log && backlog) {
            shed.merge(String.valueOf(log.id()), 1L, Long::sum);
            return true;
        }
        Long left = message.id() == null ? null : shed.remove(message.id());
        if (left != null && !enqueue(new Message.Log(message.id(), "(" + left + " lines of CRIU's log were not sent:"
                + " this client read them more slowly than CRIU wrote them; the checkpoint's log file has them all)"))) {
            return false;
        }
        return enqueue(message);
    }

    private boolean enqueue(Message message) {
        // while an export's data flows, every message travels as a frame of its own
        byte[] line = streaming ? Frames.message(Protocol.line(message).getBytes(StandardCharsets.UTF_8))
                : (Protocol.line(message) + "\n").getBytes(StandardCharsets.UTF_8);
        return enqueueBytes(line);
    }

    private boolean enqueueBytes(byte[] line) {
        long queued = bytes.addAndGet(line.length);
        if (queue.size() >= capacity || (queued > maxBytes && queued != line.length) || !queue.offer(line)) {
            overflow();
            return false;
        }
        return true;
    }

    /** Sends {@code stream} and switches to frames: data frames and messages as frames, until {@link #endStream}. */
    synchronized boolean beginStream(Message.Stream stream) {
        if (closed || !enqueue(stream)) {
            return false;
        }
        streaming = true;
        return true;
    }

    /**
     * Queues one data frame, waiting while a quarter of {@code maxBytes} is queued (the client
     * reads the archive as fast as it can write it); false when the outbox is closed, or when the
     * client has read nothing for {@code stallMillis}.
     */
    boolean data(byte[] frame, long stallMillis) throws InterruptedException {
        long bound = Math.max(1, maxBytes / 4);
        synchronized (this) {
            long since = System.nanoTime();
            long last = bytes.get();
            while (!closed && bytes.get() > 0 && bytes.get() + frame.length > bound) {
                wait(100);
                long now = bytes.get();
                if (now != last) {
                    last = now;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > stallMillis * 1_000_000L) {
                    return false;
                }
            }
            return !closed && streaming && enqueueBytes(frame);
        }
    }

    /** Ends the data ({@link Frames#END}); messages are lines again. */
    synchronized boolean endStream() {
        if (!streaming) {
            return !closed;
        }
        streaming = false;
        return !closed && enqueueBytes(Frames.header(Frames.END));
    }

    /** True once the outbox no longer sends anything (closed, overflowed or the client went away). */
    boolean isClosed() {
        return closed;
    }

    /** Messages queued and not yet written. */
    int pending() {
        return queue.size();
    }

    /** Log lines left out so far and not yet reported, over all requests. */
    long shedLines() {
        return shed.values().stream().mapToLong(Long::longValue).sum();
    }

    private void overflow() {
        if (!closed) {
            closed = true;
            queue.clear();
            queue.offer(POISON);
            onOverflow.run();
        }
    }

    private void write() {
        try {
            while (true) {
                byte[] line = queue.take();
                if (line == POISON) {
                    return;
                }
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                bytes.addAndGet(-line.length);
                synchronized (this) {
                    notifyAll(); // a data frame may wait for room
                }
            }
        } catch (IOException e) {
            closed = true; // the client went away
            queue.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after what is queued has been written (or the channel fails). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // one slot is kept free for the end marker
            queue.offer(POISON);
        }
    }

    /** Waits up to {@code millis} for the writer to finish what was queued before {@link #close()}. */
    void awaitWritten(long millis) throws InterruptedException {
        writer.join(java.time.Duration.ofMillis(millis));
    }
}
