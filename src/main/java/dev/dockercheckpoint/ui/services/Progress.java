package dev.dockercheckpoint.ui.services;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;

/**
 * What a view shows of a long operation, read-only: whether it runs, how far it is, its phase in
 * words and its time. A view-model keeps an {@link OperationProgress} and hands this side of it to
 * its view.
 */
public interface Progress {
    ReadOnlyBooleanProperty runningProperty();

    ReadOnlyDoubleProperty progressProperty();

    ReadOnlyStringProperty phaseProperty();

    /** "1.2 s elapsed, about 3 s left" while it runs; empty otherwise. */
    ReadOnlyStringProperty timeProperty();

    /** The phase, and while it runs its time after it: "dumping  ·  1.2 s elapsed, about 3 s left". */
    default StringBinding phaseAndTime() {
        return Bindings.createStringBinding(() -> timeProperty().get().isEmpty() ? phaseProperty().get()
                : phaseProperty().get() + "  \u00b7  " + timeProperty().get(), phaseProperty(), timeProperty());
    }
}
