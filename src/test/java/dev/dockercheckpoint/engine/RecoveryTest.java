package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repairs at start, on a real journal and store, with a Docker engine that is not there. */
class RecoveryTest {
    @TempDir
    Path tmp;

    private static Path privateDirs(Path dir, Path upTo) throws IOException {
        Files.createDirectories(dir);
        for (Path p = dir; !p.equals(upTo); p = p.getParent()) {
            Files.setPosixFilePermissions(p, Posix.DIR_PRIVATE);
        }
        return dir;
    }

    /** Writes an entry as a process that is gone would have left it. */
    private static JournalEntry plant(Path journalDir, String id, JournalEntry e) throws IOException {
        privateDirs(journalDir, journalDir.getParent());
        JournalEntry planted = e.withId(id, new JournalEntry.Pid(999_999_999L, 1, "gone"));
        CheckpointStore.writeJson(journalDir.resolve(id + ".json"), planted);
        return planted;
    }

    @Test
    void repairsRunBesideTheCallerTouchOnlyTheirEntriesAndKeepWhatCouldNotBeRepaired() throws Exception {
        Path base = privateDirs(tmp.resolve("base"), tmp);
        Path deleted = privateDirs(base.resolve("web/.cp1.partial-deleting-1"), tmp);
        Files.writeString(deleted.resolve("pages-1.img"), "x");
        Path partial = privateDirs(base.resolve("db/.cp2.partial-2"), tmp);
        Path stillWorking = privateDirs(base.resolve("web/.cp3.partial-deleting-3"), tmp);
        Path foreign = privateDirs(base.resolve("web/.x.partial-1"), tmp);
        Path journalDir = tmp.resolve("journal");
        plant(journalDir, "a-1", JournalEntry.delete("web", base, "cp1", ".cp1.partial-deleting-1"));
        plant(journalDir, "b-2", JournalEntry.checkpoint("c0ffee", "db", base, "cp2", ".cp2.partial-2")
                .withFrozen(true));
        Journal journal = Journal.at(journalDir);
        Journal.Entry live = journal.begin(JournalEntry.delete("web", base, "cp3", ".cp3.partial-deleting-3"));

        List<String> repaired = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        Set<String> repairing = ConcurrentHashMap.newKeySet();
        // the real store and journal; Docker is not reachable
        JournalRepair.Host host = new JournalRepair.Host() {
            @Override
            public boolean alive(JournalEntry.Pid process) {
                return process.alive();
            }

            @Override
            public void pause(Duration duration) throws InterruptedException {
                Thread.sleep(duration);
            }

            @Override
            public JournalRepair.ContainerView container(String id) {
                assertTrue(repairing.contains(id), "held while it is repaired");
                throw new IllegalStateException("Docker engine not reachable");
            }

            @Override
            public boolean thaw(String id) {
                throw new AssertionError("not reached");
            }

            @Override
            public void setRestartPolicy(String id, RestartPolicySpec policy) {
                throw new AssertionError("not reached");
            }

            @Override
            public boolean removeCopy(String dockerHost, String name) {
                throw new AssertionError("not reached");
            }

            @Override
            public void removeFrozen(String id) {
                throw new AssertionError("not reached");
            }

            @Override
            public CheckpointStore.Repaired repairPartial(Path b, String container, String partial, boolean mayKeep) {
                return Recovery.inStore(b, container, partial, mayKeep);
            }
        };
        Recovery recovery = Recovery.start(repairing, journal, new RuncCriuConfig(tmp.resolve("etc/criu/runc.conf")),
                host, new Recovery.Listener() {
                    @Override
                    public void repaired(String what) {
                        repaired.add(what);
                    }

                    @Override
                    public void problem(String what) {
                        problems.add(what);
                    }
                }, Duration.ofSeconds(5));
        assertTrue(recovery.await(Duration.ofSeconds(30)), "the repairs end");
        assertTrue(repairing.isEmpty(), "no container is held once its repair has ended");

        assertFalse(Files.exists(deleted), "an interrupted delete is finished");
        assertFalse(Files.exists(partial), "an unfinished dump's directory is removed, Docker or not");
        assertTrue(Files.isDirectory(stillWorking), "an operation whose writer runs is not interrupted");
        assertTrue(Files.isDirectory(foreign), "what no entry names is not touched");
        assertTrue(repaired.contains("removed what was left of deleted checkpoint " + deleted), repaired.toString());
        assertTrue(repaired.contains("removed incomplete checkpoint directory " + partial), repaired.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("cannot check container db")
                && p.contains("not reachable")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("still in progress in process "
                + ProcessHandle.current().pid())), problems.toString());
        assertEquals(java.util.Set.of("b-2", live.entry().id()), journal.entries().stream().map(JournalEntry::id)
                .collect(java.util.stream.Collectors.toSet()),
                "the repaired entry is gone; the unreachable container's and the live one stay");
        live.close();
    }
}
