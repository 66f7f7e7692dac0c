package dev.dockercheckpoint.ui.services;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** Whether a long operation runs, how far it is, and its phase in words; changed on the UI thread. */
public final class OperationProgress {
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper phase = new ReadOnlyStringWrapper("");

    public void begin() {
        running.set(true);
        progress.set(0);
        phase.set("starting");
    }

    public void phase(String text, double fraction) {
        phase.set(text);
        progress.set(fraction);
    }

    /** Says something about the phase without moving the bar (e.g. "cancelling..."). */
    public void say(String text) {
        phase.set(text);
    }

    public void succeeded(String text) {
        running.set(false);
        progress.set(1);
        phase.set(text);
    }

    public void failed() {
        running.set(false);
        phase.set("failed");
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty phaseProperty() {
        return phase.getReadOnlyProperty();
    }
}
