package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFileLockTest {
    @Test
    void sharedHoldersRunTogetherAndTheExclusiveOneAlone(@TempDir Path dir) throws Exception {
        HostFileLock lock = HostFileLock.of(dir.resolve(".lock"));
        CountDownLatch bothIn = new CountDownLatch(2);
        CountDownLatch leave = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        Runnable dump = () -> {
            try {
                lock.shared(() -> {
                    inside.incrementAndGet();
                    bothIn.countDown();
                    leave.await();
                    inside.decrementAndGet();
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Thread a = Thread.ofVirtual().start(dump);
        Thread b = Thread.ofVirtual().start(dump);
        assertTrue(bothIn.await(5, TimeUnit.SECONDS), "two dumps hold the shared side at once");
        assertEquals(2, lock.sharedHolders());

        AtomicBoolean restoreRan = new AtomicBoolean();
        AtomicBoolean sawDumps = new AtomicBoolean();
        Thread restore = Thread.ofVirtual().start(() -> {
            try {
                lock.exclusive(() -> {
                    sawDumps.set(inside.get() != 0);
                    restoreRan.set(true);
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(restoreRan.get(), "the restore waits for the dumps");
        leave.countDown();
        a.join();
        b.join();
        restore.join(5000);
        assertTrue(restoreRan.get());
        assertFalse(sawDumps.get(), "no dump ran while the restore held the lock");
        assertEquals(0, lock.sharedHolders(), "the file lock is let go with the last holder");
        assertEquals(lock, HostFileLock.of(dir.resolve("x/../.lock")), "one lock per file");
    }
}
