package dev.dockercheckpoint.ui.theme;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the desktop asks applications for a dark look. JavaFX 21 cannot tell, so: GTK_THEME
 * ending in {@code :dark} says yes; otherwise GNOME's {@code color-scheme} setting, read with
 * {@code gsettings} when it is installed (an answer within two seconds, else light).
 */
public final class DesktopPreference {
    private static final Logger LOG = LoggerFactory.getLogger(DesktopPreference.class);
    static final List<String> GSETTINGS_ARGS = List.of("get", "org.gnome.desktop.interface", "color-scheme");
    private static final long TIMEOUT_MS = 2000;
    private static volatile Boolean detected;

    private DesktopPreference() {
    }

    /** What this desktop prefers, asked once and then remembered (call it off the UI thread first). */
    public static boolean prefersDark() {
        Boolean d = detected;
        if (d == null) {
            d = prefersDark(System.getenv(), DesktopPreference::run);
            detected = d;
        }
        return d;
    }

    /** Asks the desktop again (it may have switched since). */
    public static boolean askAgain() {
        detected = null;
        return prefersDark();
    }

    /**
     * The decision, from the environment and a way to run a command: {@code command} gets the
     * program and its arguments and answers its output, or nothing when it is absent or fails.
     */
    static boolean prefersDark(Map<String, String> env, Function<List<String>, Optional<String>> command) {
        String gtk = env.get("GTK_THEME");
        if (gtk != null && !gtk.isBlank()) {
            return gtk.strip().toLowerCase(Locale.ROOT).endsWith(":dark");
        }
        return command.apply(List.of("gsettings", GSETTINGS_ARGS.get(0), GSETTINGS_ARGS.get(1), GSETTINGS_ARGS.get(2)))
                .map(out -> out.contains("prefer-dark")).orElse(false);
    }

    /** Runs a program found on PATH; nothing when it is not there, fails, or takes too long. */
    static Optional<String> run(List<String> command) {
        Optional<Path> program = onPath(command.getFirst(), System.getenv("PATH"));
        if (program.isEmpty()) {
            return Optional.empty();
        }
        List<String> args = new java.util.ArrayList<>(command);
        args.set(0, program.get().toString());
        Process p = null;
        try {
            p = new ProcessBuilder(args).redirectErrorStream(true).start();
            p.getOutputStream().close(); // nothing to read for it
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.debug("{} did not answer within {} ms", command.getFirst(), TIMEOUT_MS);
                return Optional.empty();
            }
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
            }
        } catch (IOException e) {
            LOG.debug("cannot run {}: {}", command.getFirst(), e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /** The executable {@code name} in one of {@code path}'s directories (a PATH value), or {@code name} itself when it is a path. */
    public static Optional<Path> onPath(String name, String path) {
        if (name.contains("/")) {
            Path direct = Path.of(name);
            return Files.isRegularFile(direct) && Files.isExecutable(direct) ? Optional.of(direct) : Optional.empty();
        }
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
