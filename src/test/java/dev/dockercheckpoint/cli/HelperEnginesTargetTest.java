package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.protocol.HelloInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of the helper's engines a non-root migrate's --to names. */
class HelperEnginesTargetTest {
    private static final HelloInfo HELLO = new HelloInfo(1, "t", "alice", null, List.of("/tmp/docker-checkpoints"),
            List.of(new HelloInfo.EngineInfo("system", "unix:///var/run/docker.sock"),
                    new HelloInfo.EngineInfo("current", "unix:///run/dcp-engine2/docker.sock")), "system");

    @Test
    void byNameBySocketOrByAContextOnOneOfItsSockets() {
        assertEquals("current", HelperEngines.target(HELLO, "current", null));
        assertEquals("current", HelperEngines.target(HELLO, "unix:///run/dcp-engine2/docker.sock", null));
        assertEquals("system", HelperEngines.target(HELLO, "desktop", "unix:///var/run/docker.sock"),
                "a Docker context whose socket the helper serves");
        assertEquals("current", HelperEngines.target(HELLO, "current", "unix:///elsewhere.sock"),
                "the helper's name comes first");
    }

    @Test
    void anEngineTheHelperDoesNotServeIsRefusedWithTheOnesItDoes() {
        DcpException e = assertThrows(DcpException.class, () -> HelperEngines.target(HELLO, "remote",
                "unix:///remote.sock"));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertEquals("the helper serves no engine remote (unix:///remote.sock); it serves system"
                + " (unix:///var/run/docker.sock), current (unix:///run/dcp-engine2/docker.sock)", e.getMessage());
        assertTrue(e.hint().contains("--to") && e.hint().contains("helper.json") && e.hint().contains("sudo"),
                e.hint());
        DcpException socket = assertThrows(DcpException.class, () -> HelperEngines.target(HELLO, "unix:///x.sock",
                null));
        assertTrue(socket.getMessage().startsWith("the helper serves no engine unix:///x.sock; it serves"),
                socket.getMessage());
        DcpException older = assertThrows(DcpException.class, () -> HelperEngines.target(new HelloInfo(1, "t",
                "alice", null), "current", null));
        assertTrue(older.getMessage().contains("does not say which engines it serves"), older.getMessage());
    }
}
