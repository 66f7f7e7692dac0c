package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.HelloInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelperEnginesTest {
    private static final HelloInfo HELLO = new HelloInfo(1, "t", "alice", null, List.of("/tmp/docker-checkpoints"),
            List.of(new HelloInfo.EngineInfo("default", "unix:///var/run/docker.sock"),
                    new HelloInfo.EngineInfo("current", "unix:///run/dcp-engine2/docker.sock")), "default");

    @Test
    void noContextAndNoDockerHostMeansTheHelpersDefault() {
        assertNull(HelperEngines.pick(HELLO, null, null));
        assertNull(HelperEngines.pick(HELLO, null, ""));
        assertNull(HelperEngines.pick(HELLO, null, "unix:///var/run/docker.sock"), "DOCKER_HOST at the default");
    }

    @Test
    void aContextPicksTheEngineOfItsNameOrOfItsSocket() {
        assertEquals("current", HelperEngines.pick(HELLO, "current", "unix:///elsewhere.sock"));
        assertEquals("current", HelperEngines.pick(HELLO, "engine2", "unix:///run/dcp-engine2/docker.sock"));
        assertEquals("current", HelperEngines.pick(HELLO, null, "unix:///run/dcp-engine2/docker.sock"));
        assertEquals("default", HelperEngines.pick(HELLO, "desktop", "unix:///var/run/docker.sock"));
    }

    @Test
    void anEngineTheHelperDoesNotServeIsRefusedWithTheOnesItDoes() {
        DcpException e = assertThrows(DcpException.class,
                () -> HelperEngines.pick(HELLO, "remote", "tcp://127.0.0.1:2375"));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("context remote (tcp://127.0.0.1:2375)"), e.getMessage());
        assertTrue(e.getMessage().contains("current (unix:///run/dcp-engine2/docker.sock)"), e.getMessage());
        assertTrue(e.hint().contains("helper.json"), e.hint());
        DcpException env = assertThrows(DcpException.class, () -> HelperEngines.pick(HELLO, null, "unix:///x.sock"));
        assertTrue(env.getMessage().contains("DOCKER_HOST unix:///x.sock"), env.getMessage());
    }

    @Test
    void socketsAreComparedThroughLinks() {
        assertTrue(HelperEngines.sameSocket("unix:///var/run/x", "unix:///var/run/x"));
        assertTrue(HelperEngines.sameSocket("unix:///tmp/../tmp", "unix:///tmp"));
    }
}
