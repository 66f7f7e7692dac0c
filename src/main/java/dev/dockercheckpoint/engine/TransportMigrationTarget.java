package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.TransferEvent;
import dev.dockercheckpoint.core.archive.ArchiveExporter;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import dev.dockercheckpoint.core.archive.Compression;
import dev.dockercheckpoint.core.archive.Framing;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A docker-checkpoint on another host, reached through a transport command (an argument list
 * such as {@code ssh hostb sudo docker-checkpoint}, run without a shell) followed by its
 * {@code receive} subcommand. The checkpoint travels as an archive (zstd) in frames on the
 * command's standard input, read as it is written ({@code receive} imports, restores and
 * verifies as it arrives); the remote side reports on its standard output, one JSON line each
 * ({@link TransferEvent}): first {@code ok} once it checked that the copy can be made, before the original
 * is frozen; after its {@code ready}, {@code commit} on the same standard input
 * keeps the copy; the end of the input without it (this side stopped, failed or died) has the
 * remote side remove the copy.
 */
public final class TransportMigrationTarget implements MigrationTarget {
    private static final Logger LOG = LoggerFactory.getLogger(TransportMigrationTarget.class);
    /** How long a remote check may take (a JVM starting on the other side). */
    private static final long CHECK_SECONDS = 120;
    /** How long the remote side may take to confirm a commit or an abort. */
    private static final long CONFIRM_SECONDS = 60;
    private static final TransferEvent END = TransferEvent.of("end");

    private final List<String> transport;
    private final List<String> receiveArgs;
    private Process process;
    private OutputStream stdin;
    private BlockingQueue<TransferEvent> events;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private boolean ready;

