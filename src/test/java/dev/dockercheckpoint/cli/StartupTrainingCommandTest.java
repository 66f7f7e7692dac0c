package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's start-up training: the real command lines against the recorded helper session. */
class StartupTrainingCommandTest {
    @Test
    void everyTrainedCommandLineRunsToSuccessAgainstTheRecordedSessionAndPrintsNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {StartupTrainingCommand.NAME}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(ExitCodes.OK, exit, err.toString());
        assertEquals("", out.toString());
        assertEquals("", err.toString());
        assertNull(System.getProperty(CommandTarget.SOCKET_PROPERTY), "the private socket is forgotten afterwards");
    }

    @Test
    void theRecordingAnswersEveryRequestTheTrainingSends() throws Exception {
        Map<String, List<String>> replies = StartupTrainingCommand.replies();
        assertEquals(List.of("hello", "checkpoint", "restore", "list-checkpoints"), List.copyOf(replies.keySet()));
        for (var e : replies.entrySet()) {
            String last = e.getValue().getLast();
            assertTrue(last.startsWith("{\"type\":\"result\""), e.getKey() + " ends with " + last);
        }
    }

    @Test
    void itIsNotListedInTheHelp() {
        StringWriter out = new StringWriter();
        Main.run(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertTrue(out.toString().contains("export"), out.toString());
        assertTrue(!out.toString().contains(StartupTrainingCommand.NAME), out.toString());
    }
}
