package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.client.HelperClient;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.MigrationRequest;
import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.core.ProgressListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HelperClient.migrate against a real helper server on a socket (over a recording engine). */
class HelperClientMigrateTest {
    @TempDir
    Path tmp;
    private HelperHarness helper;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(tmp);
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    @Test
    void aMigrationGoesToTheNamedEngineAndItsPhasesReachTheListener() {
        List<String> phases = new CopyOnWriteArrayList<>();
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            MigrationResult r = c.migrate(new MigrationRequest("web", "web2", helper.config.defaultBaseDir(), null,
                    true), "second", new ProgressListener() {
                        @Override
                        public void phase(String phase, double fraction) {
                            phases.add(phase);
                        }
                    });
            assertEquals("web2", r.newName());
            assertEquals("second", r.target());
            assertEquals(812.5, r.downtimeMillis());
            assertEquals(12L, r.phasesMillis().get(MigrationResult.TRANSFER));
        }
        FakeEngine.Migration m = helper.engine.migrations.getFirst();
        assertTrue(m.target() == helper.second);
        assertTrue(m.request().keepCheckpoint());
        assertEquals(helper.config.defaultBaseDir(), m.request().baseDir());
        assertEquals(List.of("started", "done"), phases);
    }

    @Test
    void theListenersCancelReachesTheHelperAndTheCallEndsCancelled() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        try (HelperClient c = HelperClient.connectAndHello(helper.socket, Duration.ofSeconds(5))) {
            Thread.ofVirtual().start(() -> {
                try {
                    helper.engine.awaitStarted("block-web");
                    cancel.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long t0 = System.nanoTime();
            DcpException e = assertThrows(DcpException.class, () -> c.migrate(new MigrationRequest("block-web", null,
                    helper.config.defaultBaseDir(), null, false), "second", new ProgressListener() {
                        @Override
                        public boolean isCancelled() {
                            return cancel.get();
                        }
                    }));
            assertEquals(ErrorCode.CANCELLED, e.code(), e.getMessage());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "ended by the cancel, not a timeout");
        }
        assertFalse(helper.engine.finished.contains("block-web"));
    }
}
