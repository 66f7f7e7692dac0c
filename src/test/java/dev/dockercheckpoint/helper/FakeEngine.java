package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.engine.CheckpointEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An engine for tests of the helper's dispatch: it records what it is asked, and behaves by
 * container name: {@code block-*} runs until cancelled or {@link #release()}d, {@code chatty-*}
 * reports {@link #CHATTY_LINES} log lines, {@code bulky-*} 4000 progress messages of 1 KiB each,
 * {@code fail-*} fails with CRIU_FAILED, anything else
 * succeeds at once.
 */
final class FakeEngine implements CheckpointEngine {
    static final int CHATTY_LINES = 50_000;

    final List<CheckpointRequest> checkpoints = new CopyOnWriteArrayList<>();
    final List<String> finished = new CopyOnWriteArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    /** How many times the doctor's checks ran. */
    final AtomicInteger doctors = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    final List<Consumer<ContainerEvent>> subscribers = new CopyOnWriteArrayList<>();
    /** Named volumes' directories, by name, for exports with volumes. */
    final Map<String, Path> volumes = new ConcurrentHashMap<>();

    @Override
    public Path volumeMountpoint(String name) {
        return volumes.get(name);
    }

    void release() {
        release.countDown();
    }

    /** Waits until an operation on {@code container} has started. */
    void awaitStarted(String container) throws InterruptedException {
        if (!startedLatch(container).await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no operation started on " + container);
        }
    }

    private CountDownLatch startedLatch(String container) {
        return started.computeIfAbsent(container, c -> new CountDownLatch(1));
    }

    private <T> T operate(String container, ProgressListener listener, java.util.function.Supplier<T> result) {
        int now = running.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        try {
            listener.phase("started", 0.1);
            startedLatch(container).countDown();
            if (container.startsWith("block-")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!listener.isCancelled()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("never released");
                    }
                    try {
                        if (release.await(10, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                if (listener.isCancelled()) {
                    throw new DcpException(ErrorCode.CANCELLED, "cancelled", "start it again");
                }
            } else if (container.startsWith("chatty-")) {
                for (int i = 0; i < CHATTY_LINES; i++) {
                    listener.logLine("(00.000" + i + ") a line CRIU wrote, number " + i);
                }
            } else if (container.startsWith("bulky-")) {
                String text = "x".repeat(1024);
                for (int i = 0; i < 4000; i++) {
                    listener.phase("phase " + i + " " + text, 0.5);
                }
            } else if (container.startsWith("fail-")) {
                throw new DcpException(ErrorCode.CRIU_FAILED, "CRIU failed", "read dump.log");
            }
            listener.phase("done", 1.0);
            finished.add(container);
            return result.get();
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
        checkpoints.add(request);
        return operate(request.container(), listener,
                () -> new CheckpointResult(request.baseDir().resolve(request.container()).resolve(request.name()),
                        null, request.options().leaveRunning() ? "running" : "exited"));
    }

    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        return operate(request.container(), listener, () -> new RestoreResult(request.newName(), "0123456789ab",
                Path.of("/nonexistent/restore.log"), Map.of("total", 1L), verification(request.newName())));
    }

    /** Each migration asked of this engine: the request and the engine it was to go to. */
    record Migration(dev.dockercheckpoint.core.MigrationRequest request, CheckpointEngine target, String targetName) {
    }

    final List<Migration> migrations = new CopyOnWriteArrayList<>();

    @Override
    public dev.dockercheckpoint.core.MigrationResult migrate(dev.dockercheckpoint.core.MigrationRequest request,
            CheckpointEngine target, String targetName, ProgressListener listener) {
        migrations.add(new Migration(request, target, targetName));
        return operate(request.container(), listener, () -> new dev.dockercheckpoint.core.MigrationResult(
                request.container(), "unix:///nonexistent.sock", targetName, request.copyName(), "0123456789ab",
                812.5, Map.of("dump", 300L, "transfer", 12L, "restore", 500L, "verify", 40L), 900,
                verification(request.copyName()), null));
    }

    @Override
    public VerificationReport verify(String container, ProgressListener listener) {
        return operate(container, listener, () -> {
            CheckResult check = new CheckResult("Running", true, "running", Duration.ofMillis(1));
            listener.check(check);
            return new VerificationReport(container, List.of(check));
        });
    }

    private static VerificationReport verification(String container) {
        return new VerificationReport(container, List.of(new CheckResult("Running", true, "running",
                Duration.ofMillis(1))));
    }

    @Override
    public CheckpointContents inspect(Path baseDir, String container, String name) {
        throw new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, "no checkpoint " + name, "list them");
    }

    @Override
    public Path delete(Path baseDir, String container, String name) {
        return new dev.dockercheckpoint.core.CheckpointStore(baseDir).delete(container, name);
    }

    @Override
    public List<ContainerSummary> listContainers(boolean all) {
        return List.of(new ContainerSummary("0123456789abcdef", "web", "nginx", "running", "Up 1 minute",
                Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Override
    public AutoCloseable subscribe(Consumer<ContainerEvent> sink) {
        subscribers.add(sink);
        return () -> subscribers.remove(sink);
    }

    @Override
    public DoctorReport doctor() {
        doctors.incrementAndGet();
        return new DoctorReport(List.of(new DoctorReport.Item("fake", "A fake engine", true, "ok", null)));
    }

    @Override
    public String containerId(String ref) {
        return ref.startsWith("missing-") ? null : "id-" + ref;
    }

    @Override
    public void close() {
    }
}
