package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.protocol.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The helper as a boundary between users, with a real helper process, real clients of other
 * users (a small Python client run with runuser) and the real engine: many connections at once,
 * a client that stops reading, cancels across users, dumps of different containers in parallel.
 */
@Tag("e2e")
class HelperBoundaryE2ETest {
    static final String MEMBER2 = "dcp-member2";
    private static final Path CLIENT = Path.of("src/test/resources/e2e/raw_client.py").toAbsolutePath();
    /** A Python process holding 512 MiB of touched memory, so that its dump takes a while. */
    private static final String BIG = "b = bytes(range(256)) * (2 << 20)\nimport time\nprint('ready', flush=True)\n"
            + "while True: time.sleep(1)";

    private static HelperProcess helper;
    private static Path base;

    @BeforeAll
    static void startHelper() throws Exception {
        E2E.engine();
        TestImages.ensure(E2E.docker(), TestImages.PYTHON);
        HelperProcess.ensureUsers();
        if (E2E.runAllowingFailure(List.of("id", "-u", MEMBER2)).exit() != 0) {
            E2E.run(List.of("useradd", "-M", "-s", "/usr/sbin/nologin", "-G", "docker", MEMBER2));
        }
        base = E2E.newBaseDir();
        helper = new HelperProcess();
        Path config = helper.dir.resolve("helper.json");
        Files.writeString(config, "{\"baseDirs\": [\"" + base + "\"], \"limits\": {\"queuedBytes\": 1048576}}\n");
        helper.start("--config", config.toString());
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (helper != null) {
            System.out.println("--- helper log\n" + helper.log());
            helper.close();
        }
        E2E.deleteTree(base);
    }

