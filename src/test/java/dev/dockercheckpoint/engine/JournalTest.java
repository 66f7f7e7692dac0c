package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal of operations in flight: written before a change, kept up to date, removed at the end. */
class JournalTest {
    @TempDir
    Path tmp;

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static JournalEntry sample() {
        return JournalEntry.checkpoint("abc123", "web", Path.of("/srv/cp"), "cp1", ".cp1.partial-0badcafe");
    }

    @Test
    void anEntryIsOnDiskBeforeBeginReturnsAndGoneWhenTheOperationEnds() throws IOException {
        Path dir = tmp.resolve("state/journal");
        Journal journal = Journal.at(dir);
        Journal.Entry entry = journal.begin(sample());
        List<Path> files = files(dir);
        assertEquals(1, files.size());
        assertEquals(entry.entry().id() + ".json", files.getFirst().getFileName().toString());
        assertEquals(0600, Posix.mode(files.getFirst()) & 07777);
        assertEquals(0700, Posix.mode(dir) & 07777);
        assertEquals(0700, Posix.mode(dir.getParent()) & 07777, "missing levels are created private");

        JournalEntry read = journal.entries().getFirst();
        assertEquals(entry.entry(), read);
        assertEquals(ProcessHandle.current().pid(), read.owner().pid());
        assertTrue(read.owner().alive(), "the writer is this very process");
        assertEquals(".cp1.partial-0badcafe", read.partialDir());
        assertEquals("/srv/cp", read.baseDir());

        entry.update(e -> e.withFrozen(true).withSuspendedRestartPolicy(new RestartPolicySpec("always", 0)));
        JournalEntry updated = journal.entries().getFirst();
        assertTrue(updated.frozen());
        assertEquals(new RestartPolicySpec("always", 0), updated.suspendedRestartPolicy());

        entry.close();
        assertEquals(List.of(), files(dir));
        assertEquals(List.of(), journal.entries());
        entry.update(e -> e.withFrozen(false)); // after the end: nothing is written again
        assertEquals(List.of(), files(dir));
    }

    @Test
    void eachEngineReadsItsOwnEntriesAndTheDefaultOneAlsoTheUnstamped() {
        Journal journal = Journal.at(tmp.resolve("shared"));
        Journal system = journal.forHost("unix:///var/run/docker.sock", true);
        Journal second = journal.forHost("unix:///run/dcp-engine2/docker.sock", false);
        Journal.Entry a = system.begin(sample());
        Journal.Entry b = second.begin(sample());
        Journal.Entry old = journal.begin(sample());
        a.keep();
        b.keep();
        old.keep();
        assertEquals("unix:///var/run/docker.sock", a.entry().dockerHost());
        assertEquals(List.of(b.entry().id()), second.entries().stream().map(JournalEntry::id).toList());
        assertEquals(java.util.Set.of(a.entry().id(), old.entry().id()),
                java.util.Set.copyOf(system.entries().stream().map(JournalEntry::id).toList()));
        assertEquals(3, journal.entries().size(), "the whole journal");
    }

    @Test
    void aKeptEntryStaysForTheNextStart() {
        Journal journal = Journal.at(tmp.resolve("j"));
        Journal.Entry entry = journal.begin(sample());
        entry.keep();
        entry.close();
        assertEquals(List.of(entry.entry()), journal.entries());
        journal.remove(entry.entry().id());
        assertEquals(List.of(), journal.entries());
    }

    @Test
    void aJournalDirectoryThatIsALinkOrOpenToOthersIsRefused() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.setPosixFilePermissions(real, Posix.DIR_PRIVATE);
        Files.createSymbolicLink(tmp.resolve("link"), real);
        DcpException e = assertThrows(DcpException.class, () -> Journal.at(tmp.resolve("link")).begin(sample()));
        assertEquals(ErrorCode.UNSAFE_DIRECTORY, e.code());
        assertTrue(e.getMessage().startsWith("cannot write the journal"), e.getMessage());
        assertEquals(List.of(), files(real));

        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(ErrorCode.UNSAFE_DIRECTORY, assertThrows(DcpException.class,
                () -> Journal.at(open).begin(sample())).code());
        assertEquals(ErrorCode.UNSAFE_DIRECTORY, assertThrows(DcpException.class,
                () -> Journal.at(open).entries()).code());
    }

    @Test
    void strayAndUnreadableFilesAreIgnored() throws IOException {
        Path dir = tmp.resolve("j");
        Journal journal = Journal.at(dir);
        Journal.Entry good = journal.begin(sample());
        Files.writeString(dir.resolve("garbage.json"), "{not json");
        Files.writeString(dir.resolve("README"), "not an entry");
        Files.writeString(dir.resolve("other-name.json"), Json.mapper().writeValueAsString(good.entry()));
        Files.createSymbolicLink(dir.resolve("link.json"), dir.resolve(good.entry().id() + ".json"));
        assertEquals(List.of(good.entry()), journal.entries());
        assertTrue(Files.exists(dir.resolve("garbage.json")), "left where it is");
    }

    @Test
    void noJournalWritesNothing() {
        Journal.Entry e = Journal.NONE.begin(sample());
        e.update(x -> x.withFrozen(true));
        e.close();
        assertEquals(List.of(), Journal.NONE.entries());
        assertNull(Journal.NONE.dir());
    }

    @Test
    void aPidIsAliveOnlyWithItsOwnStartTime() {
        JournalEntry.Pid me = JournalEntry.Pid.of(ProcessHandle.current());
        assertTrue(me.alive());
        assertFalse(new JournalEntry.Pid(me.pid(), me.startTime() + 1, "reused").alive(), "a reused pid is another"
                + " process");
        assertFalse(new JournalEntry.Pid(Long.MAX_VALUE / 2, me.startTime(), "gone").alive());
        assertEquals(-1, JournalEntry.Pid.startTime(-5));
    }

    @Test
    void theRecordingRunnerNotesEveryProcessAndItsChildrenBeforeTheyEnd() throws Exception {
        Journal journal = Journal.at(tmp.resolve("j"));
        Journal.Entry entry = journal.begin(sample());
        ProcessRunner runner = entry.recording(new SystemProcessRunner());
        // a parent that starts a child, as runc starts CRIU
        ProcessResult r = runner.run(List.of("sh", "-c", "sleep 0.6 & wait"), Map.of(), Duration.ofSeconds(20));
        assertTrue(r.ok(), r.toString());
        runner.run(List.of("sleep", "0.5"), Duration.ofSeconds(20));
        List<JournalEntry.Pid> recorded = journal.entries().getFirst().processes();
        assertEquals(3, recorded.size(), "sh, its sleep and the second sleep: " + recorded);
        assertTrue(recorded.stream().anyMatch(p -> p.command().endsWith("/sleep")), recorded.toString());
        assertTrue(recorded.stream().noneMatch(JournalEntry.Pid::alive), "all ended: " + recorded);
        entry.close();
    }

    @Test
    void anEntryRoundTripsThroughJsonWithItsProcesses() throws IOException {
        JournalEntry e = sample().withId("x-1-2", new JournalEntry.Pid(1, 2, "java"))
                .withProcess(new JournalEntry.Pid(10, 20, "/usr/sbin/runc"))
                .withProcess(new JournalEntry.Pid(10, 20, "/usr/sbin/runc"));
        assertEquals(1, e.processes().size(), "recorded once");
        String json = Json.mapper().writeValueAsString(e);
        assertEquals(e, Json.mapper().readValue(json, JournalEntry.class));
    }
}
