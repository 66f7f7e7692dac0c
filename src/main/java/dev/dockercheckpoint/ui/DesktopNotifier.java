package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.ui.theme.DesktopPreference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A desktop notification ({@code notify-send}, from libnotify) when a long operation ends while
 * none of the application's windows has the focus. Without notify-send nothing is shown and
 * nothing fails.
 */
public final class DesktopNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(DesktopNotifier.class);

    private final BooleanSupplier appFocused;
    private final Consumer<List<String>> launcher;

    /**
     * {@code appFocused}: whether a window of the application has the focus; {@code launcher}
     * runs the command (an argument list).
     */
    public DesktopNotifier(BooleanSupplier appFocused, Consumer<List<String>> launcher) {
        this.appFocused = appFocused;
        this.launcher = launcher;
    }

    /** The application's: focus of its windows, notify-send when it is on PATH. */
    public static DesktopNotifier forDesktop() {
        return new DesktopNotifier(() -> Window.getWindows().stream().anyMatch(Window::isFocused),
                DesktopNotifier::launch);
    }

    /** Notifies when the user looks elsewhere; {@code failed} marks it as critical. */
    public void operationEnded(String summary, String body, boolean failed) {
        if (appFocused.getAsBoolean()) {
            return;
        }
        launcher.accept(command(summary, body, failed));
    }

    /** notify-send's argument list ("--" before the texts, so none is read as an option). */
    static List<String> command(String summary, String body, boolean failed) {
        return List.of("notify-send", "--app-name=docker-checkpoint", "--icon=docker-checkpoint",
                "--urgency=" + (failed ? "critical" : "normal"), "--", summary, body);
    }

    static void launch(List<String> command) {
        Optional<Path> program = DesktopPreference.onPath(command.getFirst(), System.getenv("PATH"));
        if (program.isEmpty()) {
            LOG.debug("no {} on PATH: no desktop notification", command.getFirst());
            return;
        }
        List<String> args = new java.util.ArrayList<>(command);
        args.set(0, program.get().toString());
        Thread.ofVirtual().name("notify-send").start(() -> {
            try {
                Process p = new ProcessBuilder(args).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                LOG.debug("cannot notify: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
