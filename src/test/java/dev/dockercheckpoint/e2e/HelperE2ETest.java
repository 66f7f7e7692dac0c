package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The helper as a real process on a real Unix socket, driving the real engine. */
@Tag("e2e")
class HelperE2ETest {
    private static HelperProcess helper;
    /** A private directory holding the base directories the helper serves. */
    private static Path root;
    /** The helper's default base directory. */
    private static Path base;
    /** The base directories the tests use, all listed in the helper's configuration. */
    static final List<String> SERVED = List.of("member", "concurrent", "crash", "gone", "cancel", "diagnose", "seq",
            "busy", "with spaces/base dir");
    /** A served directory under a link, and where the link points. */
    private static Path linkedBase;
    private static Path linkTarget;

    @BeforeAll
    static void startHelper() throws Exception {
        E2E.engine();
        HelperProcess.ensureUsers();
        root = E2E.newBaseDir();
        base = root.resolve("seed");
        linkTarget = Files.createDirectory(root.resolve("linked-target"));
        Files.setPosixFilePermissions(linkTarget, Posix.DIR_PRIVATE);
        Files.createSymbolicLink(root.resolve("linked"), linkTarget);
        linkedBase = root.resolve("linked/base");
        List<Path> served = new ArrayList<>(List.of(base));
        SERVED.forEach(n -> served.add(root.resolve(n)));
        served.add(linkedBase);
        helper = new HelperProcess().serving(served.toArray(Path[]::new)).start();
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (helper != null) {
            System.out.println("--- helper log\n" + helper.log());
            helper.close();
        }
        E2E.deleteTree(root);
    }

    /** Records every event in arrival order. */
    static final class Recorder implements ProgressListener {
        final List<Object> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void phase(String phase, double fraction) {
            events.add(fraction);
        }

        @Override
        public void logLine(String line) {
            events.add("log:" + line);
        }

        @Override
        public void check(CheckResult result) {
            events.add(result);
        }

        List<Double> fractions() {
            synchronized (events) {
                return events.stream().filter(Double.class::isInstance).map(Double.class::cast).toList();
            }
        }

        List<CheckResult> checks() {
            synchronized (events) {
                return events.stream().filter(CheckResult.class::isInstance).map(CheckResult.class::cast).toList();
            }
        }

        long logLines() {
            synchronized (events) {
                return events.stream().filter(e -> e instanceof String s && s.startsWith("log:")).count();
            }
        }
    }

    @Test
    void socketIsRootGroupDocker0660() throws IOException {
        assertEquals(0660, Posix.mode(helper.socket) & 0777);
        assertEquals(0, Posix.ownerUid(helper.socket));
        GroupPrincipal group = (GroupPrincipal) Files.getAttribute(helper.socket, "posix:group",
                LinkOption.NOFOLLOW_LINKS);
        assertEquals("docker", group.getName());
    }

