package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.engine.CheckpointEngine;
import dev.dockercheckpoint.protocol.Message;
import dev.dockercheckpoint.protocol.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client library against a helper on a fake engine: answers, events, errors, cancel, engines. */
class HelperClientTest {
    @TempDir
    Path dir;
    HelperHarness helper;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    private CheckpointRequest request(String container) {
        return new CheckpointRequest(container, "cp", helper.config.defaultBaseDir(), CheckpointOptions.defaults());
    }

    @Test
    void answersAndEventsReachTheCaller() {
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            assertEquals("default", c.engine());
            assertEquals("web", c.listContainers(false).getFirst().name());
            List<String> phases = new CopyOnWriteArrayList<>();
            CheckpointResult r = c.checkpoint(request("app"), new ProgressListener() {
                @Override
                public void phase(String phase, double fraction) {
                    phases.add(phase);
                }
            });
            assertEquals("running", r.containerState());
            assertEquals(List.of("started", "done"), phases);
            List<CheckResult> checks = new CopyOnWriteArrayList<>();
            assertTrue(c.verify("app", new ProgressListener() {
                @Override
                public void check(CheckResult result) {
                    checks.add(result);
                }
            }).passed());
            assertEquals(1, checks.size());
        }
    }

    @Test
    void errorsArriveWithTheirCodeAndHint() {
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            DcpException failed = assertThrows(DcpException.class, () -> c.checkpoint(request("fail-x"),
                    ProgressListener.NONE));
            assertEquals(ErrorCode.CRIU_FAILED, failed.code());
            assertEquals("read dump.log", failed.hint());
            DcpException engine = assertThrows(DcpException.class, () -> c.hello("nope"));
            assertEquals(ErrorCode.INVALID_INPUT, engine.code());
            assertEquals("default", c.engine(), "a refused pick changes nothing");
        }
    }

    @Test
    void anOperationIsCancelledThroughItsHandle() throws Exception {
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            HelperClient.Operation op = c.start(new Request.Checkpoint(c.nextId(), "block-c", "cp",
                    helper.config.defaultBaseDir().toString(), null), ProgressListener.NONE);
            helper.engine.awaitStarted("block-c");
            assertTrue(op.cancel());
            DcpException cancelled = assertThrows(DcpException.class, () -> op.await(CheckpointResult.class));
            assertEquals(ErrorCode.CANCELLED, cancelled.code());
        }
    }

    @Test
    void subscriptionsDeliverContainerEvents() throws Exception {
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            CountDownLatch got = new CountDownLatch(1);
            List<Message.ContainerChanged> events = new CopyOnWriteArrayList<>();
            AutoCloseable sub = c.subscribe(e -> {
                events.add(e);
                got.countDown();
            });
            helper.engine.subscribers.forEach(s -> s.accept(new CheckpointEngine.ContainerEvent("start", "abc", "web",
                    "nginx")));
            assertTrue(got.await(5, TimeUnit.SECONDS));
            assertEquals("web", events.getFirst().name());
            sub.close();
        }
    }

    @Test
    void aPickedEngineTakesTheConnectionsRequests() {
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5), "second")) {
            assertEquals("second", c.engine());
            c.checkpoint(request("app"), ProgressListener.NONE);
            assertEquals(1, helper.second.checkpoints.size());
            assertEquals(0, helper.engine.checkpoints.size());
        }
    }

    @Test
    void aHelperThatIsGoneIsReportedAsUnavailable() throws Exception {
        HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5));
        helper.close();
        DcpException gone = assertThrows(DcpException.class, c::doctor);
        assertEquals(ErrorCode.HELPER_UNAVAILABLE, gone.code(), gone.getMessage());
        c.close();
        DcpException refused = assertThrows(DcpException.class, () -> HelperClient.connect(helper.socket));
        assertEquals(ErrorCode.HELPER_UNAVAILABLE, refused.code());
    }
}
