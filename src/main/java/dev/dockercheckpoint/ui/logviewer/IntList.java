package dev.dockercheckpoint.ui.logviewer;

import java.util.Arrays;

/** A growable list of ascending ints (line numbers); not thread-safe, guarded by its owner. */
final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        return values[index];
    }

    int size() {
        return size;
    }

    /** Index of {@code value}, or {@code -(insertion point) - 1} as {@link Arrays#binarySearch}. */
    int binarySearch(int value) {
        return Arrays.binarySearch(values, 0, size, value);
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
