package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ProcessRunner} backed by {@link ProcessBuilder}. */
public final class SystemProcessRunner implements ProcessRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SystemProcessRunner.class);

    @Override
    public ProcessResult run(List<String> command, Duration timeout) {
        return run(command, java.util.Map.of(), timeout);
    }

    @Override
    public ProcessResult run(List<String> command, java.util.Map<String, String> extraEnv, Duration timeout) {
        return run(command, extraEnv, timeout, p -> { });
    }

    @Override
    public ProcessResult run(List<String> command, java.util.Map<String, String> extraEnv, Duration timeout,
            java.util.function.Consumer<ProcessHandle> started) {
        long start = System.nanoTime();
        LOG.debug("exec {} {}", extraEnv, command);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null")));
            builder.environment().putAll(extraEnv);
            process = builder.start();
        } catch (IOException e) {
            throw new DcpException(ErrorCode.TOOL_MISSING, "cannot run " + command.get(0) + ": " + e.getMessage(),
                    "install it or check PATH; docker-checkpoint doctor shows what is missing", e);
        }
        try {
            started.accept(process.toHandle());
        } catch (RuntimeException e) {
            LOG.warn("cannot record {} (pid {}): {}", command.get(0), process.pid(), e.getMessage());
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        // Not interruptible: killing runc would leave CRIU half-way (tasks seized, parasite code
        // inside them). An interrupt (a cancel) is kept and honoured by the caller once it returns.
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                        killTree(process);
                        process.waitFor(5, TimeUnit.SECONDS);
                        throw new DcpException(ErrorCode.INTERNAL, command.get(0) + " did not finish within "
                                + timeout.toSeconds() + " s", "try again; if it keeps happening, run"
                                        + " docker-checkpoint doctor");
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return new ProcessResult(List.copyOf(command), process.exitValue(), join(out), join(err),
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String join(CompletableFuture<String> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new UncheckedIOException(new IOException(e.getCause()));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the process and its descendants (runc's CRIU child must not outlive a cancelled dump). */
    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                result.complete(buf.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("");
            }
        });
        return result;
    }
}
