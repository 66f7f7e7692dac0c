package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Protocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The messages waiting to go to one client, written by a thread of their own: an operation
 * that reports progress never waits for a client to read. A client that lets more than
 * {@code capacity} messages pile up (it stopped reading) is dropped: the queue is discarded and
 * {@code onOverflow} closes its connection. Operations go on either way.
 */
final class Outbox implements AutoCloseable {
    private static final String POISON = "";

    private final WritableByteChannel channel;
    private final BlockingQueue<String> queue;
    private final int capacity;
    private final Runnable onOverflow;
    private final Thread writer;
    private volatile boolean closed;

    Outbox(WritableByteChannel channel, int capacity, Runnable onOverflow) {
        this.channel = channel;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        this.onOverflow = onOverflow;
        this.writer = Thread.ofVirtual().name("helper-out").start(this::write);
    }

    /** Queues {@code message}; false when the outbox is closed or has just overflowed. */
    boolean offer(Message message) {
        if (closed) {
            return false;
        }
        String line = Protocol.line(message) + "\n";
        if (queue.size() >= capacity || !queue.offer(line)) {
            overflow();
            return false;
        }
        return true;
    }

    /** Messages queued and not yet written. */
    int pending() {
        return queue.size();
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
                String line = queue.take();
                if (line == POISON) {
                    return;
                }
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    channel.write(buf);
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
