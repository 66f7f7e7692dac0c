package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stream that hands an archive's blocks to the compressing thread. */
class WriteBehindOutputStreamTest {
    /** Records what it is given, on which thread, and whether it was flushed or closed. */
    private static class Sink extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger flushes = new AtomicInteger();
        volatile boolean closed;

        @Override
        public void write(int b) {
            throw new AssertionError("single bytes are never written");
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            threads.add(Thread.currentThread().getName());
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        @Override
        public void close() {
            threads.add(Thread.currentThread().getName());
            closed = true;
        }
    }

    @Test
    void everyByteReachesTheSinkInOrderOnItsOwnThreadAndCloseClosesIt() throws IOException {
        Sink sink = new Sink();
        byte[] data = new byte[300_001];
        new Random(5).nextBytes(data);
        WriteBehindOutputStream w = new WriteBehindOutputStream(sink, "test-behind", 4096, 3);
        Random sizes = new Random(6);
        for (int off = 0; off < data.length; ) {
            int n = Math.min(data.length - off, sizes.nextInt(10_000));
            w.write(data, off, n);
            off += n;
        }
        w.write(7);
        w.close();
        assertTrue(w.stopped());
        assertTrue(sink.closed);
        byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
        expected[data.length] = 7;
        assertArrayEquals(expected, sink.bytes.toByteArray());
        assertEquals(Set.of("test-behind"), sink.threads, "written and closed on the stream's thread only");
        assertThrows(IOException.class, () -> w.write(1), "nothing after close");
        w.close(); // a second close does nothing
    }

    @Test
    void flushHandsOverWhatIsBufferedAndWaitsForTheSinksFlush() throws IOException {
        Sink sink = new Sink();
        WriteBehindOutputStream w = new WriteBehindOutputStream(sink, "test-behind", 4096, 2);
        w.write(new byte[100], 0, 100);
        w.flush();
        assertEquals(100, sink.bytes.size(), "the partial block is written before flush returns");
        assertEquals(1, sink.flushes.get());
        w.close();
    }

    @Test
    void aFailingSinkIsThrownToTheWriterAndGetsNothingMore() throws Exception {
        AtomicLong written = new AtomicLong();
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written.get() >= 8192) {
                    throw new IOException("No space left on device");
                }
                written.addAndGet(len);
            }
        };
        WriteBehindOutputStream w = new WriteBehindOutputStream(full, "test-behind", 4096, 2);
        IOException e = assertThrows(IOException.class, () -> {
            byte[] chunk = new byte[1000];
            for (int i = 0; i < 10_000; i++) {
                w.write(chunk, 0, chunk.length);
            }
        }, "the writer hears of the failure while it still writes");
        assertEquals("No space left on device", e.getMessage());
        assertEquals(8192, written.get(), "nothing reaches the sink after its failure");
        IOException atClose = assertThrows(IOException.class, w::close);
        assertEquals("No space left on device", atClose.getMessage());
        assertTrue(w.stopped());
    }

    @Test
    void aRuntimeFailureOfTheSinkKeepsItsCode() throws Exception {
        DcpException gone = new DcpException(ErrorCode.CANCELLED, "export stopped: the client went away", "");
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                throw gone;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                throw gone;
            }
        };
        WriteBehindOutputStream w = new WriteBehindOutputStream(sink, "test-behind", 1024, 2);
        w.write(new byte[1024], 0, 1024);
        DcpException e = assertThrows(DcpException.class, w::close);
        assertSame(gone, e);
        assertTrue(w.stopped());
    }

    @Test
    void abortDropsWhatIsQueuedFinishesTheWriteInProgressAndLeavesTheSinkOpen() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Sink slow = new Sink() {
            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                super.write(b, off, len);
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError("the sink's thread is never interrupted", e);
                }
            }
        };
        WriteBehindOutputStream w = new WriteBehindOutputStream(slow, "test-behind", 1024, 3);
        // of three blocks: one being written, one queued, one filling here
        w.write(new byte[1024 * 2 + 10], 0, 1024 * 2 + 10);
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            release.countDown();
        });
        releaser.start();
        long t = System.nanoTime();
        w.abort();
        assertTrue(System.nanoTime() - t >= TimeUnit.MILLISECONDS.toNanos(150),
                "abort waits for the write in progress");
        assertTrue(w.stopped(), "the sink's thread has ended when abort returns");
        assertEquals(1024, slow.bytes.size(), "the queued blocks were dropped");
        assertFalse(slow.closed, "an aborted archive is not finished");
        assertThrows(IOException.class, () -> w.write(1));
        releaser.join();
    }
}