    /**
     * {@code transport} runs docker-checkpoint on the other side; {@code receiveArgs} go after its
     * {@code receive} (for example {@code --context NAME}).
     */
    public TransportMigrationTarget(List<String> transport, List<String> receiveArgs) {
        if (transport.isEmpty()) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "empty transport command",
                    "give the command that runs docker-checkpoint there, e.g. --via 'ssh hostb sudo docker-checkpoint'");
        }
        this.transport = List.copyOf(transport);
        this.receiveArgs = List.copyOf(receiveArgs);
    }

    @Override
    public String describe() {
        return String.join(" ", transport);
    }

    @Override
    public String localHost() {
        return null;
    }

    /**
     * Starts the other side before the original is frozen (so that its start-up is no part of the
     * downtime): it checks that the copy can be made there, says so, and waits for the checkpoint.
     */
    @Override
    public void preflight(String copyName, ContainerSpec spec, String sourceHost, ProgressListener listener) {
        List<String> args = new ArrayList<>(List.of("-new-name", copyName, "--image", spec.image()));
        if (spec.imageId() != null) {
            args.addAll(List.of("--image-id", spec.imageId()));
        }
        start(args);
        boolean ok = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_SECONDS);
            while (!TransferEvent.OK.equals(next(deadline, listener, "checking").event())) {
                // its phases until the answer
            }
            ok = true;
        } finally {
            if (!ok) {
                stop();
            }
        }
    }

    @Override
    public Restored restore(CheckpointStore.Stored checkpoint, String copyName, ProgressListener listener) {
        if (process == null) {
            throw new IllegalStateException("restore before preflight");
        }
        long start = System.nanoTime();
        Thread sender = Thread.ofPlatform().daemon().name("migrate-send").start(() -> send(checkpoint, listener));
        long importedAt = 0;
        long runningAt = 0;
        while (true) {
            TransferEvent e = next(Long.MAX_VALUE, listener, "restoring");
            switch (e.event()) {
                case TransferEvent.IMPORTED -> importedAt = System.nanoTime();
                case TransferEvent.PHASE -> {
                    if ("verifying".equals(e.phase()) && runningAt == 0) {
                        runningAt = System.nanoTime();
                    }
                }
                case TransferEvent.READY -> {
                    ready = true;
                    long now = System.nanoTime();
                    try {
                        sender.join(TimeUnit.SECONDS.toMillis(10));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    long imported = importedAt == 0 ? now : importedAt;
                    long running = runningAt == 0 ? now : runningAt;
                    return new Restored(e.containerId(), running, (imported - start) / 1_000_000,
                            Math.max(0, running - imported) / 1_000_000, (now - running) / 1_000_000,
                            e.verification());
                }
                default -> {
                }
            }
        }
    }

    /** Streams the archive into the remote side's standard input, in frames, and ends it. */
    private void send(CheckpointStore.Stored checkpoint, ProgressListener listener) {
        try {
            Framing.FramedOutputStream framed = new Framing.FramedOutputStream(new BufferedOutputStream(stdin,
                    1 << 16));
            ArchiveExporter.export(checkpoint, framed, Compression.ZSTD, Engine.toolVersion(), new ArchiveProgress() {
                @Override
                public boolean isCancelled() {
                    return listener.isCancelled();
                }
            });
            framed.finish();
        } catch (IOException | RuntimeException e) {
            // the remote side's report says why (it stopped reading); a cancel closes the pipe
            LOG.debug("sending the checkpoint stopped: {}", e.getMessage());
        }
    }

    @Override
    public void commit() {
        try {
            stdin.write("commit\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            stdin.close();
        } catch (IOException e) {
            throw lost("confirming", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONFIRM_SECONDS);
        while (true) {
            TransferEvent e = next(deadline, ProgressListener.NONE, "confirming");
            if (TransferEvent.COMMITTED.equals(e.event())) {
                stop();
                return;
            }
        }
    }

    @Override
    public void discard() {
        if (process == null) {
            return;
        }
        try {
            try {
                stdin.close(); // without "commit": the remote side removes its copy
            } catch (IOException e) {
                // the pipe is gone: so is the remote side's reason to keep a copy
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONFIRM_SECONDS);
            while (true) {
                TransferEvent e;
                try {
                    e = next(deadline, ProgressListener.NONE, "removing the copy");
                } catch (DcpException ex) {
                    if (ex.code() == ErrorCode.IO_ERROR && !ready) {
                        return; // it ended before it had a copy to report
                    }
                    if (ex.code() != ErrorCode.IO_ERROR) {
                        continue; // its report of the failure; the abort follows
                    }
                    throw ex;
                }
                if (TransferEvent.ABORTED.equals(e.event())) {
                    return;
                }
            }
        } finally {
            stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void start(List<String> args) {
        List<String> command = new ArrayList<>(transport);
        command.add("receive");
        command.addAll(receiveArgs);
        command.addAll(args);
        LOG.info("starting {}", command);
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new DcpException(ErrorCode.TOOL_MISSING, "cannot run the transport " + describe() + ": "
                    + e.getMessage(), "give a command that exists here, e.g. --via 'ssh hostb sudo docker-checkpoint'");
        }
        stdin = process.getOutputStream();
        events = new LinkedBlockingQueue<>();
        ready = false;
        Process p = process;
        BlockingQueue<TransferEvent> queue = events;
        Thread.ofPlatform().daemon().name("migrate-events").start(() -> readEvents(p.getInputStream(), queue));
        Thread.ofPlatform().daemon().name("migrate-stderr").start(() -> readStderr(p.getErrorStream()));
    }

    private static void readEvents(InputStream in, BlockingQueue<TransferEvent> queue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("{")) {
                    LOG.debug("transport: {}", line);
                    continue;
                }
                try {
                    queue.add(Json.mapper().readValue(line, TransferEvent.class));
                } catch (IOException e) {
                    LOG.debug("transport, not an event: {}", line);
                }
            }
        } catch (IOException e) {
            LOG.debug("reading the transport's output: {}", e.getMessage());
        } finally {
            queue.add(END);
        }
    }

    private void readStderr(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.debug("transport stderr: {}", line);
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > 5) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // gone
        }
    }

    /**
     * The next event, its phases, logs and checks passed on to {@code listener}; an error event
     * or the end of the output throws. A cancel closes the input (the remote side then removes
     * what it made) and throws.
     */
    private TransferEvent next(long deadline, ProgressListener listener, String doing) {
        while (true) {
            if (listener.isCancelled()) {
                throw new DcpException(ErrorCode.CANCELLED, "cancelled while " + doing + " on " + describe(), "");
            }
            long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), deadline - System.nanoTime());
            if (wait <= 0) {
                throw new DcpException(ErrorCode.IO_ERROR, describe() + " did not answer in time while " + doing,
                        "check the transport command by hand: " + describe() + " receive --help");
            }
            TransferEvent e;
            try {
                e = events.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new DcpException(ErrorCode.CANCELLED, "interrupted while " + doing + " on " + describe(), "");
            }
            if (e == null) {
                continue;
            }
            if (e == END) {
                events.add(END);
                throw lost(doing, null);
            }
            switch (e.event()) {
                case TransferEvent.ERROR -> throw e.toException("on " + describe());
                case TransferEvent.PHASE -> listener.phase(e.phase(), e.fraction() == null ? 0 : e.fraction());
                case TransferEvent.LOG -> listener.logLine(e.line());
                case TransferEvent.CHECK -> listener.check(e.check());
                default -> {
                }
            }
            return e;
        }
    }

    private DcpException lost(String doing, IOException cause) {
        String tail;
        synchronized (stderrTail) {
            tail = String.join(" | ", stderrTail);
        }
        Integer exit = null;
        if (process != null) {
            try {
                if (process.waitFor(2, TimeUnit.SECONDS)) {
                    exit = process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new DcpException(ErrorCode.IO_ERROR, describe() + " ended while " + doing
                + (exit == null ? "" : " (exit " + exit + ")") + (cause == null ? "" : ": " + cause.getMessage())
                + (tail.isEmpty() ? "" : "; it said: " + tail), "check that it runs docker-checkpoint there as root: "
                        + describe() + " doctor");
    }

    /** Ends the transport: its input closed, a few seconds to exit, then it is destroyed. */
    private void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // gone
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
