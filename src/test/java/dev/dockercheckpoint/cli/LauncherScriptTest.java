package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script (packaging/docker-checkpoint) really run, on a jar that prints the Java it
 * got: which Java it picks when Java 17 is first on PATH, and its errors for an older one.
 */
class LauncherScriptTest {
    private static final Path LAUNCHER = Path.of("packaging/docker-checkpoint").toAbsolutePath();
    private static final Path JAVA17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @TempDir
    Path tmp;
    private Path jar;

    @BeforeEach
    void probeJar() throws IOException {
        assumeTrue("true".equals(System.getenv("CI")) || Files.isExecutable(JAVA17.resolve("bin/java")), "no Java 17 here");
        Path src = Files.createDirectories(tmp.resolve("src"));
        // the launcher names the main class (the jar's manifest is not read): the probe stands in for it
        Files.writeString(src.resolve("Main.java"),
                "package dev.dockercheckpoint.cli; public class Main { public static void main(String[] a) throws Exception {"
                        + " System.out.println(System.getProperty(\"java.specification.version\") + \" \" + String.join(\",\", a));"
                        + " String log = System.getenv(\"PROBE_LOG\"); if (log != null) java.nio.file.Files.write("
                        + "java.nio.file.Paths.get(log), (String.join(\",\", a) + \"\\n\").getBytes(), java.nio.file.StandardOpenOption.CREATE,"
                        + " java.nio.file.StandardOpenOption.APPEND); } }");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "8", "-nowarn",
                "-d", classes.toString(), src.resolve("Main.java").toString()));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.dockercheckpoint.cli.Main");
        jar = tmp.resolve("probe.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("dev/dockercheckpoint/cli/Main.class"));
            out.write(Files.readAllBytes(classes.resolve("dev/dockercheckpoint/cli/Main.class")));
            out.closeEntry();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    @Test
    void theFirstRunRecordsTheStartUpCacheOnTheTrainingWorkloadAndRemovesOtherBuildsCaches() throws Exception {
        Path current = Path.of(System.getProperty("java.home"));
        int major = Runtime.version().feature();
        assumeTrue(major >= 25, "ahead-of-time caches need JDK 25");
        Path cache = Files.createDirectories(tmp.resolve("cache/docker-checkpoint"));
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
        Path older = Files.writeString(cache.resolve("app-" + uid + "-" + major + "-1-2.aot"), "an older build's");
        Path otherUser = Files.writeString(cache.resolve("app-99999-" + major + "-1-2.aot"), "another user's");
        Path log = tmp.resolve("probe.log");
        Run r = launch(Map.of("JAVA_HOME", current.toString(), "XDG_CACHE_HOME", tmp.resolve("cache").toString(),
                "PROBE_LOG", log.toString()));
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count(), "the training prints nothing: " + r.out());
        // the launcher holds a lock while the cache is recorded in the background
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (lockHeld(cache)) {
            assertTrue(System.nanoTime() < deadline, "the start-up cache was not recorded within 90 s");
            Thread.sleep(200);
        }
        assertTrue(Files.readAllLines(log).contains("startup-training,seed"), Files.readAllLines(log).toString());
        assertTrue(Files.notExists(older), "an older build's cache is removed");
        assertTrue(Files.exists(otherUser), "another user's cache stays");
        try (var files = Files.list(cache)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("app-" + uid + "-")).count());
        }
    }

    private static boolean lockHeld(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".lock"));
        }
    }

    private Run launch(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(LAUNCHER.toString(), "--version", "x"));
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("DOCKER_CHECKPOINT_JAVA");
        pb.environment().put("PATH", JAVA17.resolve("bin") + ":/usr/bin:/bin");
        // no writable cache: the launcher then trains no class cache in the background (which
        // would outlive the test)
        pb.environment().put("XDG_CACHE_HOME", "/proc/dcp-no-cache");
        pb.environment().put("TMPDIR", "/proc/dcp-no-cache");
        pb.environment().put("DOCKER_CHECKPOINT_JAR", jar.toString());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        try (OutputStream ignored = p.getOutputStream()) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return new Run(p.exitValue(), out, err);
        }
    }

    @Test
    void withJava17FirstOnPathItRunsANewerJavaAndPrintsOnlyTheCommandsOutput() throws Exception {
        Run r = launch(Map.of());
        assertEquals(0, r.exit(), r.err());
        String[] words = r.out().strip().split(" ");
        assertTrue(Integer.parseInt(words[0]) >= 21, r.out());
        assertEquals("--version,x", words[1]);
        // nothing else on standard output (a JVM recording its class cache would print there)
        assertEquals(1, r.out().lines().count(), r.out());
    }

    @Test
    void anOldJavaHomeIsRefusedWithTheFix() throws Exception {
        Run r = launch(Map.of("JAVA_HOME", JAVA17.toString()));
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals(List.of("error: docker-checkpoint needs Java 21 or newer (found Java 17: JAVA_HOME=" + JAVA17 + ")",
                "hint: point JAVA_HOME at a JDK 21+ (openjdk-21-jre on Debian 13 and Ubuntu 22.04+), or unset it"),
                r.err().lines().toList());
    }

    @Test
    void dockerCheckpointJavaPicksTheJava() throws Exception {
        Run old = launch(Map.of("DOCKER_CHECKPOINT_JAVA", JAVA17.resolve("bin/java").toString()));
        assertEquals(1, old.exit());
        assertTrue(old.err().startsWith("error: docker-checkpoint needs Java 21 or newer (found Java 17: DOCKER_CHECKPOINT_JAVA="),
                old.err());
        Path current = Path.of(System.getProperty("java.home"), "bin", "java");
        Run r = launch(Map.of("DOCKER_CHECKPOINT_JAVA", current.toString()));
        assertEquals(0, r.exit(), r.err());
        assertEquals(System.getProperty("java.specification.version") + " --version,x", r.out().strip());
        assertNotEquals("17", r.out().split(" ")[0]);
    }
}
