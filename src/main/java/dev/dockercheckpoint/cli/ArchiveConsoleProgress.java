package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.core.archive.ArchiveProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints an export's or an import's progress to stderr, at most once a second. */
final class ArchiveConsoleProgress implements ArchiveProgress, TransferListener {
    private static final long EVERY_NANOS = 1_000_000_000L;
    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private long last = start;

    ArchiveConsoleProgress(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    @Override
    public synchronized void bytes(long done, long total, String entry) {
        long now = System.nanoTime();
        if (now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        double seconds = (now - start) / 1e9;
        String rate = Bytes.human((long) (done / Math.max(seconds, 1e-3))) + "/s";
        if (total > 0) {
            err.printf(Locale.ROOT, "[%5.1fs %3.0f%%] %s: %s of %s, %s (%s)%n", seconds, 100.0 * done / total, what,
                    Bytes.human(done), Bytes.human(total), rate, entry == null ? "done" : entry);
        } else {
            err.printf(Locale.ROOT, "[%5.1fs] %s: %s, %s (%s)%n", seconds, what, Bytes.human(done), rate,
                    entry == null ? "done" : entry);
        }
        err.flush();
    }

    /** Through the helper: the archive's bytes moved and the fraction done (-1: not known). */
    @Override
    public synchronized void progress(long bytes, double fraction) {
        long now = System.nanoTime();
        if (now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        double seconds = (now - start) / 1e9;
        String rate = Bytes.human((long) (bytes / Math.max(seconds, 1e-3))) + "/s";
        if (fraction > 0) {
            double left = seconds * (1 - fraction) / fraction;
            err.printf(Locale.ROOT, "[%5.1fs %3.0f%%] %s: %s of the archive, %s, %.0f s left%n", seconds,
                    100 * fraction, what, Bytes.human(bytes), rate, left);
        } else {
            err.printf(Locale.ROOT, "[%5.1fs] %s: %s of the archive, %s%n", seconds, what, Bytes.human(bytes), rate);
        }
        err.flush();
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public synchronized void note(String message) {
        err.println(message);
        err.flush();
    }

    /** Seconds since the start. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
