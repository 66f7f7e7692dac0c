package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockercheckpoint.core.CheckpointOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuncCommandsTest {
    private static final String RUNC = "/usr/bin/runc";
    private static final String ROOT = "/run/docker/runtime-runc/moby";
    private static final String ID = "4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f4f1c0e9a7b3d2e1f";
    private static final Path DIR = Path.of("/tmp/docker-checkpoints/myapp/.checkpoint1.partial-0a1b2c3d");
    private static final String D = DIR.toString();

    private static List<String> prefix(String imageDir) {
        return List.of(RUNC, "--root", ROOT, "checkpoint", "--image-path", imageDir, "--work-path", imageDir);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void defaults() {
        assertEquals(List.of(RUNC, "--root", ROOT, "checkpoint", "--image-path", D, "--work-path", D,
                        "--leave-running", "--tcp-established", "--file-locks", ID),
                RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults()));
    }

    static Stream<Arguments> checkpointCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (int bits = 0; bits < 16; bits++) {
            boolean leave = (bits & 1) != 0;
            boolean tcp = (bits & 2) != 0;
            boolean locks = (bits & 4) != 0;
            boolean pre = (bits & 8) != 0;
            List<String> flags = new ArrayList<>();
            if (leave) {
                flags.add("--leave-running");
            }
            if (tcp) {
                flags.add("--tcp-established");
            }
            if (locks) {
                flags.add("--file-locks");
            }
            if (pre) {
                flags.add("--parent-path");
                flags.add("predump");
            }
            flags.add(ID);
            all.add(Arguments.of(new CheckpointOptions(leave, tcp, locks, pre), flags));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("checkpointCombinations")
    void checkpointArgumentsForEveryCombination(CheckpointOptions options, List<String> flags) {
        assertEquals(concat(prefix(D), flags), RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, options));
    }

    @Test
    void eachOptionOffRemovesExactlyItsFlag() {
        List<String> defaults = RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults());

        List<String> noLeave = new ArrayList<>(defaults);
        noLeave.remove("--leave-running");
        assertEquals(noLeave, RuncCommands.checkpoint(RUNC, ROOT, ID, DIR,
                CheckpointOptions.defaults().withLeaveRunning(false)));

        List<String> noTcp = new ArrayList<>(defaults);
        noTcp.remove("--tcp-established");
        assertEquals(noTcp, RuncCommands.checkpoint(RUNC, ROOT, ID, DIR,
                CheckpointOptions.defaults().withTcpEstablished(false)));

        List<String> noLocks = new ArrayList<>(defaults);
        noLocks.remove("--file-locks");
        assertEquals(noLocks, RuncCommands.checkpoint(RUNC, ROOT, ID, DIR,
                CheckpointOptions.defaults().withFileLocks(false)));
    }

    @Test
    void preDumpAddsParentPathToTheFinalDump() {
        assertEquals(List.of(RUNC, "--root", ROOT, "checkpoint", "--image-path", D, "--work-path", D,
                        "--leave-running", "--tcp-established", "--file-locks", "--parent-path", "predump", ID),
                RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults().withPreDump(true)));
        assertEquals("predump", RuncCommands.PREDUMP_DIR);
    }

    @Test
    void preDumpTargetsThePredumpSubdirectory() {
        String p = DIR.resolve("predump").toString();
        assertEquals(List.of(RUNC, "--root", ROOT, "checkpoint", "--image-path", p, "--work-path", p,
                        "--pre-dump", "--tcp-established", "--file-locks", ID),
                RuncCommands.preDump(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults().withPreDump(true)));
    }

    static Stream<Arguments> preDumpCombinations() {
        List<Arguments> all = new ArrayList<>();
        for (int bits = 0; bits < 16; bits++) {
            boolean leave = (bits & 1) != 0;
            boolean tcp = (bits & 2) != 0;
            boolean locks = (bits & 4) != 0;
            boolean pre = (bits & 8) != 0;
            List<String> flags = new ArrayList<>();
            flags.add("--pre-dump");
            if (tcp) {
                flags.add("--tcp-established");
            }
            if (locks) {
                flags.add("--file-locks");
            }
            flags.add(ID);
            all.add(Arguments.of(new CheckpointOptions(leave, tcp, locks, pre), flags));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("preDumpCombinations")
    void preDumpNeverLeavesRunningFlagOrParentPath(CheckpointOptions options, List<String> flags) {
        // a pre-dump always leaves the task running (CRIU semantics), so --leave-running is not passed
        assertEquals(concat(prefix(DIR.resolve("predump").toString()), flags),
                RuncCommands.preDump(RUNC, ROOT, ID, DIR, options));
    }

    @Test
    void returnedListIsFreshEachCall() {
        List<String> a = RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults());
        a.add("mutated");
        assertEquals(12, RuncCommands.checkpoint(RUNC, ROOT, ID, DIR, CheckpointOptions.defaults()).size());
    }
}
