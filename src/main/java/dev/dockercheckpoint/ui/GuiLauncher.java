package dev.dockercheckpoint.ui;

import java.nio.file.Path;
import javafx.application.Application;

/** Starts the JavaFX application (kept apart from {@link App} so the jar's launcher need not be one). */
public final class GuiLauncher {
    private GuiLauncher() {
    }

    /** Runs the application until its window closes. */
    public static void launch(Path socket) {
        System.setProperty(App.SOCKET_PROPERTY, socket.toString());
        Application.launch(App.class);
    }
}
