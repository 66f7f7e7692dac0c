package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.Posix;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Command-line parsing and input validation. No test here reaches Docker: every run either
 * prints help or fails validation before the engine is created.
 */
class CliTest {
    @TempDir
    Path tmp;

    /** Result of one Main.run. */
    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static RootCommand parse(String... args) {
        CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        cli.parseArgs(args);
        return cli.getCommand();
    }

    // ---------------------------------------------------------------- help

    @Test
    void helpExitsZeroAndListsEveryOptionAndSubcommand() {
        Run r = run("--help");
        assertEquals(0, r.exit(), r.err());
        for (String option : List.of("-container", "-name", "-dir", "-leave-running", "-tcp", "-file-locks",
                "-pre-dump", "-restore", "-new-name")) {
            assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(option + ", -" + option) + "\\b").matcher(r.out())
                    .find(), "usage must list " + option + ":\n" + r.out());
        }
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("doctor")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("list")), r.out());
        assertTrue(r.out().contains("/tmp/docker-checkpoints"), "default dir is shown:\n" + r.out());
        assertTrue(r.out().contains("checkpoint1"), "default name is shown:\n" + r.out());
    }

    @Test
    void theSeedsCommandLineBuildsNoSubcommandsUnlessAnArgumentNamesOne() {
        PrintWriter none = new PrintWriter(new StringWriter());
        assertTrue(Main.commandLine(none, none, new String[] {"-container", "app", "-name", "cp"}).getSubcommands()
                .isEmpty(), "a checkpoint's command line builds only its own model");
        CommandLine named = Main.commandLine(none, none, new String[] {"-container", "app", "list"});
        assertEquals(List.of("list"), List.copyOf(named.getSubcommands().keySet()));
        for (String[] args : List.of(new String[] {"list"}, new String[] {"lst"}, new String[] {"-v", "--help"},
                new String[] {})) {
            assertEquals(RootCommand.SUBCOMMANDS.keySet(), Main.commandLine(none, none, args).getSubcommands()
                    .keySet(), String.join(" ", args));
        }
        Run verboseList = run("-v", "list", "-dir", tmp.resolve("none").toString());
        assertTrue(!verboseList.err().contains("Unmatched"), "options before a subcommand still reach it: "
                + verboseList.err());
    }

    @Test
    void everySubcommandIsListedUnderItsOwnName() {
        for (var e : RootCommand.SUBCOMMANDS.entrySet()) {
            assertEquals(e.getKey(), e.getValue().getAnnotation(CommandLine.Command.class).name());
        }
        assertEquals(11, RootCommand.SUBCOMMANDS.size());
    }

    @Test
    void shortHelpWorksToo() {
        Run r = run("-h");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("-new-name"), r.out());
    }

    @Test
    void subcommandHelpExitsZero() {
        Run doctor = run("doctor", "--help");
        assertEquals(0, doctor.exit());
        assertTrue(doctor.out().contains("doctor"), doctor.out());
        Run list = run("list", "--help");
        assertEquals(0, list.exit());
        assertTrue(list.out().contains("-dir"), list.out());
    }

    // ---------------------------------------------------------------- option parsing

    @Test
    void defaults() {
        RootCommand c = parse();
        assertNull(c.container);
        assertEquals("checkpoint1", c.name);
        assertNull(c.dir, "chosen when the backend is known: the seed's in process, the helper's first through it");
        assertTrue(c.leaveRunning);
        assertTrue(c.tcp);
        assertTrue(c.fileLocks);
        assertFalse(c.preDump);
        assertFalse(c.restore);
        assertNull(c.newName);
        assertFalse(c.verbose);
    }

    @Test
    void seedStyleSingleDashOptions() {
        RootCommand c = parse("-container", "myapp", "-name", "cp7", "-dir", "/var/tmp/cps", "-new-name", "copy");
        assertEquals("myapp", c.container);
        assertEquals("cp7", c.name);
        assertEquals(Path.of("/var/tmp/cps"), c.dir);
        assertEquals("copy", c.newName);
    }

    @Test
    void doubleDashOptionsAlsoWork() {
        RootCommand c = parse("--container", "x", "--name", "n", "--tcp=false", "--restore");
        assertEquals("x", c.container);
        assertEquals("n", c.name);
        assertFalse(c.tcp);
        assertTrue(c.restore);
    }

    @Test
    void booleanOptionsWithValue() {
        assertFalse(parse("-tcp=false").tcp);
        assertTrue(parse("-tcp").tcp);
        assertTrue(parse("-tcp=true").tcp);
        assertFalse(parse("-leave-running=false").leaveRunning);
        assertFalse(parse("-file-locks=false").fileLocks);
        assertTrue(parse("-pre-dump").preDump);
        assertTrue(parse("-pre-dump=true").preDump);
        assertFalse(parse("-pre-dump=false").preDump);
        assertTrue(parse("-restore").restore);
    }

    @Test
    void booleanFlagFollowedByAnotherOptionDoesNotSwallowIt() {
        RootCommand c = parse("-tcp", "-container", "myapp");
        assertTrue(c.tcp);
        assertEquals("myapp", c.container);
        RootCommand d = parse("-restore", "-container", "myapp", "-leave-running=false");
        assertTrue(d.restore);
        assertEquals("myapp", d.container);
        assertFalse(d.leaveRunning);
        // only the flag named is changed
        assertTrue(d.tcp);
        assertTrue(d.fileLocks);
    }

    @Test
    void clusteredShortOptionsAreNotExpanded() {
        // "-tcp" must never be read as "-t -c -p"
        RootCommand c = parse("-tcp=false", "-v");
        assertFalse(c.tcp);
        assertTrue(c.verbose);
    }

    // ---------------------------------------------------------------- validation through Main.run

    static Stream<Arguments> badNames() {
        String longName = "n".repeat(200);
        return Stream.of(
                Arguments.of("container with slash", List.of("-container", "a/b")),
                Arguments.of("container ..", List.of("-container", "..")),
                Arguments.of("container leading dash", List.of("-container=-rf")),
                Arguments.of("name ..", List.of("-container", "dcp-unit-nonexistent", "-name", "..")),
                Arguments.of("name leading dash", List.of("-container", "dcp-unit-nonexistent", "-name=-x")),
                Arguments.of("empty name", List.of("-container", "dcp-unit-nonexistent", "-name", "")),
                Arguments.of("name with slash", List.of("-container", "dcp-unit-nonexistent", "-name", "../../etc")),
                Arguments.of("name with newline", List.of("-container", "dcp-unit-nonexistent", "-name", "a\nb")),
                Arguments.of("200-char name", List.of("-container", "dcp-unit-nonexistent", "-name", longName)),
                Arguments.of("200-char container", List.of("-container", longName)),
                Arguments.of("new-name with newline", List.of("-restore", "-container", "dcp-unit-nonexistent",
                        "-new-name", "x\ny")),
                Arguments.of("new-name with slash", List.of("-restore", "-container", "dcp-unit-nonexistent",
                        "-new-name", "x/y")),
                Arguments.of("restore, bad name", List.of("-restore", "-container", "dcp-unit-nonexistent",
                        "-name", ".hidden")),
                Arguments.of("restore, default new name too long", List.of("-restore", "-container",
                        "c".repeat(125))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNames")
    void badNamesFailCleanlyBeforeTouchingTheDisk(String label, List<String> args) {
        Path dir = tmp.resolve("not-created").resolve("checkpoints");
        List<String> all = new ArrayList<>(args);
        all.add("-dir");
        all.add(dir.toString());

        Run r = run(all.toArray(String[]::new));

        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: invalid "), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("hint: ")), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(3, r.err().split("\n", -1).length, "exactly an error line and a hint line:\n" + r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(tmp.resolve("not-created")), "the -dir must not be created");
    }

    @Test
    void errorLineNamesTheFieldAndTheReason() {
        Run r = run("-container", "dcp-unit-nonexistent", "-name", "a b", "-dir", tmp.resolve("d").toString());
        assertEquals(1, r.exit());
        String first = r.err().lines().findFirst().orElse("");
        assertEquals("error: invalid checkpoint name \"a b\": it contains a space", first);
    }

    @Test
    void newNameWithControlCharacterIsEscapedInTheMessage() {
        Run r = run("-restore", "-container", "dcp-unit-nonexistent", "-new-name", "x\ny", "-dir",
                tmp.resolve("d").toString());
        assertEquals(1, r.exit());
        String first = r.err().lines().findFirst().orElse("");
        assertEquals("error: invalid new container name \"x\\x0ay\": it contains a control character", first);
    }

    @Test
    void missingContainerFails() {
        Run r = run("-dir", tmp.resolve("d").toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().startsWith("error: missing -container"), r.err());
        assertTrue(r.err().contains("hint: "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void aHelperConfigurationGivenByHandThatDoesNotExistIsRefusedBeforeTheSocketIsMade() {
        Path socket = tmp.resolve("h.sock");
        Run r = run("helper", "--socket", socket.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--config", tmp.resolve("helper.jsn").toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("error: no helper configuration at " + tmp.resolve("helper.jsn"), r.err().lines().findFirst()
                .orElseThrow());
        assertTrue(r.err().contains("hint: check the path given to --config"), r.err());
        assertFalse(Files.exists(socket), "nothing is served");
        assertFalse(Files.exists(tmp.resolve("state")), "nothing is written");
    }

    @Test
    void controlCharacterInDirIsInvalidInput() {
        Run r = run("-container", "dcp-unit-nonexistent", "-dir", tmp.resolve("a\nb").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: checkpoint directory contains a control character"), r.err());
    }

    @Test
    void emptyDirIsInvalidInput() {
        Run r = run("-container", "dcp-unit-nonexistent", "-dir", "");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: checkpoint directory is empty"), r.err());
        assertTrue(r.err().contains("hint: "), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-bogus", "--unknown-option", "-tcp=maybe", "stray-positional"})
    void badUsageExitsTwo(String arg) {
        Run r = run("-container", "dcp-unit-nonexistent", arg, "-dir", tmp.resolve("d").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains("hint: see docker-checkpoint --help"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(tmp.resolve("d")));
    }

    @Test
    void optionMissingItsValueExitsTwo() {
        Run r = run("-container");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
    }

    // ---------------------------------------------------------------- list (no Docker needed)

    private static Manifest manifest(String container, String name, CheckpointOptions options) {
        return new Manifest(Manifest.FORMAT_VERSION, name, container, "0123456789abcdef0123",
                Instant.parse("2024-05-01T12:34:56.789Z"), dev.dockercheckpoint.core.ManifestFixtures.fullSpec(), options, Map.of("total", 1500L), null, null, null);
    }

    private static void store(Path base, Manifest m) {
        CheckpointStore.Pending p = new CheckpointStore(base).create(m.containerName(), m.checkpointName());
        p.writeManifest(m);
        p.commit();
    }

    @Test
    void listShowsStoredCheckpoints() {
        assumeTrue(Posix.isRoot(), "in process as root; other users list through the helper");
        Path base = tmp.resolve("cps");
        store(base, manifest("web", "cp2", new CheckpointOptions(false, true, false, true)));
        store(base, manifest("app", "cp1", CheckpointOptions.defaults()));

        Run r = run("list", "-dir", base.toString());

        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("CONTAINER"), r.out());
        assertTrue(lines.get(1).matches("app\\s+cp1\\s+2024-05-01 12:34:56\\s+\\S+ (?:B|KiB)\\s+(?:\\S+ ms|\\?)\\s+none\\s+leave-running tcp file-locks"),
                lines.get(1));
        assertTrue(lines.get(2).matches("web\\s+cp2\\s+2024-05-01 12:34:56\\s+\\S+ (?:B|KiB)\\s+(?:\\S+ ms|\\?)\\s+none\\s+tcp pre-dump"),
                lines.get(2));
    }

    @Test
    void listOfMissingDirSaysSoAndCreatesNothing() {
        assumeTrue(Posix.isRoot(), "in process as root; other users list through the helper");
        Path base = tmp.resolve("none");
        Run r = run("list", "-dir", base.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("No checkpoints in " + base, r.out().strip());
        assertFalse(Files.exists(base));
    }

    @Test
    void listSurvivesAManifestWithoutOptions() throws Exception {
        assumeTrue(Posix.isRoot(), "in process as root; other users list through the helper");
        Path base = tmp.resolve("cps");
        store(base, manifest("app", "good", CheckpointOptions.defaults()));
        // a parseable but sparse container.json, e.g. from an older or hand-edited checkpoint:
        // it is not a usable checkpoint, so it is left out of the list instead of breaking it
        store(base, manifest("app", "sparse", null));

        Run r = run("list", "-dir", base.toString());

        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("NullPointerException"), r.err());
        assertTrue(r.out().contains("good"), r.out());
    }

    @Test
    void argsAreNotMutated() {
        String[] args = {"-container", "a/b", "-dir", tmp.resolve("d").toString()};
        String[] copy = args.clone();
        run(args);
        assertTrue(Arrays.equals(copy, args));
    }
}
