package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real command in a JVM of its own: {@code gui} without a display stops with one error line and a hint. */
class GuiFirstRunTest {
    @Test
    void guiWithoutADisplaySaysSoBeforeJavaFxStarts() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.dockercheckpoint.cli.Main", "gui"));
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.FAILED, p.exitValue(), err);
        assertEquals("", out);
        List<String> lines = err.lines().toList();
        assertEquals(List.of("error: no display to open the window on (DISPLAY is not set)",
                "hint: run it in a terminal of your desktop session (under sudo: sudo scripts/run keeps your display),"
                        + " or over ssh -X; the command line needs none: docker-checkpoint --help"), lines, err);
    }

    /** A display that is set but has no X server behind it: the same kind of error, not JavaFX's exception. */
    @Test
    void guiOnADisplayWithoutAServerSaysWhichOne() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.dockercheckpoint.cli.Main", "gui"));
        pb.environment().put("DISPLAY", ":197");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        p.getInputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.FAILED, p.exitValue(), err);
        List<String> lines = err.lines().filter(l -> l.startsWith("error:") || l.startsWith("hint:")).toList();
        assertEquals(List.of("error: cannot open display :197",
                "hint: check that DISPLAY names your running X session and that you may use it (XAUTHORITY);"
                        + " under sudo, sudo scripts/run passes yours on"), lines, err);
    }
}
