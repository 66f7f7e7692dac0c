package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.protocol.JsonLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launcher's start-up training: the real command lines against the recorded helper session. */
class StartupTrainingCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed", "commands"})
    void everyTrainedCommandLineRunsToSuccessAgainstTheRecordedSessionAndPrintsNothing(String kind) {
        Run r = run(StartupTrainingCommand.NAME, kind);
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertNull(System.getProperty(CommandTarget.SOCKET_PROPERTY), "the private socket is forgotten afterwards");
    }

    @Test
    void withoutAKindOrWithAnUnknownOneItSaysWhichThereAre() {
        for (String[] args : List.of(new String[] {StartupTrainingCommand.NAME},
                new String[] {StartupTrainingCommand.NAME, "gui"})) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.exit());
            assertEquals(List.of("error: startup-training trains one start-up cache: seed or commands",
                    "hint: the launcher runs it; by hand: docker-checkpoint startup-training seed"), r.err().lines()
                    .toList());
        }
    }

    @Test
    void theSeedsTrainingLoadsOnlyWhatTheSeedsCommandLineLoads() throws Exception {
        // everything the training loads goes into the seed's cache, and a cache's classes are all
        // loaded at every start: no object mapper (the peer's too), no subcommand's model
        List<String> loaded = ThinClientStartupTest.classesLoaded(dir, "", StartupTrainingCommand.NAME, "seed");
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.dockercheckpoint.client.HelperClient ")),
                "the client was trained");
        for (String unwanted : ThinClientStartupTest.UNWANTED) {
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(unwanted)).toList(), unwanted);
        }
    }

    @Test
    void theRecordingAnswersEveryRequestTheTrainingSendsAndItsHelloIsTheBriefOne() throws Exception {
        Map<String, List<String>> replies = StartupTrainingCommand.replies();
        assertEquals(List.of("hello", "checkpoint", "restore", "list-checkpoints"), List.copyOf(replies.keySet()));
        for (var e : replies.entrySet()) {
            String last = e.getValue().getLast();
            assertTrue(last.startsWith("{\"type\":\"result\",\"id\":\"" + e.getKey() + "\""), e.getKey() + " ends with "
                    + last);
        }
        // the command line's hello is brief: the helper leaves what the host can do out
        assertTrue(JsonLines.tree(replies.get("hello").getFirst()).path("value").path("capabilities").isNull());
    }

    @Test
    void itIsNotListedInTheHelp() {
        Run r = run("--help");
        assertTrue(r.out().contains("export"), r.out());
        assertTrue(!r.out().contains(StartupTrainingCommand.NAME), r.out());
    }
}
