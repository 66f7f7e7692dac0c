package dev.dockercheckpoint.ui;

import java.nio.file.Path;
import javafx.application.Application;

/** Starts the JavaFX application (kept apart from {@link App} so the jar's launcher need not be one). */
public final class GuiLauncher {
    private GuiLauncher() {
    }

    /**
     * Runs the application until its window closes. A missing display or GTK 3 fails first, as
     * a {@link dev.dockercheckpoint.core.DcpException} with the fix.
     */
    public static void launch(Path socket) {
        DesktopCheck.require();
        System.setProperty(App.SOCKET_PROPERTY, socket.toString());
        try {
            Application.launch(App.class);
        } catch (UnsupportedOperationException e) {
            // JavaFX's own words when GTK 3 is absent or too old: "Unable to load glass GTK library"
            String message = String.valueOf(e.getMessage());
            if (message.contains("GTK")) {
                throw DesktopCheck.gtkMissing();
            }
            // "Unable to open DISPLAY": set, but no X server there or not ours to use
            if (message.contains("DISPLAY")) {
                throw DesktopCheck.displayRefused(System.getenv("DISPLAY"));
            }
            throw e;
        }
    }
}
