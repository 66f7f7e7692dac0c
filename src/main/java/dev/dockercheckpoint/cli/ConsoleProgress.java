package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints phases (and with -v, CRIU's log lines) to stderr. */
final class ConsoleProgress implements ProgressListener {
    private final PrintWriter err;
    private final boolean verbose;
    private final long start = System.nanoTime();

    ConsoleProgress(PrintWriter err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    @Override
    public synchronized void phase(String phase, double fraction) {
        err.printf(Locale.ROOT, "[%5.2fs %3.0f%%] %s%n", (System.nanoTime() - start) / 1e9, fraction * 100, phase);
        err.flush();
    }

    @Override
    public boolean wantsLogLines() {
        return verbose;
    }

    @Override
    public synchronized void logLine(String line) {
        if (verbose) {
            err.println("  criu: " + line);
            err.flush();
        }
    }
}
