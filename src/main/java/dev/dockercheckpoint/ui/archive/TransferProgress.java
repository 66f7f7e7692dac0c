package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.TransferListener;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * An export's or import's progress for a dialog: whether it runs, the fraction done (-1 while not
 * known), what has moved ("12.0 MiB, 42%, 35.2 MiB/s, 3 s left"), the outcome in sentences, and
 * Stop. Changed on the UI thread; the transfer's listener posts to it a few times a second.
 */
public final class TransferProgress {
    private final TaskExecutor executor;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper fraction = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper(false);
    private volatile boolean cancelRequested;
    private long started;

    public TransferProgress(TaskExecutor executor) {
        this.executor = executor;
    }

    /** A transfer starts: the listener to give it. */
    TransferListener begin(String what) {
        cancelRequested = false;
        started = System.nanoTime();
        running.set(true);
        failed.set(false);
        fraction.set(-1);
        status.set(what + "...");
        outcome.set("");
        long start = started;
        return new TransferListener() {
            /** The latest figures not shown yet; one update at a time is queued for the UI thread. */
            private final java.util.concurrent.atomic.AtomicReference<double[]> latest =
                    new java.util.concurrent.atomic.AtomicReference<>();

            @Override
            public void progress(long bytes, double f) {
                double[] figures = {bytes, f, System.nanoTime() - start};
                if (latest.getAndSet(figures) == null) {
                    executor.onUiThread(() -> {
                        double[] now = latest.getAndSet(null);
                        if (now != null && running.get()) {
                            fraction.set(now[1] < 0 ? -1 : now[1]);
                            status.set(describe((long) now[0], now[1], (long) now[2]));
                        }
                    });
                }
            }

            @Override
            public void note(String message) {
                executor.onUiThread(() -> outcome.set(message));
            }

            @Override
            public boolean isCancelled() {
                return cancelRequested;
            }
        };
    }

    /** Stop: the transfer ends at its next chunk (an import keeps nothing). */
    public void cancel() {
        if (running.get()) {
            cancelRequested = true;
            status.set("stopping...");
        }
    }

    void succeeded(String text) {
        running.set(false);
        fraction.set(1);
        outcome.set(text);
    }

    /** The transfer failed, or stopped when asked: the outcome says so in sentences. */
    void failed(String what, Throwable error, String whenStopped) {
        running.set(false);
        if (error instanceof DcpException d && d.code() == ErrorCode.CANCELLED && cancelRequested) {
            fraction.set(0);
            status.set("stopped");
            outcome.set(whenStopped);
            return;
        }
        failed.set(true);
        status.set("failed");
        outcome.set(sentence(what, error));
    }

    /** "12.0 MiB, 42%, 35.2 MiB/s, 3 s left": what moved, how far, how fast, how long still. */
    public static String describe(long bytes, double fraction, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        StringBuilder b = new StringBuilder(Bytes.human(bytes));
        if (fraction >= 0) {
            b.append(String.format(Locale.ROOT, ", %.0f%%", 100 * fraction));
        }
        b.append(", ").append(Bytes.human((long) (bytes / seconds))).append("/s");
        if (fraction > 0.005 && fraction < 1) {
            long left = Math.round(seconds * (1 - fraction) / fraction);
            b.append(left < 90 ? ", " + left + " s left" : ", " + Math.round(left / 60.0) + " min left");
        }
        return b.toString();
    }

    /** "Export failed: web/cp1 already exists. Choose another file, or remove it first." */
    public static String sentence(String what, Throwable error) {
        String message = dev.dockercheckpoint.ui.services.FxDialogService.message(error);
        String hint = error instanceof DcpException d ? d.hint() : "";
        return what + " failed: " + message + "." + (hint == null || hint.isBlank() ? ""
                : " " + Character.toUpperCase(hint.charAt(0)) + hint.substring(1) + ".");
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty fractionProperty() {
        return fraction.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty failedProperty() {
        return failed.getReadOnlyProperty();
    }
}
