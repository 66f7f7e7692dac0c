package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real applications (Redis, nginx, a JVM, Python; images built from the host's Debian packages by
 * {@link TestImages}) with state in them: checkpoint through the command line without
 * leave-running, remove the original, restore into a new container, find the state there.
 *
 * <p>Every workload process runs as root (uid 0, gid 0): on the test machines root lacks
 * CAP_SYS_RESOURCE, and CRIU then cannot dump a process of another uid or gid ("Can't get rlimit 0:
 * Operation not permitted"). Hence redis as root and nginx with {@code user root;} for its workers.
 */
@Tag("e2e")
class RealApplicationsE2ETest extends BaseDirE2E {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, String> TIMINGS = new LinkedHashMap<>();

    @BeforeAll
    static void buildImages() {
        TestImages.ensure(E2E.docker(), TestImages.REDIS, TestImages.NGINX, TestImages.PYTHON, TestImages.JVM);
    }

    @AfterAll
    static void printTimings() {
        System.out.println("image builds (ms, only images built in this run): " + TestImages.buildMillis());
        TIMINGS.forEach((app, t) -> System.out.println("timings " + app + ": " + t));
    }

    // ------------------------------------------------------------------ Redis

    /**
     * redis-server and a client holding one TCP connection to it over the container's loopback, both
     * children of the container's init shell (a docker exec'd client would not be in the dump).
     */
    static final String REDIS_WITH_CLIENT = "redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no & "
            + "until redis-cli ping >/dev/null 2>&1; do sleep 0.1; done; "
            + "redis-cli -r -1 -i 0.2 INCR ticks >/dev/null & wait";

    @Test
    void redisKeepsItsKeysAndAClientConnection() throws Exception {
        String app = E2E.name("redis");
        E2E.runContainer(app, TestImages.REDIS, "sh", "-c", REDIS_WITH_CLIENT);
        waitFor("the INCR client runs", () -> redis(app, "GET", "ticks").matches("\\d+"));

        E2E.ExecResult load = E2E.exec(app, "sh", "-c", "i=0; while [ $i -lt 5000 ]; do echo \"SET key:$i value-$i\";"
                + " i=$((i+1)); done | redis-cli --pipe");
        System.out.println("redis-cli --pipe: " + load.output().strip());
        assertEquals(0, load.exitCode(), load.output());
        assertTrue(load.output().contains("errors: 0, replies: 5000"), load.output());
        assertEquals("5001", redis(app, "DBSIZE"), "5000 keys and the counter");

        String pid = exec(app, "pidof", "redis-server");
        RedisClient before = incrClient(app);
        long ticksBefore = Long.parseLong(redis(app, "GET", "ticks"));
        System.out.println("before checkpoint: redis-server pid " + pid + ", INCR client " + before + ", ticks "
                + ticksBefore);

        Path dir = checkpoint(app, "redis");
        E2E.remove(app);
        String restored = restore(app, "redis");

        assertEquals("5001", redis(restored, "DBSIZE"), "all keys restored");
        assertEquals("value-0\nvalue-1234\nvalue-2500\nvalue-4999",
                redis(restored, "MGET", "key:0", "key:1234", "key:2500", "key:4999"), "sample of values");
        assertEquals(pid, exec(restored, "pidof", "redis-server"), "the restored server, not a new one");
        long ticksAfter = Long.parseLong(redis(restored, "GET", "ticks"));
        assertTrue(ticksAfter >= ticksBefore, "counter " + ticksAfter + " continues from " + ticksBefore);
        waitFor("the INCR client keeps counting after the restore",
                () -> Long.parseLong(redis(restored, "GET", "ticks")) > ticksAfter + 2);
        RedisClient after = incrClient(restored);
        System.out.println("after restore: INCR client " + after + ", ticks " + redis(restored, "GET", "ticks"));
        assertEquals(before.id(), after.id(), "the same client (a reconnect gets a new id)");
        assertEquals(before.addr(), after.addr(), "the same TCP connection (same source port)");
        assertTrue(after.age() >= before.age(), "the connection is as old as before the checkpoint or older");
        assertTrue(E2E.logs(restored).lines().noneMatch(l -> l.contains("Ready to accept connections")),
                "redis did not start afresh in the restored container:\n" + E2E.logs(restored));
        assertTrue(Files.readString(dir.resolve("dump.log")).contains("TCP_ESTABLISHED"),
                "CRIU dumped the established connection");
    }

    record RedisClient(long id, String addr, long age) {
    }

    /** The client connection whose last command was INCR, from CLIENT LIST. */
    private static RedisClient incrClient(String container) throws InterruptedException {
        String list = redis(container, "CLIENT", "LIST");
        for (String line : list.lines().toList()) {
            if (line.contains(" cmd=incr ")) {
                return new RedisClient(Long.parseLong(field(line, "id")), field(line, "addr"),
                        Long.parseLong(field(line, "age")));
            }
        }
        return fail("no INCR client in CLIENT LIST:\n" + list);
    }

    private static String field(String clientLine, String key) {
        Matcher m = Pattern.compile("(?:^| )" + key + "=(\\S*)").matcher(clientLine);
        assertTrue(m.find(), key + " in " + clientLine);
        return m.group(1);
    }

    private static String redis(String container, String... command) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(List.of(command));
        return exec(container, cmd.toArray(String[]::new));
    }

    // ------------------------------------------------------------------ nginx

    @Test
    void nginxServesTheSameFilesFromTheSameProcesses() throws Exception {
        String app = E2E.name("nginx");
        E2E.runContainer(app, TestImages.NGINX);
        waitFor("nginx answers", () -> wget(app, "/file").exitCode() == 0);
        assertEquals(TestImages.NGINX_FILE, wget(app, "/file").output());
        String runtime = "written at run time " + System.nanoTime() + "\n";
        assertEquals(0, E2E.exec(app, "sh", "-c", "printf '" + runtime.strip() + "\\n' > /srv/www/runtime.txt")
                .exitCode());
        assertEquals(runtime, wget(app, "/runtime.txt").output());
        List<String> processes = nginxProcesses(app);
        System.out.println("before checkpoint: " + processes);
        assertEquals(3, processes.size(), "a master and two workers: " + processes);

        checkpoint(app, "nginx");
        E2E.remove(app);
        String restored = restore(app, "nginx");

        E2E.ExecResult file = wget(restored, "/file");
        System.out.println("after restore: wget /file exit " + file.exitCode() + ": " + file.output().strip());
        assertEquals(0, file.exitCode(), file.output());
        assertEquals(TestImages.NGINX_FILE, file.output());
        assertEquals(runtime, wget(restored, "/runtime.txt").output(), "the file written at run time is served");
        List<String> after = nginxProcesses(restored);
        System.out.println("after restore: " + after);
        assertEquals(processes, after, "the master and workers are the restored ones (same PIDs)");
        String log = E2E.logs(restored);
        assertFalse(log.contains("start worker process"), "nginx did not start afresh:\n" + log);
        waitFor("the restored workers write the access log to the restored stdout",
                () -> E2E.logs(restored).contains("\"GET /runtime.txt HTTP/1.1\" 200"));
    }

    private static E2E.ExecResult wget(String container, String path) throws InterruptedException {
        return E2E.exec(container, "wget", "-qO-", "http://127.0.0.1:8080" + path);
    }

    /** "PID command" of the nginx processes, from busybox ps. */
    private static List<String> nginxProcesses(String container) throws InterruptedException {
        return exec(container, "ps", "-o", "pid,args").lines().map(String::strip)
                .filter(l -> l.contains("nginx: ")).map(l -> l.replaceAll("\\s+", " ")).toList();
    }

    // ------------------------------------------------------------------ JVM and Python

    @Test
    void jvmCounterContinuesAndItsOpenFileStaysUsable() throws Exception {
        counterContinuesAndOpenFileStaysUsable("jvm", TestImages.JVM, "token");
    }

    @Test
    void pythonDictAndCounterContinueAndItsOpenFileStaysUsable() throws Exception {
        counterContinuesAndOpenFileStaysUsable("python", TestImages.PYTHON, "sum");
    }

    private static final Pattern TICK = Pattern.compile("(?m)^tick (\\d+) state (\\S+)");

    /**
     * The workloads of src/test/apps: a counter and a state (random token, or dict checksum) printed
     * every 200 ms, and /tmp/state.txt held open; /tmp/poke makes them append to it and read it back.
     */
    private void counterContinuesAndOpenFileStaysUsable(String kind, String image, String stateWord)
            throws Exception {
        String app = E2E.name(kind);
        E2E.runContainer(app, image);
        waitFor(kind + " ticks", () -> ticks(app).size() >= 3);
        String state = ticks(app).getFirst()[1];
        String opened = "opened by pid 1 " + stateWord + " " + state;
        assertEquals(opened, exec(app, "cat", "/tmp/state.txt"));
        String poked = poke(app, opened);
        List<String[]> ticks = ticks(app);
        assertTrue(ticks.stream().allMatch(t -> t[1].equals(state)), "state stays " + state);
        long lastBefore = Long.parseLong(ticks.getLast()[0]);
        System.out.println("before checkpoint: tick " + lastBefore + ", state " + state + ", file " + poked);

        checkpoint(app, kind);
        // without leave-running the original is stopped: its last tick is the checkpointed one
        long checkpointed = Long.parseLong(ticks(app).getLast()[0]);
        assertTrue(checkpointed >= lastBefore);
        E2E.remove(app);
        String restored = restore(app, kind);

        waitFor(kind + " ticks after restore", () -> !ticks(restored).isEmpty()
                && Long.parseLong(ticks(restored).getLast()[0]) >= checkpointed + 3);
        List<String[]> after = ticks(restored);
        long first = Long.parseLong(after.getFirst()[0]);
        System.out.println("after restore: first tick " + first + " (checkpointed at " + checkpointed + "), state "
                + after.getFirst()[1]);
        assertTrue(first >= checkpointed && first <= checkpointed + 2,
                "the counter continues from " + checkpointed + ", not from 0: first restored tick " + first);
        for (String[] t : after) {
            assertEquals(state, t[1], "the in-memory state is the checkpointed one");
        }
        String fds = exec(restored, "ls", "-l", "/proc/1/fd");
        System.out.println("after restore: /proc/1/fd\n" + fds);
        assertTrue(fds.contains("-> /tmp/state.txt"), "the file is open in the restored process:\n" + fds);
        String again = poke(restored, poked);
        System.out.println("after restore: file " + again);
        assertEquals(again.replace('|', '\n'), exec(restored, "cat", "/tmp/state.txt"),
                "the process writes the file of the restored container's filesystem");
    }

    /** Asks the workload to append to its open file and read it back; returns what it read. */
    private static String poke(String container, String expectedPrefix) throws Exception {
        int before = pokes(container).size();
        assertEquals(0, E2E.exec(container, "touch", "/tmp/poke").exitCode());
        waitFor("the workload answers the poke", () -> pokes(container).size() > before);
        String read = pokes(container).getLast();
        assertTrue(read.startsWith(expectedPrefix.replace('\n', '|') + "|poked at tick "),
                "read back through the open descriptor: " + read + " (expected " + expectedPrefix + " first)");
        return read;
    }

    private static List<String> pokes(String container) {
        return E2E.logs(container).lines().filter(l -> l.startsWith("file ")).map(l -> l.substring(5)).toList();
    }

    private static List<String[]> ticks(String container) {
        List<String[]> ticks = new ArrayList<>();
        Matcher m = TICK.matcher(E2E.logs(container));
        while (m.find()) {
            ticks.add(new String[] {m.group(1), m.group(2)});
        }
        return ticks;
    }

    // ------------------------------------------------------------------ shared

    /** Checkpoints without leave-running (tcp on by default) and checks the original stopped. */
    private Path checkpoint(String app, String kind) throws Exception {
        long t = System.nanoTime();
        E2E.Cli dump = E2E.cli("-container", app, "-name", "cp1", "-leave-running=false", "-dir", base.toString());
        long wall = (System.nanoTime() - t) / 1_000_000;
        Path dir = base.resolve(app).resolve("cp1");
        if (dump.exit() != 0) {
            printLog(base.resolve(app).resolve("cp1.failed-dump.log"));
        }
        assertEquals(0, dump.exit(), dump.toString());
        assertFalse(E2E.running(app), "without leave-running the original is stopped");
        Manifest m = new CheckpointStore(base).open(app, "cp1").manifest();
        assertTrue(m.options().tcpEstablished() && !m.options().leaveRunning(), m.options().toString());
        TIMINGS.put(kind, "checkpoint wall " + wall + " ms, container.json " + m.timingsMillis()
                + ", frozen " + m.downtimeMillis() + " ms, size " + E2E.run(List.of("du", "-sh", dir.toString()))
                .split("\\s")[0]);
        return dir;
    }

    /** Restores the checkpoint into a new container and checks the command line's verification passed. */
    private String restore(String app, String kind) throws Exception {
        String restored = E2E.name(kind + "-restored");
        long t = System.nanoTime();
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "cp1", "-new-name", restored,
                "-dir", base.toString());
        long wall = (System.nanoTime() - t) / 1_000_000;
        if (restore.exit() != 0) {
            printLog(base.resolve(app).resolve("cp1").resolve("restore.log"));
        }
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(E2E.running(restored));
        Matcher total = Pattern.compile("restored \\(id \\w+\\) in ([\\d.]+) s").matcher(restore.out());
        Matcher criu = Pattern.compile("CRIU restore time: ([\\d.]+) ms").matcher(restore.out());
        TIMINGS.merge(kind, "; restore wall " + wall + " ms, CLI total " + (total.find() ? total.group(1) + " s" : "?")
                + ", CRIU restore " + (criu.find() ? criu.group(1) + " ms" : "?"), String::concat);
        return restored;
    }

    /** The error lines and the last lines of a CRIU log, to see the cause of a failure in the test output. */
    private static void printLog(Path log) throws Exception {
        if (!Files.isRegularFile(log)) {
            System.out.println("no log at " + log);
            return;
        }
        List<String> lines = Files.readAllLines(log);
        System.out.println("--- " + log + " (errors and last 40 lines)");
        lines.stream().filter(l -> l.contains("Error") || l.contains("Warn")).limit(40).forEach(System.out::println);
        System.out.println("...");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
    }

    /** Output of a command in the container, stripped; fails when it exits non-zero. */
    private static String exec(String container, String... cmd) throws InterruptedException {
        E2E.ExecResult r = E2E.exec(container, cmd);
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + " in " + container + ": " + r.output());
        return r.output().strip();
    }

    private static void waitFor(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(100);
        }
        fail("timed out after " + WAIT + " waiting until " + what + (last == null ? "" : ": " + last), last);
    }
}
