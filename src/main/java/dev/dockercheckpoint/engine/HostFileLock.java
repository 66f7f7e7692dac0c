package dev.dockercheckpoint.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A readers-writer lock shared by this process's threads and other processes through a lock
 * file: many holders of the shared side at once (dumps, which only read runc.conf), one holder
 * of the exclusive side (a restore that rewrites it) and no one else. Within the process a
 * {@link ReentrantReadWriteLock} decides; the first shared holder takes a shared {@link FileLock}
 * for all of them (the JVM allows one lock per file and process) and the last lets it go.
 */
final class HostFileLock {
    private static final Map<Path, HostFileLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock inProcess = new ReentrantReadWriteLock(true);
    private final Object sharedMonitor = new Object();
    private int sharedHolders;
    private FileChannel sharedChannel;
    private FileLock sharedLock;

    private HostFileLock(Path file) {
        this.file = file;
    }

    /** The one lock of {@code file} in this process. */
    static HostFileLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), HostFileLock::new);
    }

    <T> T exclusive(Callable<T> body) throws Exception {
        inProcess.writeLock().lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                return body.call();
            }
        } finally {
            inProcess.writeLock().unlock();
        }
    }

    <T> T shared(Callable<T> body) throws Exception {
        inProcess.readLock().lock();
        try {
            acquireShared();
            try {
                return body.call();
            } finally {
                releaseShared();
            }
        } finally {
            inProcess.readLock().unlock();
        }
    }

    /** Holders of the shared side in this process (for tests). */
    int sharedHolders() {
        synchronized (sharedMonitor) {
            return sharedHolders;
        }
    }

    private void acquireShared() throws IOException {
        synchronized (sharedMonitor) {
            if (sharedHolders == 0) {
                Files.createDirectories(file.getParent());
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                try {
                    sharedLock = ch.lock(0, Long.MAX_VALUE, true);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                sharedChannel = ch;
            }
            sharedHolders++;
        }
    }

    private void releaseShared() throws IOException {
        synchronized (sharedMonitor) {
            if (--sharedHolders == 0) {
                try {
                    sharedLock.release();
                } finally {
                    sharedChannel.close();
                    sharedLock = null;
                    sharedChannel = null;
                }
            }
        }
    }
}
