package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.engine.ProcessResult;
import dev.dockercheckpoint.engine.ProcessRunner;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.Test;

class PeerAuthorizerTest {
    private final List<List<String>> commands = new ArrayList<>();

    private ProcessRunner groups(String output, int exit) {
        return (cmd, timeout) -> {
            commands.add(cmd);
            return new ProcessResult(cmd, exit, output, "", Duration.ZERO);
        };
    }

    private static UnixDomainPrincipal peer(String user, String group) {
        UserPrincipal u = () -> user;
        GroupPrincipal g = () -> group;
        return new UnixDomainPrincipal(u, g);
    }

    @Test
    void rootIsServedWithoutLookingUpGroups() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("", 1));
        assertNull(a.refusal(peer("root", "root")));
        assertTrue(commands.isEmpty());
    }

    @Test
    void supplementaryMembershipCountsThoughThePrincipalCarriesThePrimaryGroup() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("alice sudo docker\n", 0));
        assertNull(a.refusal(peer("alice", "alice")));
        assertEquals(List.of("id", "-Gn", "--", "alice"), commands.getFirst(), "argument list, never a shell");
    }

    @Test
    void primaryGroupCounts() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("", 1));
        assertNull(a.refusal(peer("bob", "docker")));
    }

    @Test
    void outsiderIsRefusedWithTheReason() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("mallory users dockerish\n", 0));
        assertEquals("user mallory is not a member of group docker", a.refusal(peer("mallory", "mallory")));
    }

    @Test
    void unknownUserIsRefused() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("", 1));
        assertEquals("user 12345 is not a member of group docker", a.refusal(peer("12345", "12345")));
    }

    @Test
    void aUserNamedLikeAnOptionCannotInjectOne() {
        PeerAuthorizer a = new PeerAuthorizer("docker", groups("", 1));
        a.refusal(peer("-Gn", "x"));
        assertEquals(List.of("id", "-Gn", "--", "-Gn"), commands.getFirst());
    }
}
