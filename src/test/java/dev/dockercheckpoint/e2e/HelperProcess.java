package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.dockercheckpoint.client.HelperClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real helper process (the built jar) on its own socket, for the end-to-end tests. */
final class HelperProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/docker-checkpoint.jar").toAbsolutePath();
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Path dir;
    final Path socket;
    final Path stateDir;
    final Path log;
    final Path config;
    private boolean configured;
    private Process process;

    HelperProcess() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "dcp-helper-");
        // other users must reach the socket inside; the socket itself is 0660 root:docker
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("helper.sock");
        stateDir = dir.resolve("state");
        log = dir.resolve("helper.log");
        config = dir.resolve("helper.json");
    }

    /** Serves these base directories (its configuration file lists them; the first is its default). */
    HelperProcess serving(Path... baseDirs) throws IOException {
        StringBuilder json = new StringBuilder("{\"baseDirs\": [");
        for (int i = 0; i < baseDirs.length; i++) {
            json.append(i == 0 ? "" : ", ").append(dev.dockercheckpoint.core.Json.mapper()
                    .writeValueAsString(baseDirs[i].toString()));
        }
        Files.writeString(config, json.append("]}\n"));
        configured = true;
        return this;
    }

    /** Starts the helper and waits until it answers hello. */
    HelperProcess start(String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "helper", "--socket",
                socket.toString(), "--state-dir", stateDir.toString()));
        if (configured) {
            cmd.addAll(List.of("--config", config.toString()));
        }
        cmd.addAll(List.of(extraArgs));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try (HelperClient c = HelperClient.connectAndHello(socket, Duration.ofSeconds(30))) {
            return this;
        } catch (RuntimeException e) {
            fail("helper did not start: " + e.getMessage() + "\n" + log());
            return this;
        }
    }

    /** Waits up to {@code max} for {@code text} in the helper's log (repairs are logged beside the serving). */
    String awaitLog(String text, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!log().contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("the helper's log lacks \"" + text + "\" after " + max.toSeconds() + " s:\n" + log());
            }
            Thread.sleep(100);
        }
        return log();
    }

    /**
     * Writes a journal entry in this helper's state directory as a helper killed in the middle of
     * the operation would have left it (its writer gone).
     */
    dev.dockercheckpoint.engine.JournalEntry plantJournalEntry(dev.dockercheckpoint.engine.JournalEntry entry)
            throws IOException {
        Path journal = stateDir.resolve("journal");
        Files.createDirectories(journal);
        Files.setPosixFilePermissions(stateDir, dev.dockercheckpoint.core.Posix.DIR_PRIVATE);
        Files.setPosixFilePermissions(journal, dev.dockercheckpoint.core.Posix.DIR_PRIVATE);
        String id = "planted-" + Long.toString(System.nanoTime(), 36);
        var planted = entry.withId(id, new dev.dockercheckpoint.engine.JournalEntry.Pid(999_999_999L, 1, "gone"));
        dev.dockercheckpoint.core.CheckpointStore.writeJson(journal.resolve(id + ".json"), planted);
        return planted;
    }

    /** The journal entries left in this helper's state directory. */
    List<dev.dockercheckpoint.engine.JournalEntry> journal() {
        return dev.dockercheckpoint.engine.Journal.at(stateDir.resolve("journal")).entries();
    }

    long pid() {
        return process.pid();
    }

    HelperClient client() {
        return HelperClient.connect(socket);
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** kill -9 of the helper alone; returns the processes it had started, which keep running. */
    List<ProcessHandle> killHelperOnly() throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return children;
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        E2E.deleteTree(dir);
    }

    /** Runs the built jar as another user (with the helper's socket in DOCKER_CHECKPOINT_SOCKET). */
    E2E.Cli runAs(String user, String... args) throws IOException, InterruptedException {
        return runAsWithEnv(user, List.of(), args);
    }

    /** As {@link #runAs}, with {@code env} (NAME=VALUE) added to the command's environment. */
    E2E.Cli runAsWithEnv(String user, List<String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=/tmp",
                "DOCKER_CHECKPOINT_SOCKET=" + socket));
        cmd.addAll(env);
        cmd.addAll(List.of(JAVA, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        E2E.Cli r = new E2E.Cli(p.exitValue(), new String(out), new String(err));
        System.out.println("$ (as " + user + ") docker-checkpoint " + String.join(" ", args) + "\n" + r);
        return r;
    }

    /** Test users: one in group docker (as a supplementary group), one outside it. */
    static final String MEMBER = "dcp-member";
    static final String OUTSIDER = "dcp-outsider";

    static void ensureUsers() {
        for (String user : List.of(MEMBER, OUTSIDER)) {
            boolean exists;
            try {
                exists = new ProcessBuilder("id", "-u", user).start().waitFor() == 0;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!exists) {
                List<String> cmd = new ArrayList<>(List.of("useradd", "-M", "-s", "/usr/sbin/nologin"));
                if (user.equals(MEMBER)) {
                    cmd.addAll(List.of("-G", "docker"));
                }
                cmd.add(user);
                E2E.run(cmd);
            }
        }
    }
}
