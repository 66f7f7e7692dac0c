package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.dockercheckpoint.cli.Main;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.engine.Docker;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.HostTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared support for the end-to-end tests: the real Docker engine, runc and CRIU on this host.
 * With CI=true a missing engine or CRIU fails the run; elsewhere the tests are skipped with
 * the reason.
 */
public final class E2E {
    static final String BUSYBOX = "dcp-busybox:latest";
    /** busybox plus the static test programs locker and memhog (src/test/c). */
    static final String TOOLS = "dcp-tools:latest";
    static final String PREFIX = "dcp-e2e-";
    private static Engine engine;
    private static final List<String> CREATED = new ArrayList<>();

    private E2E() {
    }

    /** The engine on the real host, after checking that the host can run the tests. */
    static synchronized Engine engine() {
        if (engine == null) {
            String missing = missingPrerequisite();
            if (missing != null) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail("end-to-end prerequisites missing in CI: " + missing + " (run scripts/test as root)");
                }
                Assumptions.abort("end-to-end tests skipped: " + missing + " (run scripts/test as root)");
            }
            engine = Engine.local();
            ensureImages(engine.docker().client());
            Runtime.getRuntime().addShutdownHook(new Thread(E2E::removeAll));
        }
        return engine;
    }

    static DockerClient docker() {
        return engine().docker().client();
    }

    private static String missingPrerequisite() {
        if (!Posix.isRoot()) {
            return "not running as root";
        }
        if (HostTools.which("criu").isEmpty()) {
            return "criu not installed";
        }
        if (HostTools.which("runc").isEmpty()) {
            return "runc not installed";
        }
        try (Docker d = Docker.connect()) {
            if (!d.info().path("ExperimentalBuild").asBoolean(false)) {
                return "Docker engine is not in experimental mode";
            }
        } catch (RuntimeException e) {
            return "Docker engine not reachable (" + e.getMessage() + ")";
        }
        return null;
    }

    /** Builds the local test images when missing: busybox, and busybox plus the static locker program. */
    public static void ensureImages(DockerClient docker) {
        if (!imageExists(docker, BUSYBOX)) {
            importRootfs(BUSYBOX, List.of());
        }
        if (!imageExists(docker, TOOLS)) {
            importRootfs(TOOLS, List.of(compile("locker"), compile("memhog")));
        }
    }

    static boolean imageExists(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Path compile(String program) {
        try {
            Path out = Files.createTempDirectory("dcp-cc").resolve(program);
            run(List.of("gcc", "-static", "-O2", "-o", out.toString(),
                    Path.of("src/test/c/" + program + ".c").toAbsolutePath().toString()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void importRootfs(String tag, List<Path> binaries) {
        try {
            Path root = Files.createTempDirectory("dcp-rootfs");
            for (String d : List.of("bin", "tmp", "etc", "proc", "sys", "dev", "data")) {
                Files.createDirectories(root.resolve(d));
            }
            run(List.of("chmod", "1777", root.resolve("tmp").toString()));
            Path busybox = Path.of("/bin/busybox");
            Files.copy(busybox, root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            String applets = run(List.of("/bin/busybox", "--list"));
            for (String a : applets.split("\n")) {
                a = a.strip();
                if (!a.isEmpty() && !a.equals("busybox")) {
                    Files.createSymbolicLink(root.resolve("bin").resolve(a), Path.of("busybox"));
                }
            }
            Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
            for (Path binary : binaries) {
                Path target = root.resolve("bin").resolve(binary.getFileName().toString());
                Files.copy(binary, target);
                run(List.of("chmod", "0755", target.toString()));
            }
            Path tar = Files.createTempFile("dcp-rootfs", ".tar");
            run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
            run(List.of("docker", "import", tar.toString(), tag));
            run(List.of("rm", "-rf", root.toString(), tar.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String run(List<String> cmd) {
        Output o = runAllowingFailure(cmd);
        if (o.exit() != 0) {
            throw new IllegalStateException(cmd + " failed: " + o.text());
        }
        return o.text();
    }

    /** A command's exit code (-1 when it did not end within 5 minutes) and output (stdout and stderr). */
    record Output(int exit, String text) {
    }

    static Output runAllowingFailure(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Output(p.waitFor(5, TimeUnit.MINUTES) ? p.exitValue() : -1, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A fresh container name with the test prefix, remembered for cleanup. */
    static synchronized String name(String base) {
        String n = PREFIX + base + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        CREATED.add(n);
        return n;
    }

    /** Remembers a container name created by the code under test (e.g. a restore) for cleanup. */
    static synchronized void track(String name) {
        CREATED.add(name);
    }

    /** Starts a container with network mode none. */
    static String runContainer(String name, String image, String... cmd) {
        track(name);
        String id = docker().createContainerCmd(image).withName(name).withCmd(cmd)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        docker().startContainerCmd(id).exec();
        return id;
    }

    static void remove(String name) {
        // on Docker 28+ a restored container comes with the holder of its network namespace
        for (String n : List.of(name, name + "-netns")) {
            try {
                docker().removeContainerCmd(n).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        }
    }

    static synchronized void removeAll() {
        if (engine == null) {
            return;
        }
        for (String n : CREATED) {
            try {
                remove(n);
            } catch (RuntimeException e) {
                // best effort at shutdown
            }
        }
        CREATED.clear();
    }

    static boolean running(String name) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(name).exec().getState().getRunning());
    }

    static String status(String name) {
        return docker().inspectContainerCmd(name).exec().getState().getStatus();
    }

    /** stdout+stderr of the container's log. */
    static String logs(String name) {
        return logs(docker(), name);
    }

    /** stdout+stderr of the log of container {@code name} of engine {@code docker}. */
    static String logs(DockerClient docker, String name) {
        StringBuilder sb = new StringBuilder();
        try {
            docker.logContainerCmd(name).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (sb) {
                        sb.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            }).awaitCompletion(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (sb) {
            return sb.toString();
        }
    }

    /** All numbers N of lines "<prefix>N" in the container's log, in order. */
    static List<Long> numbers(String name, String prefix) {
        List<Long> values = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "(\\d+)$").matcher(logs(name));
        while (m.find()) {
            values.add(Long.parseLong(m.group(1)));
        }
        return values;
    }

    /** Waits until the container's log holds a "<prefix>N" line; returns the last N. */
    static long waitForNumber(String name, String prefix, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> values = numbers(name, prefix);
            if (!values.isEmpty() && values.get(values.size() - 1) >= atLeast) {
                return values.get(values.size() - 1);
            }
            if (System.nanoTime() > deadline) {
                fail("container " + name + " did not print " + prefix + ">=" + atLeast + " within " + timeout
                        + "; log:\n" + logs(name));
            }
            Thread.sleep(200);
        }
    }

    /** Waits until the container's log holds the line {@code line}. */
    static void waitForLine(String name, String line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(line) + "$");
        while (!p.matcher(logs(name)).find()) {
            if (System.nanoTime() > deadline) {
                fail("container " + name + " did not print " + line + " within " + timeout + "; log:\n" + logs(name));
            }
            Thread.sleep(200);
        }
    }

    /** Result of a command run inside a container. */
    record ExecResult(long exitCode, String output) {
    }

    static ExecResult exec(String container, String... cmd) throws InterruptedException {
        return exec(docker(), container, cmd);
    }

    /** A command run inside container {@code container} of engine {@code docker}. */
    static ExecResult exec(DockerClient docker, String container, String... cmd) throws InterruptedException {
        ExecCreateCmdResponse created = docker.execCreateCmd(container).withCmd(cmd).withAttachStdout(true)
                .withAttachStderr(true).exec();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        docker.execStartCmd(created.getId()).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                synchronized (buf) {
                    buf.writeBytes(frame.getPayload());
                }
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        Long code = docker.inspectExecCmd(created.getId()).exec().getExitCodeLong();
        synchronized (buf) {
            return new ExecResult(code == null ? -1 : code, buf.toString(StandardCharsets.UTF_8));
        }
    }

    /** Output of one in-process run of the command line. */
    record Cli(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        Cli result = new Cli(exit, out.toString(), err.toString());
        System.out.println("$ docker-checkpoint " + String.join(" ", Arrays.stream(args)
                .map(a -> a.chars().anyMatch(Character::isISOControl) ? "<ctrl>" : a).toList()) + "\n" + result);
        return result;
    }

    /** A new private (0700, root) base directory for checkpoints. */
    static Path newBaseDir() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "dcp-e2e-");
    }

    static void deleteTree(Path dir) {
        try {
            Posix.deleteTree(dir);
        } catch (IOException e) {
            // best effort
        }
    }

    /** Snapshot of a directory: relative path to size and mode, for "untouched" assertions. */
    static List<String> snapshot(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        try (var stream = Files.walk(dir)) {
            for (Path p : stream.sorted().toList()) {
                String rel = dir.relativize(p).toString();
                entries.add(rel + " " + (Files.isRegularFile(p) ? Files.size(p) : -1) + " " + Posix.mode(p) + " "
                        + (Files.isRegularFile(p) ? digest(p) : ""));
            }
        }
        return entries;
    }

    private static String digest(Path p) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
