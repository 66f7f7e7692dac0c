package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationsTest {
    @Test
    void oneOperationPerContainer() {
        Operations ops = new Operations();
        assertTrue(ops.tryStart("container:a", "r1"));
        assertFalse(ops.tryStart("container:a", "r2"));
        assertEquals("r1", ops.holder("container:a"));
        assertTrue(ops.tryStart("container:b", "r3"), "other containers run in parallel");
        ops.finish("container:a", "r1");
        assertNull(ops.holder("container:a"));
        assertTrue(ops.tryStart("container:a", "r4"));
    }

    @Test
    void finishingSomeoneElsesClaimDoesNothing() {
        Operations ops = new Operations();
        assertTrue(ops.tryStart("container:a", "r1"));
        ops.finish("container:a", "r2");
        assertEquals("r1", ops.holder("container:a"));
    }

    @Test
    void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        Operations ops = new Operations();
        AtomicInteger won = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[32];
        for (int i = 0; i < threads.length; i++) {
            String id = "r" + i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                if (ops.tryStart("container:x", id)) {
                    won.incrementAndGet();
                }
            });
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, won.get());
    }

    @Test
    void cancelInterruptsTheRunningThread() throws Exception {
        Operations ops = new Operations();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Thread t = Thread.ofVirtual().start(() -> {
            ops.running("r1", Thread.currentThread());
            started.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        started.await();
        assertTrue(ops.cancel("r1"));
        t.join(5000);
        assertEquals(1, interrupted.get());
        assertFalse(ops.cancel("unknown"));
    }
}
