package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LaunchTest {
    @Test
    void featureReleaseOfEachVersionScheme() {
        assertEquals(8, Launch.feature("1.8"));
        assertEquals(17, Launch.feature("17"));
        assertEquals(25, Launch.feature("25"));
        assertEquals(0, Launch.feature("x"));
    }

    @Test
    void javaOlderThan21IsRefusedAnd21Passes() {
        assertEquals("error: docker-checkpoint needs Java 21 or newer; this is Java 17 (/usr/lib/jvm/j17)",
                Launch.problem("17", "/usr/lib/jvm/j17"));
        assertNull(Launch.problem("21", "/j"));
        assertNull(Launch.problem(System.getProperty("java.specification.version"), "/j"));
    }

    /**
     * The entry point really loads on Java 17 (Debian 12's and Ubuntu 22.04's default, the JDK
     * Maven brings on Debian 12) and prints the error instead of UnsupportedClassVersionError.
     */
    @Test
    void onARealJava17TheEntryPointExplains() throws IOException, InterruptedException {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assumeTrue("true".equals(System.getenv("CI")) || Files.isExecutable(java17), "no Java 17 here");
        Path classes = Path.of("target/classes").toAbsolutePath();
        Process p = new ProcessBuilder(List.of(java17.toString(), "-cp", classes.toString(),
                "dev.dockercheckpoint.cli.Launch", "helper")).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        assertEquals("", out);
        List<String> lines = err.lines().toList();
        assertEquals(2, lines.size(), err);
        assertTrue(lines.get(0).startsWith("error: docker-checkpoint needs Java 21 or newer; this is Java 17 ("), err);
        assertTrue(lines.get(1).startsWith("hint: install the docker-checkpoint package"), err);
    }
}
