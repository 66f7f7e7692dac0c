package dev.dockercheckpoint.helper;

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

    Outbox(WritableByteChannel channel, int capacity, long maxBytes, Runnable onOverflow) {
        this.channel = channel;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.onOverflow = onOverflow;
        this.writer = Thread.ofVirtual().name("helper-out").start(this::write);
    }

    /** Queues {@code message}; false when the outbox is closed or has just overflowed. */
    boolean offer(Message message) {
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
        byte[] line = (Protocol.line(message) + "\n").getBytes(StandardCharsets.UTF_8);
        long queued = bytes.addAndGet(line.length);
        if (queue.size() >= capacity || (queued > maxBytes && queued != line.length) || !queue.offer(line)) {
            overflow();
            return false;
        }
        return true;
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
