package dev.dockercheckpoint.ui.logviewer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.util.Duration;

/**
 * Turns the document's updates, which arrive on its indexing thread, into refreshes on the FX
 * thread: at most one pending, and at most one per {@link #INTERVAL_MS} (each one relays out the
 * list) while {@code mayWait} says so.
 */
final class RefreshThrottle {
    /** Least time between two refreshes from the indexing thread. */
    static final long INTERVAL_MS = 200;

    private final Runnable refresh;
    private final BooleanSupplier mayWait;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private long last = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);

    /**
     * @param refresh runs on the FX thread and calls {@link #refreshed()}
     * @param mayWait asked on the FX thread: false when the refresh should run at once
     */
    RefreshThrottle(Runnable refresh, BooleanSupplier mayWait) {
        this.refresh = refresh;
        this.mayWait = mayWait;
    }

    /** Asks for a refresh; any thread. */
    void request() {
        if (scheduled.compareAndSet(false, true)) {
            Platform.runLater(this::refreshSoon);
        }
    }

    /** Tells that a refresh ran now (FX thread), whoever started it. */
    void refreshed() {
        last = System.nanoTime();
    }

    private void refreshSoon() {
        long waitMs = INTERVAL_MS - (System.nanoTime() - last) / 1_000_000;
        if (waitMs > 0 && mayWait.getAsBoolean()) {
            PauseTransition pause = new PauseTransition(Duration.millis(waitMs));
            pause.setOnFinished(e -> refreshSoon());
            pause.play();
            return;
        }
        scheduled.set(false);
        refresh.run();
    }
}
