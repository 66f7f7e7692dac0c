package dev.dockercheckpoint.ui.services;

import java.nio.file.Path;
import java.util.Optional;

/** Every dialog the application shows goes through here, so tests can replace it. */
public interface DialogService {
    /** An error with its cause and what to do (never a stack trace). */
    void showError(String title, Throwable error);

    /** Asks a yes/no question; true for yes. */
    boolean confirm(String title, String question);

    /** A short notification that an operation ended. */
    void notify(String text);

    /** Lets the user choose a directory, starting at {@code initial}. */
    Optional<Path> chooseDirectory(String title, Path initial);

    /** Lets the user choose a new file to write, proposing {@code initial} (its directory and name). */
    default Optional<Path> chooseSaveFile(String title, Path initial) {
        return Optional.empty();
    }

    /** Lets the user choose an existing file, starting in directory {@code initialDir}. */
    default Optional<Path> chooseOpenFile(String title, Path initialDir) {
        return Optional.empty();
    }

    /** Lets the user choose an existing key or recipients file (any name), starting in {@code initialDir}. */
    default Optional<Path> chooseTextFile(String title, Path initialDir) {
        return Optional.empty();
    }

    /** Puts text on the clipboard. */
    void copyToClipboard(String text);
}
