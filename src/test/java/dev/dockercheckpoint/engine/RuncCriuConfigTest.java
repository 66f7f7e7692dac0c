package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncCriuConfigTest {
    private static final CheckpointOptions TCP_AND_LOCKS = CheckpointOptions.defaults();
    private static final CheckpointOptions NEITHER = new CheckpointOptions(true, false, false, false);
    private static final String ORIGINAL = "# host settings\nlog-level 4\nmanage-cgroups-mode ignore";

    @TempDir
    Path tmp;

    Path file;
    RuncCriuConfig config;

    @BeforeEach
    void setUp() {
        file = tmp.resolve("etc").resolve("criu").resolve("runc.conf");
        config = new RuncCriuConfig(file);
    }

    private Path saved() {
        return file.resolveSibling(file.getFileName() + ".docker-checkpoint-saved");
    }

    /** Setting lines (no comments, no blanks) of the file. */
    private static List<String> settingLines(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private List<String> visibleEntries() throws IOException {
        try (Stream<Path> s = Files.list(file.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void filePathIsTheOneGiven() {
        assertEquals(file, config.file());
    }

    @Test
    void restoreLinesFollowTheOptions() {
        assertEquals(List.of("tcp-established", "file-locks"), RuncCriuConfig.restoreLines(TCP_AND_LOCKS));
        assertEquals(List.of("tcp-established"), RuncCriuConfig.restoreLines(TCP_AND_LOCKS.withFileLocks(false)));
        assertEquals(List.of("file-locks"), RuncCriuConfig.restoreLines(TCP_AND_LOCKS.withTcpEstablished(false)));
        assertEquals(List.of(), RuncCriuConfig.restoreLines(NEITHER));
    }

    @Test
    void forRestoreWritesOptionsDuringTheCallAndRemovesAFileThatDidNotExist() throws IOException {
        assertFalse(Files.exists(file));
        List<String> during = config.forRestore(TCP_AND_LOCKS, null, () -> settingLines(file));

        assertEquals(List.of("tcp-established", "file-locks"), during);
        assertFalse(Files.exists(file), "runc.conf must be removed again");
        assertFalse(Files.exists(saved()), "the saved copy must be removed");
        assertEquals(List.of(), visibleEntries());
    }

    @Test
    void forRestoreWritesOnlyTheChosenOption() {
        List<String> during = config.forRestore(TCP_AND_LOCKS.withFileLocks(false), null, () -> settingLines(file));
        assertEquals(List.of("tcp-established"), during);
        assertFalse(Files.exists(file));
    }

    @Test
    void forRestoreKeepsAndThenRestoresAnExistingFile() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, ORIGINAL, StandardCharsets.UTF_8);

        String during = config.forRestore(TCP_AND_LOCKS, null, () -> Files.readString(file, StandardCharsets.UTF_8));

        assertTrue(during.startsWith(ORIGINAL + "\n"), during);
        List<String> lines = during.lines().toList();
        assertTrue(lines.contains("log-level 4"), during);
        assertTrue(lines.contains("tcp-established"), during);
        assertTrue(lines.contains("file-locks"), during);
        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8), "byte-exact original content");
        assertFalse(Files.exists(saved()));
    }

    @Test
    void forRestorePutsBackTheOriginalWhenTheCallThrows() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, ORIGINAL, StandardCharsets.UTF_8);
        AtomicBoolean sawOptions = new AtomicBoolean();

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> config.forRestore(TCP_AND_LOCKS, null,
                () -> {
                    sawOptions.set(settingLines(file).contains("tcp-established"));
                    throw new IllegalStateException("restore failed");
                }));

        assertEquals("restore failed", e.getMessage());
        assertTrue(sawOptions.get());
        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(Files.exists(saved()));
    }

    @Test
    void forRestoreRemovesTheFileWhenTheCallThrowsAndNoneExisted() {
        DcpException boom = new DcpException(ErrorCode.CRIU_FAILED, "criu failed", "read the log");
        DcpException e = assertThrows(DcpException.class, () -> config.forRestore(TCP_AND_LOCKS, null, () -> {
            assertTrue(Files.isRegularFile(file));
            throw boom;
        }));
        assertSame(boom, e);
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(saved()));
    }

    @Test
    void forRestoreWithoutOptionsDoesNotCreateTheFile() {
        String result = config.forRestore(NEITHER, null, () -> Files.exists(file) ? "exists" : "absent");
        assertEquals("absent", result);
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(saved()));
    }

    @Test
    void forRestoreWithoutOptionsLeavesAnExistingFileAlone() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, ORIGINAL, StandardCharsets.UTF_8);
        String during = config.forRestore(NEITHER, null, () -> Files.readString(file, StandardCharsets.UTF_8));
        assertEquals(ORIGINAL, during);
        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The state an interrupted forRestore leaves behind: modified runc.conf plus the saved original. */
    private void simulateCrashedRestore(String savedContent, String modifiedContent) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(saved(), savedContent, StandardCharsets.UTF_8);
        Files.writeString(file, modifiedContent, StandardCharsets.UTF_8);
    }

    @Test
    void repairPutsBackTheOriginalAfterACrash() throws IOException {
        simulateCrashedRestore(ORIGINAL, ORIGINAL + "\n" + RuncCriuConfig.MARKER + "\ntcp-established\nfile-locks\n");

        config.repair();

        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(Files.exists(saved()));
        assertFalse(config.repair(), "nothing left to repair");
    }

    @Test
    void repairRemovesAFileThatDidNotExistBeforeTheCrash() throws IOException {
        // what forRestore saves when there was no runc.conf (RuncCriuConfig.ABSENT)
        simulateCrashedRestore("# docker-checkpoint: no runc.conf existed\n",
                RuncCriuConfig.MARKER + "\ntcp-established\n");

        config.repair();

        assertFalse(Files.exists(file));
        assertFalse(Files.exists(saved()));
    }

    @Test
    void repairReturnsTrueWhenItRepairedSomething() throws IOException {
        // documented: "Returns true if it did."
        simulateCrashedRestore(ORIGINAL, ORIGINAL + "\n" + RuncCriuConfig.MARKER + "\ntcp-established\n");

        boolean repaired = config.repair();

        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8), "precondition: it did repair");
        assertTrue(repaired, "repair() put runc.conf back but reported that it did nothing");
    }

    @Test
    void repairReturnsFalseWhenNothingToRepair() throws IOException {
        assertFalse(config.repair());
        Files.createDirectories(file.getParent());
        Files.writeString(file, ORIGINAL, StandardCharsets.UTF_8);
        assertFalse(config.repair());
        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aLeftoverFromACrashIsRepairedBeforeTheNextRestore() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(saved(), ORIGINAL, StandardCharsets.UTF_8);
        Files.writeString(file, ORIGINAL + "\n" + RuncCriuConfig.MARKER + "\ntcp-established\n",
                StandardCharsets.UTF_8);

        List<String> during = config.forRestore(TCP_AND_LOCKS.withTcpEstablished(false), null, () -> settingLines(file));

        // the crashed restore's tcp-established must not survive into this one
        assertEquals(List.of("log-level", "manage-cgroups-mode", "file-locks"),
                during.stream().map(l -> l.split("\\s+")[0]).toList());
        assertEquals(ORIGINAL, Files.readString(file, StandardCharsets.UTF_8));
        assertFalse(Files.exists(saved()));
    }

    @Test
    void forDumpRefusesWhenTheHostFileForcesTcpAgainstTheUsersChoice() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# host\ntcp-established\n", StandardCharsets.UTF_8);
        AtomicBoolean ran = new AtomicBoolean();

        DcpException e = assertThrows(DcpException.class,
                () -> config.forDump(TCP_AND_LOCKS.withTcpEstablished(false), () -> ran.getAndSet(true)));

        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("tcp-established"), e.getMessage());
        assertTrue(e.getMessage().contains("-tcp=false"), e.getMessage());
        assertFalse(e.hint().isBlank());
        assertFalse(ran.get(), "the dump must not run");
    }

    @Test
    void forDumpRefusesWhenTheHostFileForcesFileLocksAgainstTheUsersChoice() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "--file-locks\n", StandardCharsets.UTF_8);
        DcpException e = assertThrows(DcpException.class,
                () -> config.forDump(TCP_AND_LOCKS.withFileLocks(false), () -> "dumped"));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("-file-locks=false"), e.getMessage());
    }

    @Test
    void forDumpRunsWhenTheHostFileAgreesOrIsAbsent() throws IOException {
        assertEquals("dumped", config.forDump(NEITHER, () -> "dumped"));
        assertFalse(Files.exists(file), "forDump must not create runc.conf");

        Files.createDirectories(file.getParent());
        Files.writeString(file, "tcp-established\nfile-locks\n", StandardCharsets.UTF_8);
        assertEquals("dumped", config.forDump(TCP_AND_LOCKS, () -> "dumped"));
        assertEquals("tcp-established\nfile-locks\n", Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void forDumpIgnoresCommentedSettings() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# tcp-established\n  # file-locks\nlog-level 4\n", StandardCharsets.UTF_8);
        assertEquals(7, config.forDump(NEITHER, () -> 7));
    }

    @Test
    void settingsParsesOptionNames() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# comment\n\n  Tcp-Established  \n--file-locks\nlog-file=/tmp/x.log\nlog-level 4\n",
                StandardCharsets.UTF_8);
        assertEquals(List.of("tcp-established", "file-locks", "log-file", "log-level"), config.settings());
    }

    @Test
    void forRestoreSendsCriusLogWhereItIsAsked() throws Exception {
        java.nio.file.Path log = file.resolveSibling("restore.log");
        List<String> during = config.forRestore(new dev.dockercheckpoint.core.CheckpointOptions(true, false, false,
                false), log, () -> java.nio.file.Files.readAllLines(file));
        assertTrue(during.contains("log-file " + log), during.toString());
        assertFalse(java.nio.file.Files.exists(file), "put back (absent) afterwards");
    }
}
