package dev.dockercheckpoint.ui.services;

import java.util.function.LongSupplier;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.util.Duration;

/**
 * Whether a long operation runs, how far it is, its phase in words, and the time it has taken
 * and probably still needs ({@link TimeEstimate}); changed on the UI thread. On the UI thread the
 * time is updated a few times a second while it runs.
 */
public final class OperationProgress implements Progress {
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper phase = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper time = new ReadOnlyStringWrapper("");
    private final LongSupplier clockMs;
    private long startMs;
    private Long expectedMs;
    private Timeline ticker;

    public OperationProgress() {
        this(System::currentTimeMillis);
    }

    /** {@code clockMs}: the time in milliseconds (tests pass their own). */
    public OperationProgress(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** How long the last comparable operation took (null: unknown): the estimate counts down from it. */
    public void expect(Long millis) {
        expectedMs = millis;
    }

    public void begin() {
        running.set(true);
        progress.set(0);
        phase.set("starting");
        startMs = clockMs.getAsLong();
        tick();
        if (Platform.isFxApplicationThread()) {
            if (ticker == null) {
                ticker = new Timeline(new KeyFrame(Duration.millis(250), e -> tick()));
                ticker.setCycleCount(Animation.INDEFINITE);
            }
            ticker.play();
        }
    }

    public void phase(String text, double fraction) {
        phase.set(text);
        progress.set(fraction);
        tick();
    }

    /** Updates the time taken and left. */
    public void tick() {
        if (running.get()) {
            time.set(TimeEstimate.describe(clockMs.getAsLong() - startMs, progress.get(), expectedMs));
        }
    }

    private void end() {
        if (ticker != null) {
            ticker.stop();
        }
        time.set("");
    }

    /** Says something about the phase without moving the bar (e.g. "cancelling..."). */
    public void say(String text) {
        phase.set(text);
    }

    /** Ends well; the phase says {@code text} by the time running turns false. */
    public void succeeded(String text) {
        end();
        progress.set(1);
        phase.set(text);
        running.set(false);
    }

    /** Ends in failure; the phase says "failed" by the time running turns false. */
    public void failed() {
        end();
        phase.set("failed");
        running.set(false);
    }

    @Override
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyStringProperty phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyStringProperty timeProperty() {
        return time.getReadOnlyProperty();
    }
}