    /** Runs the Python client as {@code user}. */
    private static E2E.Cli python(String user, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", user, "--", "python3", CLIENT.toString(),
                helper.socket.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "python client finished");
        E2E.Cli r = new E2E.Cli(p.exitValue(), new String(out), new String(err));
        System.out.println("$ (as " + user + ") raw_client.py " + String.join(" ", args) + "\n" + r);
        return r;
    }

    private static String checkpointLine(String id, String container, String name) {
        return "{\"type\":\"checkpoint\",\"id\":\"" + id + "\",\"container\":\"" + container + "\",\"name\":\""
                + name + "\",\"dir\":\"" + base + "\"}";
    }

    private static String bigContainer(String kind) throws InterruptedException {
        String app = E2E.name(kind);
        E2E.runContainer(app, TestImages.PYTHON, "python3", "-u", "-c", BIG);
        E2E.waitForLine(app, "ready", Duration.ofSeconds(60));
        return app;
    }

    @Test
    void aHundredConnectionsOfAGroupMemberAtOnceAreAllAnswered() throws Exception {
        E2E.Cli many = python(HelperProcess.MEMBER, "many", "100");
        assertEquals(0, many.exit(), many.toString());
        assertTrue(many.out().contains("answered 100 results 100"), many.toString());
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileOthersWork() throws Exception {
        String stuckApp = E2E.name("stuck");
        String otherApp = E2E.name("busy");
        E2E.runContainer(stuckApp, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        E2E.runContainer(otherApp, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        try (HelperClient root = helper.client()) {
            root.checkpoint(new dev.dockercheckpoint.core.CheckpointRequest(otherApp, "log-source", base,
                    CheckpointOptions.defaults()), ProgressListener.NONE);
        }
        // the stuck client asks for a real checkpoint and for far more than a socket buffer holds
        List<String> lines = new ArrayList<>(List.of(checkpointLine("s0", stuckApp, "kept")));
        for (int i = 1; i <= 40; i++) {
            lines.add("{\"type\":\"read-log\",\"id\":\"s" + i + "\",\"container\":\"" + otherApp
                    + "\",\"name\":\"log-source\",\"log\":\"dump.log\",\"dir\":\"" + base + "\",\"maxLines\":100000}");
        }
        List<String> args = new ArrayList<>(List.of("stuck", "40"));
        args.addAll(lines);
        CountDownLatch sent = new CountDownLatch(1);
        Thread stuck = Thread.ofVirtual().start(() -> {
            try {
                sent.countDown();
                python(HelperProcess.MEMBER, args.toArray(String[]::new));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(sent.await(10, TimeUnit.SECONDS));
        long t = System.nanoTime();
        try (HelperClient root = helper.client()) {
            for (int i = 0; i < 3; i++) {
                CheckpointResult r = root.checkpoint(new dev.dockercheckpoint.core.CheckpointRequest(otherApp,
                        "meanwhile" + i, base, CheckpointOptions.defaults()), ProgressListener.NONE);
                assertTrue(Files.isDirectory(r.dir()));
            }
        }
        Duration others = Duration.ofNanos(System.nanoTime() - t);
        System.out.println("three checkpoints beside a stuck client: " + others.toMillis() + " ms");
        assertTrue(others.toSeconds() < 30, "others are not held up: " + others);
        waitFor("the helper drops the stuck client", () -> helper.log().contains("dropped connection")
                && helper.log().contains("of user " + HelperProcess.MEMBER));
        waitFor("the stuck client's checkpoint is written anyway",
                () -> Files.isDirectory(base.resolve(stuckApp).resolve("kept")));
        stuck.join(Duration.ofSeconds(60));
    }

    @Test
    void aMemberCannotCancelAnotherUsersOperationButCancelsItsOwn() throws Exception {
        String app = bigContainer("cancel");
        try (HelperClient root = helper.client()) {
            CountDownLatch dumping = new CountDownLatch(1);
            HelperClient.Operation op = root.start(new Request.Checkpoint(root.nextId(), app, "roots", base.toString(),
                    CheckpointOptions.defaults()), new ProgressListener() {
                        @Override
                        public void phase(String phase, double fraction) {
                            if (phase.startsWith("dumping")) {
                                dumping.countDown();
                            }
                        }
                    });
            assertTrue(dumping.await(60, TimeUnit.SECONDS));
            E2E.Cli denied = python(MEMBER2, "ask", "{\"type\":\"cancel\",\"id\":\"c\",\"target\":\"" + op.id() + "\"}");
            assertTrue(denied.out().contains("\"code\": \"PERMISSION_DENIED\""), denied.toString());
            CheckpointResult done = op.await(CheckpointResult.class);
            assertTrue(Files.isDirectory(done.dir()), "root's checkpoint went on");
        }
        // the member's own operation, cancelled from the same connection
        E2E.Cli own = python(MEMBER2, "cancel-own", checkpointLine("m1", app, "members"));
        assertTrue(own.out().contains("\"cancelled\": true"), own.toString());
        assertTrue(own.out().contains("\"code\": \"CANCELLED\""), own.toString());
        assertFalse(Files.exists(base.resolve(app).resolve("members")), "a cancelled checkpoint leaves nothing");
        assertTrue(E2E.running(app));
        assertTrue(helper.log().contains("user=" + MEMBER2) && helper.log().contains("cancel target="),
                "audit lines name the user and the request");
    }

    @Test
    void dumpsOfDifferentContainersRunAtTheSameTime() throws Exception {
        String a = bigContainer("par-a");
        String b = bigContainer("par-b");
        Map<String, Long> dumpStarted = new ConcurrentHashMap<>();
        Map<String, Long> dumpEnded = new ConcurrentHashMap<>();
        try (HelperClient ca = helper.client(); HelperClient cb = helper.client()) {
            List<HelperClient.Operation> ops = new ArrayList<>();
            for (var pair : List.of(Map.entry(ca, a), Map.entry(cb, b))) {
                String app = pair.getValue();
                ops.add(pair.getKey().start(new Request.Checkpoint(pair.getKey().nextId(), app, "par", base.toString(),
                        CheckpointOptions.defaults()), new ProgressListener() {
                            @Override
                            public void phase(String phase, double fraction) {
                                if (phase.startsWith("dumping")) {
                                    dumpStarted.put(app, System.nanoTime());
                                } else if (phase.startsWith("writing container.json")) {
                                    dumpEnded.put(app, System.nanoTime());
                                }
                            }
                        }));
            }
            for (HelperClient.Operation op : ops) {
                assertNotNull(op.await(CheckpointResult.class));
            }
        }
        long overlapStart = Math.max(dumpStarted.get(a), dumpStarted.get(b));
        long overlapEnd = Math.min(dumpEnded.get(a), dumpEnded.get(b));
        System.out.printf("two dumps: overlap %d ms (a %d ms, b %d ms)%n", (overlapEnd - overlapStart) / 1_000_000,
                (dumpEnded.get(a) - dumpStarted.get(a)) / 1_000_000, (dumpEnded.get(b) - dumpStarted.get(b)) / 1_000_000);
        assertTrue(overlapStart < overlapEnd, "both dumps were running at one moment");
        try (HelperClient c = helper.client()) {
            List<CheckpointSummary> listed = c.listCheckpoints(base);
            assertTrue(listed.stream().filter(s -> s.name().equals("par")).count() == 2, listed.toString());
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what + "\n" + helper.log());
            }
            Thread.sleep(100);
        }
    }
}