    @Test
    void seedWorkflowAndEveryRequestThroughTheHelper() throws Exception {
        String app = E2E.name("helper-seed");
        BlockingQueue<Message.ContainerChanged> changes = new LinkedBlockingQueue<>();
        try (HelperClient client = helper.client()) {
            HelloInfo hello = client.hello();
            assertEquals(1, hello.protocolVersion());
            assertEquals("root", hello.user());
            assertTrue(hello.capabilities().isOk("docker"), hello.toString());

            try (AutoCloseable sub = client.subscribe(changes::add)) {
                E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c",
                        "i=0; while true; do echo h-$i; i=$((i+1)); sleep 1; done");
                Message.ContainerChanged started = poll(changes, app, "start");
                assertEquals(app, started.name());
            }
            List<ContainerSummary> running = client.listContainers(false);
            assertTrue(running.stream().anyMatch(c -> c.name().equals(app) && "running".equals(c.state())));
            E2E.waitForNumber(app, "h-", 2, Duration.ofSeconds(20));

            Recorder dumpEvents = new Recorder();
            CheckpointResult cp = client.checkpoint(new CheckpointRequest(app, "checkpoint1", base,
                    CheckpointOptions.defaults()), dumpEvents);
            assertTrue(Files.isDirectory(cp.dir()));
            assertIncreasing(dumpEvents.fractions());
            assertEquals(1.0, dumpEvents.fractions().getLast());
            assertTrue(dumpEvents.logLines() > 10, "CRIU's log lines streamed: " + dumpEvents.logLines());
            long checkpointed = E2E.numbers(app, "h-").getLast();

            List<CheckpointSummary> listed = client.listCheckpoints(base);
            assertTrue(listed.stream().anyMatch(s -> s.container().equals(app) && s.name().equals("checkpoint1")
                    && s.sizeBytes() > 0), listed.toString());
            CheckpointDetails details = client.details(base, app, "checkpoint1");
            List<String> files = details.files().stream().map(CheckpointDetails.FileEntry::name).toList();
            assertTrue(files.containsAll(List.of("container.json", "dump.log", "inventory.img", "pstree.img")), files
                    .toString());
            assertEquals(app, details.manifest().containerName());

            // the whole dump.log, in pages
            StringBuilder paged = new StringBuilder();
            long offset = 0;
            int pages = 0;
            LogPage page;
            do {
                page = client.readLog(base, app, "checkpoint1", "dump.log", offset, 200);
                page.lines().forEach(l -> paged.append(l).append('\n'));
                offset = page.nextOffset();
                pages++;
            } while (!page.eof());
            assertTrue(pages > 1);
            assertEquals(Files.readString(cp.dir().resolve("dump.log")), paged.toString());
            DcpException badLog = assertThrows(DcpException.class,
                    () -> client.readLog(base, app, "checkpoint1", "../../etc/shadow", 0, 10));
            assertEquals(ErrorCode.INVALID_INPUT, badLog.code());

            E2E.remove(app);
            String restored = E2E.name("helper-restored");
            Recorder restoreEvents = new Recorder();
            RestoreResult rr = client.restore(new RestoreRequest(app, "checkpoint1", base, restored), restoreEvents);
            assertTrue(rr.verification().passed(), rr.verification().toString());
            List<String> checkOrder = restoreEvents.checks().stream().map(CheckResult::name).toList();
            assertEquals(List.of("Container status", "Process running", "Docker API responds", "Logs available",
                    "Stats produced"), checkOrder, "the five checks arrive one by one, in order");
            assertIncreasing(restoreEvents.fractions());
            E2E.waitForNumber(restored, "h-", checkpointed + 1, Duration.ofSeconds(20));
            assertTrue(E2E.numbers(restored, "h-").getFirst() >= checkpointed);

            VerificationReport again = client.verify(restored, ProgressListener.NONE);
            assertTrue(again.passed(), again.toString());
            DoctorReport doctor = client.doctor();
            assertTrue(doctor.isOk("criu"), doctor.toString());
            assertFalse(client.cancel("no-such-request"));

            client.delete(base, app, "checkpoint1");
            assertFalse(Files.exists(cp.dir()));
            assertTrue(client.listCheckpoints(base).stream().noneMatch(s -> s.container().equals(app)));
        }
    }

    private static Message.ContainerChanged poll(BlockingQueue<Message.ContainerChanged> q, String name,
            String action) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Message.ContainerChanged c = q.poll(1, TimeUnit.SECONDS);
            if (c != null && c.name().equals(name) && c.action().equals(action)) {
                return c;
            }
        }
        throw new AssertionError("no '" + action + "' event for " + name);
    }

    private static void assertIncreasing(List<Double> fractions) {
        assertFalse(fractions.isEmpty());
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress goes forward: " + fractions);
        }
    }

    /** A raw protocol client: lines out, lines in. */
    static final class Raw implements AutoCloseable {
        final SocketChannel ch;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Raw(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        }

        void send(String text) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        String readLine() throws IOException {
            ByteBuffer one = ByteBuffer.allocate(1);
            while (true) {
                one.clear();
                if (ch.read(one) < 0) {
                    return null;
                }
                byte b = one.get(0);
                if (b == '\n') {
                    String s = pending.toString(StandardCharsets.UTF_8);
                    pending.reset();
                    return s;
                }
                pending.write(b);
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    void malformedInputIsAnsweredAndTheHelperKeepsServing() throws Exception {
        try (Raw raw = new Raw(helper.socket)) {
            String[][] cases = {
                {"{not json\n", "malformed request"},
                {"{\"type\":\"launch-missiles\",\"id\":\"a\"}\n", "unknown request type \"launch-missiles\""},
                {"{\"id\":\"b\"}\n", "missing \"type\""},
                {"{\"type\":\"checkpoint\",\"id\":\"c\"}\n", "missing field \"container\""},
                {"{\"type\":\"doctor\",\"id\":\"d\",\"evil\":true}\n", "unknown field \"evil\""},
                {"{\"type\":\"checkpoint\",\"id\":\"e\",\"container\":\"../etc\"}\n", "invalid container name"},
                {"{\"type\":\"list-checkpoints\",\"id\":\"f\",\"dir\":\"relative/dir\"}\n", "absolute path"},
                {"{\"type\":\"read-log\",\"id\":\"g\",\"container\":\"a\",\"name\":\"b\",\"log\":\"x\"}\n", "unknown log"},
                {"{\"type\":\"hello\",\"id\":\"h\",\"protocolVersion\":99}\n", "protocol version 99"},
                {"[1,2,3]\n", "malformed request"},
                {"{\"type\":\"doctor\"}\n", "missing field \"id\""},
                {"{\"type\":\"doctor\",\"id\":\"\"}\n", "valid \"id\""},
            };
            for (String[] c : cases) {
                raw.send(c[0]);
                String reply = raw.readLine();
                com.fasterxml.jackson.databind.JsonNode m = dev.dockercheckpoint.protocol.Protocol.lenient()
                        .readTree(reply);
                assertEquals("error", m.path("type").asText(), c[0].strip() + " -> " + reply);
                assertEquals(c[1].startsWith("protocol version") ? "UNSUPPORTED" : "INVALID_INPUT",
                        m.path("code").asText(), reply);
                assertTrue(m.path("message").asText().contains(c[1]), c[0].strip() + " -> " + reply);
                assertFalse(m.path("hint").asText().isEmpty(), reply);
            }
            raw.send("x".repeat(70_000) + "\n");
            assertTrue(raw.readLine().contains("longer than 65536 bytes"));
            // the same connection still works
            raw.send("{\"type\":\"list-containers\",\"id\":\"ok\"}\n");
            String ok = raw.readLine();
            assertTrue(ok.contains("\"type\":\"result\"") && ok.contains("\"id\":\"ok\""), ok);
        }
        // and so does a second client
        try (HelperClient second = helper.client()) {
            assertEquals(1, second.hello().protocolVersion());
        }
    }

    @Test
    void accessIsCheckedWithPeerCredentials() throws Exception {
        String app = E2E.name("helper-acl");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        Path memberBase = root.resolve("member");

        // a member of group docker (supplementary group) is served, without root
        E2E.Cli member = helper.runAs(HelperProcess.MEMBER, "-container", app, "-name", "m1", "-dir",
                memberBase.toString());
        assertEquals(0, member.exit(), member.toString());
        assertTrue(Files.isDirectory(memberBase.resolve(app).resolve("m1")));
        assertEquals(0, Posix.ownerUid(memberBase.resolve(app).resolve("m1")), "written by root, not the user");

        // an outsider cannot even open the 0660 socket
        E2E.Cli denied = helper.runAs(HelperProcess.OUTSIDER, "-container", app, "-name", "o1", "-dir",
                memberBase.toString());
        assertEquals(1, denied.exit(), denied.toString());
        assertTrue(denied.err().contains("not allowed"), denied.toString());
        assertTrue(denied.err().contains("group docker"), denied.toString());

        // with the socket opened up by mistake, the helper's own peer-credential check refuses
        Files.setPosixFilePermissions(helper.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            E2E.Cli refused = helper.runAs(HelperProcess.OUTSIDER, "-container", app, "-name", "o2", "-dir",
                    memberBase.toString());
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("is not a member of group docker"), refused.toString());
            assertFalse(Files.exists(memberBase.resolve(app).resolve("o2")));
            assertTrue(helper.log().contains("refused connection from user " + HelperProcess.OUTSIDER),
                    helper.log());
        } finally {
            Files.setPosixFilePermissions(helper.socket, PosixFilePermissions.fromString("rw-rw----"));
        }
        // root is served
        try (HelperClient root = helper.client()) {
            assertEquals("root", root.hello().user());
        }
    }

    @Test
    void helperRefusesToStartWithoutRootOrGroupOrOverALiveHelper() throws Exception {
        E2E.Cli notRoot = helper.runAs(HelperProcess.MEMBER, "helper", "--socket",
                helper.dir.resolve("other.sock").toString());
        assertEquals(1, notRoot.exit(), notRoot.toString());
        assertTrue(notRoot.err().contains("must run as root"), notRoot.toString());

        E2E.Cli noGroup = E2E.cli("helper", "--socket", helper.dir.resolve("g.sock").toString(), "--group",
                "dcp-no-such-group");
        assertEquals(1, noGroup.exit(), noGroup.toString());
        assertTrue(noGroup.err().contains("group dcp-no-such-group does not exist"), noGroup.toString());

        E2E.Cli twice = E2E.cli("helper", "--socket", helper.socket.toString());
        assertEquals(1, twice.exit(), twice.toString());
        assertTrue(twice.err().contains("already running"), twice.toString());
        try (HelperClient still = helper.client()) {
            assertEquals(1, still.hello().protocolVersion(), "the running helper is untouched");
        }
    }

    @Test
    void twentyConcurrentRequestsOverFiveContainersEndInSuccessOrBusy() throws Exception {
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String app = E2E.name("conc" + i);
            E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo c-$i; i=$((i+1)); sleep 1; done");
            apps.add(app);
        }
        for (String app : apps) {
            E2E.waitForNumber(app, "c-", 0, Duration.ofSeconds(20));
        }
        Path concBase = root.resolve("concurrent");
        List<HelperClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(helper.client());
        }
        try {
            List<HelperClient.Operation> ops = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String app = apps.get(i % 5);
                HelperClient client = clients.get(i % 4);
                String name = "cp" + i;
                names.add(app + "/" + name);
                ops.add(client.start(new dev.dockercheckpoint.protocol.Request.Checkpoint(client.nextId(), app, name,
                        concBase.toString(), CheckpointOptions.defaults()), ProgressListener.NONE));
            }
            int ok = 0;
            int busy = 0;
            List<String> succeeded = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                try {
                    ops.get(i).await(CheckpointResult.class);
                    ok++;
                    succeeded.add(names.get(i));
                } catch (DcpException e) {
                    assertEquals(ErrorCode.BUSY, e.code(), names.get(i) + ": " + e.getMessage());
                    busy++;
                }
            }
            System.out.println("concurrency: " + ok + " succeeded, " + busy + " busy");
            assertEquals(20, ok + busy);
            assertTrue(ok >= 5, "at least one checkpoint per container: " + ok);
            List<CheckpointSummary> listed = clients.get(0).listCheckpoints(concBase);
            assertEquals(ok, listed.size(), "exactly the successful checkpoints are stored");
            for (CheckpointSummary s : listed) {
                assertTrue(succeeded.contains(s.container() + "/" + s.name()), s.toString());
                assertTrue(Files.readString(s.dir().resolve("dump.log")).contains("Dumping finished successfully"));
                assertEquals(s.container(), clients.get(0).details(concBase, s.container(), s.name()).manifest()
                        .containerName());
            }
            for (String app : apps) {
                try (var entries = Files.list(concBase.resolve(app))) {
                    assertTrue(entries.noneMatch(p -> p.getFileName().toString().contains(".partial-")));
                }
                assertTrue(E2E.running(app));
            }
        } finally {
            for (HelperClient c : clients) {
                c.close();
            }
        }
    }

    /** Plants what others might have left in {@code containerDir}: a temporary directory and a link to one. */
    private static List<Path> plantForeign(Path containerDir, Path outside) throws IOException {
        Path foreign = containerDir.resolve(".x" + dev.dockercheckpoint.core.CheckpointStore.PARTIAL_MARKER + "1");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("theirs"), "theirs");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("precious"), "keep");
        Path link = Files.createSymbolicLink(containerDir.resolve(".cp" + dev.dockercheckpoint.core.CheckpointStore
                .PARTIAL_MARKER + "link"), outside);
        return List.of(foreign, link);
    }

    private static void assertForeignUntouched(List<Path> planted, Path outside) throws IOException {
        assertEquals("theirs", Files.readString(planted.get(0).resolve("theirs")));
        assertTrue(Files.isSymbolicLink(planted.get(1)), "the link is left alone");
        assertEquals("keep", Files.readString(outside.resolve("precious")));
    }

    private static List<String> partials(Path containerDir) throws IOException {
        try (var entries = Files.list(containerDir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".cp.partial-"))
                    .filter(n -> !n.endsWith("-link")).toList();
        }
    }

    /** Starts a checkpoint of {@code app} on {@code victim} and returns once CRIU has frozen the container. */
    private static HelperClient dumpUntilFrozen(HelperProcess victim, String app, Path crashBase) throws Exception {
        BlockingQueue<String> logLines = new LinkedBlockingQueue<>();
        HelperClient client = victim.client();
        client.start(new dev.dockercheckpoint.protocol.Request.Checkpoint(client.nextId(), app, "cp",
                crashBase.toString(), CheckpointOptions.defaults()), new ProgressListener() {
                    @Override
                    public void logLine(String line) {
                        logLines.add(line);
                    }
                });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean frozen = false;
        while (!frozen && System.nanoTime() < deadline) {
            String line = logLines.poll(1, TimeUnit.SECONDS);
            // cgroup v1 says freezer.state=FROZEN, cgroup v2 cgroup.freeze=1
            frozen = line != null && (line.contains("freezer.state=FROZEN") || line.contains("cgroup.freeze=1"));
        }
        assertTrue(frozen, "CRIU froze the container");
        assertEquals(1, victim.journal().size(), "the dump in flight is in the journal");
        // runc's children are recorded as they appear (within a tenth of a second)
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (victim.journal().getFirst().processes().stream().noneMatch(p -> p.command().endsWith("criu"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(victim.journal().getFirst().processes().stream().anyMatch(p -> p.command().endsWith("criu")),
                "with its CRIU: " + victim.journal());
        return client;
    }

    @Test
    void killedDuringACheckpointTheHelperRecoversAtRestart() throws Exception {
        String app = E2E.name("crash");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "768");
        E2E.waitForNumber(app, "mem-", 1, Duration.ofSeconds(60));
        Path crashBase = root.resolve("crash");
        Path containerDir = crashBase.resolve(app);
        Path outside = root.resolve("crash-outside");
        try (HelperProcess victim = new HelperProcess().serving(crashBase).start()) {
            HelperClient client = dumpUntilFrozen(victim, app, crashBase);
            List<Path> planted = plantForeign(containerDir, outside);
            // kill -9 the helper in the middle of the dump; runc and CRIU, now orphans, run to their end
            List<ProcessHandle> orphans = victim.killHelperOnly();
            client.close();
            for (ProcessHandle h : orphans) {
                h.onExit().get(120, TimeUnit.SECONDS);
            }
            assertEquals(1, partials(containerDir).size(), "the interrupted checkpoint left its temporary directory");
            // and, as CRIU killed before it seizes the tasks would leave it: the container frozen
            // (the dump froze it before CRIU started and the helper died before it could thaw it)
            String id = E2E.docker().inspectContainerCmd(app).exec().getId();
            if (!"paused".equals(runcState(app))) {
                E2E.run(List.of("runc", "--root", E2E.engine().tools().runcRoot(id), "pause", id));
            }
            assertEquals("paused", runcState(app));

            victim.start();
            // CRIU ran to its end: the dump is complete and may be all that is left of a container,
            // so it is kept under its name, marked incomplete, never deleted
            victim.awaitLog("repaired: kept the finished dump of an interrupted checkpoint", Duration.ofSeconds(60));
            String log = victim.awaitLog("repaired: container " + app + " was left frozen", Duration.ofSeconds(60));
            assertFalse(log.contains("waiting for"), log);
            assertEquals("running", runcState(app), "not frozen after the restart");
            assertTrue(E2E.running(app));
            long before = E2E.numbers(app, "mem-").getLast();
            E2E.waitForNumber(app, "mem-", before + 2, Duration.ofSeconds(20));
            try (HelperClient c = victim.client()) {
                var listed = c.listCheckpoints(crashBase);
                assertEquals(1, listed.size(), listed.toString());
                assertEquals("cp", listed.getFirst().name());
                assertTrue(listed.getFirst().incomplete() != null
                        && listed.getFirst().incomplete().contains("helper stopped"), listed.toString());
            }
            assertEquals(List.of(), partials(containerDir));
            assertForeignUntouched(planted, outside);
            assertFalse(log.contains(planted.get(0).toString()) || log.contains(planted.get(1).toString()),
                    "what the journal does not name is not even looked at: " + log);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!victim.journal().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), victim.journal(), "the repaired entry is removed");
        }
    }

    @Test
    void killedWithItsCriuTheHelperRemovesOnlyItsOwnTemporaryDirectoryAtRestart() throws Exception {
        String app = E2E.name("crash2");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "768");
        E2E.waitForNumber(app, "mem-", 1, Duration.ofSeconds(60));
        Path crashBase = root.resolve("crash2");
        Path containerDir = crashBase.resolve(app);
        Path outside = root.resolve("crash2-outside");
        try (HelperProcess victim = new HelperProcess().serving(crashBase).start()) {
            HelperClient client = dumpUntilFrozen(victim, app, crashBase);
            List<Path> planted = plantForeign(containerDir, outside);
            // kill -9 the helper, runc and CRIU together: the dump never finishes
            for (ProcessHandle h : victim.killHelperOnly()) {
                h.destroyForcibly();
                h.onExit().get(30, TimeUnit.SECONDS);
            }
            client.close();
            List<String> left = partials(containerDir);
            assertEquals(1, left.size(), "the interrupted checkpoint left its temporary directory");
            // CRIU keeps the tasks stopped by ptrace, not by the freezer, while it dumps: a CRIU killed
            // then lets them run; one killed before that leaves the cgroup frozen
            String afterKill = runcState(app);
            assertTrue(afterKill.equals("paused") || afterKill.equals("running"), afterKill);

            victim.start();
            victim.awaitLog("repaired: removed incomplete checkpoint directory " + containerDir.resolve(left
                    .getFirst()), Duration.ofSeconds(60));
            if (afterKill.equals("paused")) {
                victim.awaitLog("repaired: container " + app + " was left frozen", Duration.ofSeconds(60));
            }
            assertEquals("running", runcState(app));
            long before = E2E.numbers(app, "mem-").getLast();
            E2E.waitForNumber(app, "mem-", before + 2, Duration.ofSeconds(20));
            assertEquals(List.of(), partials(containerDir));
            assertForeignUntouched(planted, outside);
            try (HelperClient c = victim.client()) {
                assertEquals(List.of(), c.listCheckpoints(crashBase));
            }
        }
    }

    @Test
    void aHelperStartingBesideAForeignCriuAnswersAtOnceAndWaitsOnlyForItsOwn() throws Exception {
        // two long-running processes named criu: one someone else's, one that the journal names as
        // the CRIU of this helper's interrupted dump
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path criu = Files.copy(Path.of("/bin/sleep"), bin.resolve("criu"));
        Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process foreign = new ProcessBuilder(criu.toString(), "600").start();
        Process own = new ProcessBuilder(criu.toString(), "600").start();
        String app = E2E.name("own-criu");
        String id = E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        Path ownBase = root.resolve("own-criu");
        Path partial = ownBase.resolve(app).resolve(".cp.partial-0000abcd");
        try (HelperProcess h = new HelperProcess().serving(ownBase)) {
            Files.createDirectories(partial);
            for (Path p = partial; !p.equals(root); p = p.getParent()) {
                Files.setPosixFilePermissions(p, Posix.DIR_PRIVATE);
            }
            Path foreignPartial = Files.createDirectory(ownBase.resolve(app).resolve(".cp.partial-f0f0f0f0"));
            h.plantJournalEntry(dev.dockercheckpoint.engine.JournalEntry.checkpoint(id, app, ownBase, "cp",
                    partial.getFileName().toString()).withProcess(dev.dockercheckpoint.engine.JournalEntry.Pid.of(
                            own.toHandle())));
            long t = System.nanoTime();
            h.start();
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertTrue(ms < 20_000, "hello answered at once beside the running CRIUs (" + ms + " ms)\n" + h.log());
            try (HelperClient c = h.client()) {
                DcpException busy = assertThrows(DcpException.class, () -> c.checkpoint(new CheckpointRequest(app,
                        "cp2", ownBase, CheckpointOptions.defaults()), ProgressListener.NONE));
                assertEquals(ErrorCode.BUSY, busy.code(), busy.getMessage());
                assertTrue(busy.getMessage().contains("still being repaired"), busy.getMessage());
                assertTrue(Files.isDirectory(partial), "nothing is touched while its own CRIU runs");

                own.destroyForcibly().waitFor();
                h.awaitLog("repaired: removed incomplete checkpoint directory " + partial, Duration.ofSeconds(30));
                assertFalse(Files.exists(partial));
                assertTrue(Files.isDirectory(foreignPartial), "a directory the journal does not name stays");
                assertTrue(foreign.isAlive(), "someone else's CRIU is none of the helper's business");
                CheckpointResult cp = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (cp == null) {
                    try {
                        cp = c.checkpoint(new CheckpointRequest(app, "cp2", ownBase, CheckpointOptions.defaults()),
                                ProgressListener.NONE);
                    } catch (DcpException e) {
                        if (e.code() != ErrorCode.BUSY || System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(200);
                    }
                }
                assertTrue(Files.isDirectory(cp.dir()));
            }
        } finally {
            foreign.destroyForcibly();
            own.destroyForcibly();
        }
    }

    @Test
    void aMemberIsRefusedEveryDirectoryTheHelperDoesNotServeAndNothingIsCreated() throws Exception {
        String app = E2E.name("not-served");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        Path outside = root.resolve("not-served");
        Path child = base.resolve("child");
        for (Path dir : List.of(outside, child, root)) {
            E2E.Cli r = helper.runAs(HelperProcess.MEMBER, "-container", app, "-dir", dir.toString());
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains(dir + " is not one this helper serves; allowed: " + base + ", "), r.toString());
            assertTrue(r.err().contains("hint:") && r.err().contains("\"baseDirs\""), r.toString());
            E2E.Cli list = helper.runAs(HelperProcess.MEMBER, "list", "-dir", dir.toString());
            assertEquals(1, list.exit(), list.toString());
            assertTrue(list.err().contains("is not one this helper serves"), list.toString());
        }
        assertFalse(Files.exists(outside));
        assertFalse(Files.exists(child));
        assertFalse(Files.exists(root.resolve(app)));
        try (HelperClient c = helper.client()) {
            DcpException dots = assertThrows(DcpException.class, () -> c.listCheckpoints(Path.of(base
                    + "/../seed")));
            assertEquals(ErrorCode.INVALID_INPUT, dots.code());
            DcpException other = assertThrows(DcpException.class, () -> c.checkpoint(new CheckpointRequest(app,
                    "cp", Path.of("/etc"), CheckpointOptions.defaults()), ProgressListener.NONE));
            assertEquals(ErrorCode.DIRECTORY_NOT_ALLOWED, other.code());
        }
    }

    @Test
    void aServedDirectoryWithASymlinkedComponentIsRefusedAndNothingIsCreatedThroughIt() throws Exception {
        String app = E2E.name("linked");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        E2E.Cli r = helper.runAs(HelperProcess.MEMBER, "-container", app, "-dir", linkedBase.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("refusing to use " + root.resolve("linked") + ": it is a symbolic link"),
                r.toString());
        E2E.Cli list = helper.runAs(HelperProcess.MEMBER, "list", "-dir", linkedBase.toString());
        assertEquals(1, list.exit(), list.toString());
        assertTrue(list.err().contains("symbolic link"), list.toString());
        try (var entries = Files.list(linkTarget)) {
            assertEquals(List.of(), entries.toList(), "nothing is created through the link");
        }
    }

    @Test
    void aBaseDirectoryWithSpacesServesACheckpointAndItsRestore() throws Exception {
        Path spaced = root.resolve("with spaces/base dir");
        String app = E2E.name("spaces");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo s-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "s-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = helper.runAs(HelperProcess.MEMBER, "-container", app, "-dir", spaced.toString(),
                "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long last = E2E.numbers(app, "s-").getLast();
        E2E.remove(app);
        E2E.Cli list = helper.runAs(HelperProcess.MEMBER, "list", "-dir", spaced.toString());
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains(app) && list.out().contains("checkpoint1"), list.toString());

        String restored = E2E.name("spaces-restored");
        E2E.track(restored);
        E2E.Cli restore = helper.runAs(HelperProcess.MEMBER, "-restore", "-container", app, "-new-name", restored,
                "-dir", spaced.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(restore.out().contains("CRIU log: " + spaced.resolve(app).resolve("checkpoint1")
                .resolve("restore.log")), restore.toString());
        assertTrue(Files.readString(spaced.resolve(app).resolve("checkpoint1").resolve("restore.log"))
                .contains("Restore finished successfully"));
        E2E.waitForNumber(restored, "s-", last + 2, Duration.ofSeconds(20));
        assertEquals(last + 1, E2E.numbers(restored, "s-").getFirst(), "it continues where it was checkpointed");
    }

    @Test
    void aClientThatGoesAwayDoesNotStopItsOperation() throws Exception {
        String app = E2E.name("gone");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "256");
        E2E.waitForNumber(app, "mem-", 0, Duration.ofSeconds(30));
        Path goneBase = root.resolve("gone");
        HelperClient client = helper.client();
        CountDownLatch dumping = new CountDownLatch(1);
        client.start(new dev.dockercheckpoint.protocol.Request.Checkpoint(client.nextId(), app, "cp",
                goneBase.toString(), CheckpointOptions.defaults()), new ProgressListener() {
                    @Override
                    public void phase(String phase, double fraction) {
                        if (phase.startsWith("dumping")) {
                            dumping.countDown();
                        }
                    }
                });
        assertTrue(dumping.await(30, TimeUnit.SECONDS));
        client.close();
        try (HelperClient other = helper.client()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (other.listCheckpoints(goneBase).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<CheckpointSummary> listed = other.listCheckpoints(goneBase);
            assertEquals(1, listed.size(), "the checkpoint was finished without its client");
            assertTrue(Files.readString(listed.getFirst().dir().resolve("dump.log"))
                    .contains("Dumping finished successfully"));
        }
        assertTrue(E2E.running(app));
    }

    @Test
    void cancelDiscardsTheCheckpointAndLeavesTheContainerRunning() throws Exception {
        String app = E2E.name("cancel");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "512");
        E2E.waitForNumber(app, "mem-", 0, Duration.ofSeconds(30));
        Path cancelBase = root.resolve("cancel");
        try (HelperClient client = helper.client()) {
            CountDownLatch dumping = new CountDownLatch(1);
            HelperClient.Operation op = client.start(new dev.dockercheckpoint.protocol.Request.Checkpoint(
                    client.nextId(), app, "cp", cancelBase.toString(), CheckpointOptions.defaults()),
                    new ProgressListener() {
                        @Override
                        public void phase(String phase, double fraction) {
                            if (phase.startsWith("dumping")) {
                                dumping.countDown();
                            }
                        }
                    });
            assertTrue(dumping.await(30, TimeUnit.SECONDS));
            assertTrue(op.cancel(), "the operation was running");
            DcpException cancelled = assertThrows(DcpException.class, () -> op.await(CheckpointResult.class));
            assertEquals(ErrorCode.CANCELLED, cancelled.code(), cancelled.getMessage());
            assertTrue(client.listCheckpoints(cancelBase).isEmpty(), "nothing kept");
            try (var entries = Files.list(cancelBase.resolve(app))) {
                assertTrue(entries.noneMatch(p -> p.getFileName().toString().contains(".partial-")));
            }
        }
        assertEquals("running", runcState(app));
        long before = E2E.numbers(app, "mem-").getLast();
        E2E.waitForNumber(app, "mem-", before + 2, Duration.ofSeconds(20));
    }

    @Test
    void failuresCarryTheDiagnosisAndStoredLogsAreDiagnosed() throws Exception {
        String app = E2E.name("helper-tcp");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", TcpE2ETest.TCP_PAIR);
        E2E.waitForNumber(app, "tcp-", 1, Duration.ofSeconds(20));
        Path diagBase = root.resolve("diagnose");
        try (HelperClient client = helper.client()) {
            DcpException e = assertThrows(DcpException.class, () -> client.checkpoint(new CheckpointRequest(app,
                    "notcp", diagBase, new CheckpointOptions(true, false, true, false)), ProgressListener.NONE));
            assertEquals(ErrorCode.CRIU_FAILED, e.code());
            assertTrue(e.getMessage().contains("Established TCP connection"), e.getMessage());
            assertTrue(e.details().getFirst().contains("Connected TCP socket"), e.details().toString());
            assertTrue(e.hint().contains("--tcp-established"), e.hint());
            assertTrue(e.logFile() != null && Files.isRegularFile(e.logFile()), "the failed dump's log is kept");

            client.checkpoint(new CheckpointRequest(app, "ok", diagBase, CheckpointOptions.defaults()),
                    ProgressListener.NONE);
            dev.dockercheckpoint.core.criulog.LogReport report = client.diagnose(diagBase, app, "ok", "dump.log");
            assertEquals(dev.dockercheckpoint.core.criulog.Verdict.SUCCESS, report.verdict());
            assertEquals(dev.dockercheckpoint.core.criulog.LogKind.DUMP, report.kind());
            assertTrue(report.phases().size() >= 3, report.phases().toString());
            DcpException noLog = assertThrows(DcpException.class, () -> client.diagnose(diagBase, app, "ok",
                    "restore.log"));
            assertEquals(ErrorCode.CHECKPOINT_NOT_FOUND, noLog.code());
        }
    }

    private static String runcState(String container) {
        String id = E2E.docker().inspectContainerCmd(container).exec().getId();
        String root = E2E.engine().tools().runcRoot(id);
        // the engine's own runc: an older one on PATH may misread a newer one's state
        String json = E2E.run(List.of(E2E.engine().tools().runcFor(id), "--root", root, "state", id));
        int i = json.indexOf("\"status\"");
        String rest = json.substring(json.indexOf(':', i) + 1).strip();
        return rest.substring(1, rest.indexOf('"', 1));
    }

    @Test
    void theNextOperationRightAfterAnAnswerIsNotBusy() throws Exception {
        String app = E2E.name("seq");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "while true; do sleep 1; done");
        try (HelperClient client = helper.client()) {
            for (int i = 0; i < 5; i++) {
                client.checkpoint(new CheckpointRequest(app, "s" + i, root.resolve("seq"),
                        CheckpointOptions.defaults()), ProgressListener.NONE);
            }
            assertEquals(5, client.listCheckpoints(root.resolve("seq")).size());
        }
    }

    @Test
    void busyIsAnsweredAtOnceForTheSameContainer() throws Exception {
        String app = E2E.name("busy");
        E2E.runContainer(app, E2E.TOOLS, "memhog", "768");
        E2E.waitForNumber(app, "mem-", 0, Duration.ofSeconds(60));
        try (HelperClient a = helper.client(); HelperClient b = helper.client()) {
            CountDownLatch dumping = new CountDownLatch(1);
            HelperClient.Operation first = a.start(new dev.dockercheckpoint.protocol.Request.Checkpoint(a.nextId(), app,
                    "first", root.resolve("busy").toString(), CheckpointOptions.defaults()), new ProgressListener() {
                        @Override
                        public void phase(String phase, double fraction) {
                            if (phase.startsWith("dumping")) {
                                dumping.countDown();
                            }
                        }
                    });
            assertTrue(dumping.await(30, TimeUnit.SECONDS), "the first dump started");
            long t = System.nanoTime();
            DcpException busy = assertThrows(DcpException.class, () -> b.checkpoint(new CheckpointRequest(app,
                    "second", root.resolve("busy"), CheckpointOptions.defaults()), ProgressListener.NONE));
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertEquals(ErrorCode.BUSY, busy.code());
            assertTrue(ms < 1000, "answered at once (" + ms + " ms)");
            assertNotEquals(null, first.await(CheckpointResult.class));
        }
    }
}
