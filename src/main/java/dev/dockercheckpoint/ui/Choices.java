package dev.dockercheckpoint.ui;

import javafx.beans.property.Property;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.control.ComboBox;

/** A choice box over a view-model's list of choices and its chosen value. */
public final class Choices {
    private Choices() {
    }

    /**
     * Shows {@code choices} in {@code box} with {@code value} chosen, both ways. Unlike a
     * bidirectional binding, the empty value a combo box takes while its items are replaced never
     * reaches the view-model.
     */
    public static <T> void bind(ComboBox<T> box, ObservableList<T> choices, Property<T> value) {
        box.setItems(choices);
        box.setValue(value.getValue());
        value.addListener((o, a, v) -> box.setValue(v));
        choices.addListener((ListChangeListener<T>) c -> box.setValue(value.getValue()));
        box.valueProperty().addListener((o, a, v) -> {
            if (v != null && !v.equals(value.getValue())) {
                value.setValue(v);
            }
        });
    }
}
