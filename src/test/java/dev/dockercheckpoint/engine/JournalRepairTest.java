package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.ContainerSpec.RestartPolicySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The repair decisions for one journal entry, against a recording fake of the host. */
class JournalRepairTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final JournalEntry.Pid OWNER = new JournalEntry.Pid(100, 1, "java");
    private static final JournalEntry.Pid RUNC = new JournalEntry.Pid(200, 2, "/usr/sbin/runc");
    private static final JournalEntry.Pid CRIU = new JournalEntry.Pid(201, 3, "/usr/sbin/criu");

    /** A host where everything is recorded; processes end after a number of pauses. */
    static final class FakeHost implements JournalRepair.Host {
        final Set<JournalEntry.Pid> alive = new HashSet<>();
        final List<String> calls = new ArrayList<>();
        JournalRepair.ContainerView view = new JournalRepair.ContainerView("web", true, false, true, "no");
        CheckpointStore.Repaired partial = new CheckpointStore.Repaired(CheckpointStore.Outcome.REMOVED,
                Path.of("/srv/cp/web/.cp1.partial-1"), null);
        int pausesUntilEnd = -1;
        boolean thawWorks = true;
        RuntimeException dockerDown;

        @Override
        public boolean alive(JournalEntry.Pid process) {
            return alive.contains(process);
        }

        @Override
        public void pause(Duration duration) {
            calls.add("pause");
            if (--pausesUntilEnd == 0) {
                alive.remove(RUNC);
                alive.remove(CRIU);
            }
        }

        @Override
        public JournalRepair.ContainerView container(String id) {
            calls.add("inspect " + id);
            if (dockerDown != null) {
                throw dockerDown;
            }
            return view;
        }

        @Override
        public boolean thaw(String id) {
            calls.add("thaw " + id);
            return thawWorks;
        }

        @Override
        public void setRestartPolicy(String id, RestartPolicySpec policy) {
            calls.add("restart-policy " + id + " " + policy.name());
        }

        boolean copyRemovable = true;

        @Override
        public boolean removeCopy(String dockerHost, String name) {
            calls.add("remove-copy " + dockerHost + " " + name);
            return copyRemovable;
        }

        @Override
        public void removeFrozen(String id) {
            calls.add("remove-frozen " + id);
        }

        @Override
        public CheckpointStore.Repaired repairPartial(Path base, String container, String partial, boolean mayKeep) {
            calls.add("partial " + base + " " + container + " " + partial + (mayKeep ? " may-keep" : " remove"));
            return this.partial;
        }

        List<String> changes() {
            return calls.stream().filter(c -> !c.equals("pause") && !c.startsWith("inspect")).toList();
        }
    }

    private static JournalEntry checkpoint() {
        return JournalEntry.checkpoint("c0ffee", "web", Path.of("/srv/cp"), "cp1", ".cp1.partial-1")
                .withId("e1", OWNER).withProcess(RUNC).withProcess(CRIU);
    }

    @Test
    void anOperationWhoseWriterStillRunsIsNotTouched() {
        FakeHost host = new FakeHost();
        host.alive.add(OWNER);
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true), host, WAIT);
        assertFalse(o.done());
        assertEquals(List.of(), host.calls);
        assertTrue(o.problems().getFirst().contains("still in progress in process 100"), o.toString());
    }

    @Test
    void itsOwnRuncAndCriuAreWaitedForBeforeAnythingIsTouched() {
        FakeHost host = new FakeHost();
        host.alive.addAll(List.of(RUNC, CRIU));
        host.pausesUntilEnd = 3;
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true), host, WAIT);
        assertTrue(o.done(), o.toString());
        assertEquals(List.of("pause", "pause", "pause", "inspect c0ffee", "thaw c0ffee",
                "partial /srv/cp web .cp1.partial-1 may-keep"), host.calls, "waited first, then repaired");
        assertTrue(o.repairs().contains("container web was left frozen by an interrupted dump and has been thawed"),
                o.toString());
        assertTrue(o.repairs().contains("removed incomplete checkpoint directory /srv/cp/web/.cp1.partial-1"));
    }

    @Test
    void anInterruptedMigrationRemovesTheCopyBeforeItThawsTheOriginal() {
        FakeHost host = new FakeHost();
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withMigration(JournalEntry.RESTORING, "unix:///run/b.sock", "web"), host, WAIT);
        assertTrue(o.done(), o.toString());
        assertEquals(List.of("remove-copy unix:///run/b.sock web", "thaw c0ffee",
                "partial /srv/cp web .cp1.partial-1 may-keep"), host.changes());
    }

    @Test
    void aCopyThatCannotBeRemovedKeepsTheOriginalFrozen() {
        FakeHost host = new FakeHost();
        host.copyRemovable = false;
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withMigration(JournalEntry.RESTORING, "unix:///run/b.sock", "web"), host, WAIT);
        assertFalse(o.done(), "left for the next start");
        assertFalse(host.changes().contains("thaw c0ffee"), "never thawed beside a copy: " + host.changes());
        assertTrue(o.problems().getFirst().contains("stays frozen"), o.toString());
    }

    @Test
    void aMigrationToAnotherHostIsThawedWithoutACopyToRemoveHere() {
        FakeHost host = new FakeHost();
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withMigration(JournalEntry.RESTORING, null, "web"), host, WAIT);
        assertTrue(o.done(), o.toString());
        assertEquals("thaw c0ffee", host.changes().getFirst(), "the other side removes its copy itself");
    }

    @Test
    void aCommittedMigrationRemovesTheOriginalAndNeverThawsIt() {
        FakeHost host = new FakeHost();
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withMigration(JournalEntry.COMMITTED, "unix:///run/b.sock", "web"), host, WAIT);
        assertTrue(o.done(), o.toString());
        assertEquals(List.of("remove-frozen c0ffee", "partial /srv/cp web .cp1.partial-1 may-keep"), host.changes());
    }

    @Test
    void aMigrationWhoseCommitWasNotConfirmedTouchesNeitherSide() {
        FakeHost host = new FakeHost();
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withMigration(JournalEntry.COMMITTING, null, "web"), host, WAIT);
        assertFalse(o.done());
        assertFalse(host.changes().stream().anyMatch(c -> c.startsWith("thaw") || c.startsWith("remove")),
                host.changes().toString());
        assertTrue(o.problems().getFirst().contains("docker rm -f web"), o.toString());
    }

    @Test
    void processesStillRunningAfterTheWaitLeaveTheEntryForTheNextStart() {
        FakeHost host = new FakeHost();
        host.alive.add(CRIU);
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true), host, Duration.ZERO);
        assertFalse(o.done());
        assertEquals(List.of(), host.changes(), "nothing touched under a working CRIU");
        assertTrue(o.problems().getFirst().contains("/usr/sbin/criu (pid 201)"), o.toString());
    }

    @Test
    void aProcessWithTheSamePidButAnotherStartTimeIsNotWaitedFor() {
        FakeHost host = new FakeHost();
        host.alive.add(new JournalEntry.Pid(RUNC.pid(), RUNC.startTime() + 99, "/usr/bin/other"));
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint(), host, Duration.ZERO);
        assertTrue(o.done(), o.toString());
        assertFalse(host.calls.contains("pause"));
    }

    @Test
    void onlyAContainerThisOperationFrozeAndDockerDidNotPauseIsThawed() {
        FakeHost notFrozenByUs = new FakeHost();
        JournalRepair.repair(checkpoint().withFrozen(false), notFrozenByUs, WAIT);
        assertFalse(notFrozenByUs.calls.stream().anyMatch(c -> c.startsWith("thaw")));

        FakeHost pausedByUser = new FakeHost();
        pausedByUser.view = new JournalRepair.ContainerView("web", true, true, true, "no");
        JournalRepair.repair(checkpoint().withFrozen(true), pausedByUser, WAIT);
        assertFalse(pausedByUser.calls.stream().anyMatch(c -> c.startsWith("thaw")), "docker pause is the user's");

        FakeHost notPaused = new FakeHost();
        notPaused.view = new JournalRepair.ContainerView("web", true, false, false, "no");
        JournalRepair.repair(checkpoint().withFrozen(true), notPaused, WAIT);
        assertFalse(notPaused.calls.stream().anyMatch(c -> c.startsWith("thaw")));

        FakeHost gone = new FakeHost();
        gone.view = null;
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true)
                .withSuspendedRestartPolicy(new RestartPolicySpec("always", 0)), gone, WAIT);
        assertTrue(o.done());
        assertEquals(List.of("partial /srv/cp web .cp1.partial-1 may-keep"), gone.changes());

        FakeHost stuck = new FakeHost();
        stuck.thawWorks = false;
        assertFalse(JournalRepair.repair(checkpoint().withFrozen(true), stuck, WAIT).done(), "retried next start");
    }

    @Test
    void aSuspendedRestartPolicyIsPutBackOnlyWhereItIsStillNo() {
        RestartPolicySpec always = new RestartPolicySpec("always", 0);
        FakeHost suspended = new FakeHost();
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withSuspendedRestartPolicy(always), suspended,
                WAIT);
        assertTrue(suspended.changes().contains("restart-policy c0ffee always"), suspended.calls.toString());
        assertTrue(o.repairs().stream().anyMatch(r -> r.startsWith("put back restart policy always of container"
                + " web")), o.toString());

        FakeHost changedSince = new FakeHost();
        changedSince.view = new JournalRepair.ContainerView("web", false, false, false, "unless-stopped");
        JournalRepair.repair(checkpoint().withSuspendedRestartPolicy(always), changedSince, WAIT);
        assertFalse(changedSince.calls.stream().anyMatch(c -> c.startsWith("restart-policy")));

        FakeHost never = new FakeHost();
        JournalRepair.repair(checkpoint(), never, WAIT);
        assertFalse(never.calls.stream().anyMatch(c -> c.startsWith("restart-policy")));
    }

    @Test
    void whatTheStoreDidWithTheTemporaryDirectoryIsReported() {
        FakeHost kept = new FakeHost();
        kept.partial = new CheckpointStore.Repaired(CheckpointStore.Outcome.KEPT, Path.of("/srv/cp/web/cp1"), null);
        assertTrue(JournalRepair.repair(checkpoint(), kept, WAIT).repairs().contains(
                "kept the finished dump of an interrupted checkpoint as /srv/cp/web/cp1 (marked incomplete)"));

        FakeHost link = new FakeHost();
        link.partial = new CheckpointStore.Repaired(CheckpointStore.Outcome.LEFT,
                Path.of("/srv/cp/web/.cp1.partial-1"), "it is a symbolic link");
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint(), link, WAIT);
        assertTrue(o.done(), "a link is left alone for good");
        assertEquals(List.of("left /srv/cp/web/.cp1.partial-1 alone: it is a symbolic link"), o.problems());

        FakeHost absent = new FakeHost();
        absent.partial = new CheckpointStore.Repaired(CheckpointStore.Outcome.ABSENT, Path.of("/x"), null);
        JournalRepair.Outcome none = JournalRepair.repair(checkpoint(), absent, WAIT);
        assertTrue(none.done());
        assertEquals(List.of(), none.repairs());
    }

    @Test
    void anInterruptedDeleteRemovesItsRenamedCheckpointAndNeverKeepsIt() {
        FakeHost host = new FakeHost();
        JournalEntry e = JournalEntry.delete("web", Path.of("/srv/cp"), "cp1", ".cp1.partial-deleting-1")
                .withId("e2", OWNER);
        JournalRepair.Outcome o = JournalRepair.repair(e, host, WAIT);
        assertTrue(o.done());
        assertEquals(List.of("partial /srv/cp web .cp1.partial-deleting-1 remove"), host.calls);
    }

    @Test
    void aFailingStepKeepsTheEntry() {
        FakeHost host = new FakeHost();
        host.dockerDown = new IllegalStateException("Docker is not running");
        JournalRepair.Outcome o = JournalRepair.repair(checkpoint().withFrozen(true), host, WAIT);
        assertFalse(o.done());
        assertTrue(o.problems().getFirst().contains("Docker is not running"), o.toString());
        assertTrue(host.calls.contains("partial /srv/cp web .cp1.partial-1 may-keep"), "the rest is still done");
    }
}
