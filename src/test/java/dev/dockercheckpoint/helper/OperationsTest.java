package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationsTest {
    private static Operations.Key key(long conn, String id) {
        return new Operations.Key(conn, id);
    }

    @Test
    void oneOperationPerContainer() {
        Operations ops = new Operations();
        Operations.Running r1 = ops.start(key(1, "r1"), "alice", "container:a", 8);
        DcpException busy = assertThrows(DcpException.class, () -> ops.start(key(2, "r2"), "bob", "container:a", 8));
        assertEquals(ErrorCode.BUSY, busy.code());
        assertTrue(busy.getMessage().contains("request r1"), busy.getMessage());
        assertSame(r1, ops.holder("container:a"));
        ops.start(key(1, "r3"), "alice", "container:b", 8);
        ops.finish(r1);
        assertNull(ops.holder("container:a"));
        ops.start(key(2, "r4"), "bob", "container:a", 8);
    }

    @Test
    void idsBelongToTheirConnection() {
        Operations ops = new Operations();
        ops.start(key(1, "7"), "alice", "container:a", 8);
        ops.start(key(2, "7"), "bob", "container:b", 8);
        DcpException twice = assertThrows(DcpException.class, () -> ops.start(key(1, "7"), "alice", "container:c", 8));
        assertEquals(ErrorCode.INVALID_INPUT, twice.code());
    }

    @Test
    void finishingTwiceOrAnotherClaimDoesNothing() {
        Operations ops = new Operations();
        Operations.Running r1 = ops.start(key(1, "r1"), "alice", "container:a", 1);
        ops.finish(r1);
        Operations.Running r2 = ops.start(key(1, "r1"), "alice", "container:a", 1);
        ops.finish(r1);
        assertSame(r2, ops.holder("container:a"));
        assertEquals(1, ops.runningFor("alice"));
    }

    @Test
    void aUserRunsAtMostTheLimit() {
        Operations ops = new Operations();
        Operations.Running a = ops.start(key(1, "1"), "alice", "container:a", 2);
        ops.start(key(2, "1"), "alice", "container:b", 2);
        DcpException limit = assertThrows(DcpException.class, () -> ops.start(key(3, "1"), "alice", "container:c", 2));
        assertEquals(ErrorCode.BUSY, limit.code());
        assertTrue(limit.getMessage().contains("already runs 2 operations"), limit.getMessage());
        ops.start(key(4, "1"), "bob", "container:c", 2);
        ops.finish(a);
        ops.start(key(3, "1"), "alice", "container:d", 2);
    }

    @Test
    void exactlyOneOfManyConcurrentClaimsWins() throws Exception {
        Operations ops = new Operations();
        AtomicInteger won = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[32];
        for (int i = 0; i < threads.length; i++) {
            long conn = i;
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    ops.start(key(conn, "x"), "u" + conn, "container:x", 8);
                    won.incrementAndGet();
                } catch (InterruptedException | DcpException e) {
                    // lost
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
    void aClientCancelsItsOwnAndItsUsersButNotOthers() {
        Operations ops = new Operations();
        Operations.Running mine = ops.start(key(1, "c1"), "alice", "container:a", 8);
        Operations.Running bobs = ops.start(key(2, "c2"), "bob", "container:b", 8);
        assertTrue(ops.cancel(1, "alice", "c1").cancelled());
        assertTrue(mine.cancelled().get());

        DcpException denied = assertThrows(DcpException.class, () -> ops.cancel(1, "alice", "c2"));
        assertEquals(ErrorCode.PERMISSION_DENIED, denied.code());
        assertFalse(bobs.cancelled().get(), "another user's operation goes on");

        Operations.Running other = ops.start(key(3, "c3"), "alice", "container:c", 8);
        assertTrue(ops.cancel(1, "alice", "c3").cancelled(), "the same user's operation on another connection");
        assertTrue(other.cancelled().get());

        assertTrue(ops.cancel(9, "root", "c2").cancelled(), "root cancels anyone's");
        assertTrue(bobs.cancelled().get());
        assertFalse(ops.cancel(1, "alice", "unknown").cancelled());
        ops.finish(mine);
        assertFalse(ops.cancel(1, "alice", "c1").cancelled(), "a finished operation cannot be cancelled");
    }

    @Test
    void anAmbiguousCancelIsRefused() {
        Operations ops = new Operations();
        ops.start(key(1, "5"), "alice", "container:a", 8);
        ops.start(key(2, "5"), "alice", "container:b", 8);
        DcpException e = assertThrows(DcpException.class, () -> ops.cancel(3, "alice", "5"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(ops.cancel(2, "alice", "5").cancelled(), "from its own connection it is clear");
    }
}
