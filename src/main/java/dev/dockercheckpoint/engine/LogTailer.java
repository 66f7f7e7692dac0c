package dev.dockercheckpoint.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/** Follows a log file another process writes and hands each complete line to a consumer. */
final class LogTailer implements AutoCloseable {
    private final Path file;
    private final Consumer<String> sink;
    private final Thread thread;
    private volatile boolean stopping;
    private long position;
    private final StringBuilder partial = new StringBuilder();

    LogTailer(Path file, Consumer<String> sink) {
        this.file = file;
        this.sink = sink;
        this.thread = Thread.ofVirtual().name("tail-" + file.getFileName()).start(this::run);
    }

    private void run() {
        while (!stopping) {
            poll();
            // parked, not sleeping: close() wakes it with unpark. An interrupt would be wrong here: the
            // sink may be writing to an interruptible channel (the helper's socket), which an
            // interrupt closes.
            LockSupport.parkNanos(50_000_000L);
        }
        poll();
        if (!partial.isEmpty()) {
            sink.accept(partial.toString());
        }
    }

    private void poll() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= position) {
                return;
            }
            raf.seek(position);
            byte[] buf = new byte[(int) Math.min(length - position, 1 << 20)];
            raf.readFully(buf);
            position += buf.length;
            String text = new String(buf, StandardCharsets.UTF_8);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    sink.accept(partial.toString());
                    partial.setLength(0);
                } else {
                    partial.append(c);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the log is read again in full after the run
        }
    }

    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
