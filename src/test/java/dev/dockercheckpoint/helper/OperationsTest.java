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
    void cancelRaisesTheOperationsFlag() {
        Operations ops = new Operations();
        var flag = ops.running("r1");
        assertFalse(flag.get());
        assertTrue(ops.cancel("r1"));
        assertTrue(flag.get());
        assertFalse(ops.cancel("unknown"));
        ops.finish("container:x", "r1");
        assertFalse(ops.cancel("r1"), "a finished operation cannot be cancelled");
    }
}
