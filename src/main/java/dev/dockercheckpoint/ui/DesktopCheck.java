package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the desktop application needs before JavaFX starts: a display and GTK 3, JavaFX's toolkit
 * on Linux. Each missing piece is one error with the command that fixes it, instead of JavaFX's
 * own failure deep in its start.
 */
public final class DesktopCheck {
    /** The library JavaFX's Linux toolkit loads. */
    static final String GTK3 = "libgtk-3.so.0";
    private static final Path LD_CACHE = Path.of("/etc/ld.so.cache");
    private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib");

    private DesktopCheck() {
    }

    /** Checks this process's environment; does nothing for JavaFX's headless platform (Monocle). */
    public static void require() {
        if ("Monocle".equalsIgnoreCase(System.getProperty("glass.platform"))) {
            return;
        }
        check(System::getenv, soname -> loadable(soname, System.getenv("LD_LIBRARY_PATH"), LD_CACHE));
    }

    /** Throws the first missing piece: {@code env} reads the environment, {@code library} says whether a soname loads. */
    static void check(Function<String, String> env, Predicate<String> library) {
        if (blank(env.apply("DISPLAY"))) {
            if (!blank(env.apply("WAYLAND_DISPLAY"))) {
                throw new DcpException(ErrorCode.UNSUPPORTED,
                        "no X display: the desktop application draws through X11 (XWayland) and DISPLAY is not set",
                        "enable XWayland in your Wayland session, or log in to an X11 session");
            }
            throw new DcpException(ErrorCode.UNSUPPORTED, "no display to open the window on (DISPLAY is not set)",
                    "run it in a terminal of your desktop session (under sudo: sudo scripts/run keeps your display),"
                            + " or over ssh -X; the command line needs none: docker-checkpoint --help");
        }
        if (!library.test(GTK3)) {
            throw gtkMissing();
        }
    }

    static DcpException displayRefused(String display) {
        return new DcpException(ErrorCode.UNSUPPORTED, "cannot open display " + display,
                "check that DISPLAY names your running X session and that you may use it (XAUTHORITY);"
                        + " under sudo, sudo scripts/run passes yours on");
    }

    static DcpException gtkMissing() {
        return new DcpException(ErrorCode.TOOL_MISSING, "the desktop application needs GTK 3 (libgtk-3-0)",
                "sudo apt-get install libgtk-3-0");
    }

    /**
     * Whether the dynamic loader finds {@code soname}: in a directory of {@code ldLibraryPath}, in
     * the loader's cache (which names every library of the configured directories), or in the
     * system's library directories.
     */
    static boolean loadable(String soname, String ldLibraryPath, Path ldCache) {
        List<String> dirs = new ArrayList<>();
        if (!blank(ldLibraryPath)) {
            dirs.addAll(List.of(ldLibraryPath.split(":")));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, soname))) {
                return true;
            }
        }
        try {
            // the cache holds each soname as a NUL-terminated string
            String cache = new String(Files.readAllBytes(ldCache), StandardCharsets.ISO_8859_1);
            return cache.contains(soname + '\0');
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
