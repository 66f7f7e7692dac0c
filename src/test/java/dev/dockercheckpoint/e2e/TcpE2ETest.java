package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** -tcp: a connection over the container's own loopback fails without it and survives a restore with it. */
@Tag("e2e")
class TcpE2ETest extends BaseDirE2E {
    /** A server and a client in one container; the server prints what the client sends over TCP. */
    static final String TCP_PAIR = "sleep 1000000 | nc -l -p 5000 & sleep 1; "
            + "i=0; while true; do echo tcp-$i; i=$((i+1)); sleep 1; done | nc 127.0.0.1 5000";


    @Test
    void establishedConnectionNeedsTcpAndCarriesDataAfterRestore() throws Exception {
        String app = E2E.name("tcp");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", TCP_PAIR);
        E2E.waitForNumber(app, "tcp-", 2, Duration.ofSeconds(20));

        E2E.Cli without = E2E.cli("-container", app, "-name", "notcp", "-tcp=false", "-dir", base.toString());
        assertEquals(1, without.exit(), without.toString());
        assertTrue(without.err().contains("Connected TCP socket"), "error names the TCP socket:\n" + without);
        assertTrue(without.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("")
                .contains("Established TCP connection"),
                "the diagnosis names the cause:\n" + without);
        assertTrue(without.err().contains("hint: Tick \"Established TCP connections\""), without.toString());
        assertTrue(without.err().contains("hint:"), without.toString());
        assertFalse(Files.exists(base.resolve(app).resolve("notcp")), "no checkpoint after a failed dump");
        assertTrue(E2E.running(app), "a failed checkpoint leaves the container running");
        long before = E2E.waitForNumber(app, "tcp-", 3, Duration.ofSeconds(20));
        long after = E2E.waitForNumber(app, "tcp-", before + 1, Duration.ofSeconds(20));
        assertTrue(after > before, "the container is not frozen after the failed dump");

        E2E.Cli with = E2E.cli("-container", app, "-name", "withtcp", "-tcp=true", "-dir", base.toString());
        assertEquals(0, with.exit(), with.toString());
        String dumpLog = Files.readString(base.resolve(app).resolve("withtcp").resolve("dump.log"));
        assertTrue(dumpLog.contains("Will dump/restore TCP connections") && dumpLog.contains("TCP_ESTABLISHED"),
                "CRIU dumped the established connection");
        long checkpointed = E2E.numbers(app, "tcp-").getLast();
        E2E.remove(app);

        String restored = E2E.name("tcp-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "withtcp", "-new-name", restored,
                "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        // the restored server keeps receiving over the restored connection
        long seen = E2E.waitForNumber(restored, "tcp-", checkpointed + 2, Duration.ofSeconds(20));
        assertTrue(seen >= checkpointed + 2);
        assertTrue(E2E.numbers(restored, "tcp-").getFirst() >= checkpointed - 1, "the stream continues, not restarts");
    }
}
