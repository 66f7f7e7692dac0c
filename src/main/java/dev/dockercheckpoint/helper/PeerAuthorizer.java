package dev.dockercheckpoint.helper;

import dev.dockercheckpoint.engine.ProcessResult;
import dev.dockercheckpoint.engine.ProcessRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import jdk.net.UnixDomainPrincipal;

/**
 * Decides from a peer's kernel credentials (SO_PEERCRED) whether it may use the helper: root,
 * or a user who is a member of the configured group, primary or supplementary. The principal's
 * group alone is not enough: it is the peer's primary group, and members of the helper's group
 * usually have it only as a supplementary one.
 */
final class PeerAuthorizer {
    private final String group;
    private final ProcessRunner runner;

    PeerAuthorizer(String group, ProcessRunner runner) {
        this.group = group;
        this.runner = runner;
    }

    String group() {
        return group;
    }

    /** Null when allowed, otherwise why not. */
    String refusal(UnixDomainPrincipal peer) {
        String user = peer.user().getName();
        if ("root".equals(user)) {
            return null;
        }
        if (group.equals(peer.group().getName())) {
            return null;
        }
        if (groupsOf(user).contains(group)) {
            return null;
        }
        return "user " + user + " is not a member of group " + group;
    }

    /** The uid of {@code user} (a name, or a number when the user has no name), -1 when unknown. */
    int uidOf(String user) {
        if (user.chars().allMatch(Character::isDigit) && !user.isEmpty() && user.length() < 10) {
            return Integer.parseInt(user);
        }
        if ("root".equals(user)) {
            return 0;
        }
        ProcessResult r = runner.run(List.of("id", "-u", "--", user), Duration.ofSeconds(10));
        try {
            return r.ok() ? Integer.parseInt(r.stdout().strip()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Group names of {@code user} (primary and supplementary), resolved through the system's user database. */
    List<String> groupsOf(String user) {
        ProcessResult r = runner.run(List.of("id", "-Gn", "--", user), Duration.ofSeconds(10));
        if (!r.ok()) {
            return List.of();
        }
        return Arrays.stream(r.stdout().strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
