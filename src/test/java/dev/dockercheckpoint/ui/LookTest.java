package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.ui.services.OperationProgress;
import dev.dockercheckpoint.ui.services.TimeEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Logic behind the look: time estimates and desktop notifications. */
class LookTest {
    @Test
    void anEstimateCountsDownFromTheLastComparableOperation() {
        assertEquals("0.4 s elapsed, about 2 s left (the last one took 2.3 s)", TimeEstimate.describe(400, 0.1, 2300L));
        assertEquals("1.2 s elapsed, less than a second left (the last one took 1.3 s)",
                TimeEstimate.describe(1200, 0.3, 1300L));
        assertEquals("2.0 s elapsed, longer than the last one (1.3 s)", TimeEstimate.describe(2000, 0.3, 1300L));
    }

    @Test
    void withoutAPreviousOneTheShareDoneIsExtrapolated() {
        assertEquals("0.2 s elapsed", TimeEstimate.describe(200, 0.5, null), "too early to say");
        assertEquals("3.0 s elapsed", TimeEstimate.describe(3000, 0.1, null), "too little done to say");
        assertEquals("3.0 s elapsed, about 3 s left", TimeEstimate.describe(3000, 0.5, null));
        assertEquals("12 s elapsed, about 36 s left", TimeEstimate.describe(12_000, 0.25, null));
        assertEquals("2 min 0 s elapsed, about 6 min left", TimeEstimate.describe(120_000, 0.25, null));
    }

    @Test
    void progressTellsTheTimeWhileRunningOnly() {
        AtomicLong now = new AtomicLong(10_000);
        OperationProgress op = new OperationProgress(now::get);
        assertEquals("", op.timeProperty().get());
        op.begin();
        assertEquals("0.0 s elapsed", op.timeProperty().get());
        now.addAndGet(1000);
        op.phase("dumping with CRIU", 0.5);
        assertEquals("1.0 s elapsed, about 1 s left", op.timeProperty().get());
        now.addAndGet(500);
        op.tick();
        assertEquals("1.5 s elapsed, about 2 s left", op.timeProperty().get());
        op.succeeded("done");
        assertEquals("", op.timeProperty().get());
        op.expect(4000L);
        op.begin();
        assertTrue(op.timeProperty().get().endsWith("about 4 s left (the last one took 4.0 s)"),
                op.timeProperty().get());
    }

    @Test
    void thePhaseCarriesTheTimeWhileItRuns() {
        AtomicLong now = new AtomicLong(10_000);
        OperationProgress op = new OperationProgress(now::get);
        var label = op.phaseAndTime();
        assertEquals("", label.get());
        op.begin();
        now.addAndGet(1000);
        op.phase("dumping with CRIU", 0.5);
        assertEquals("dumping with CRIU  \u00b7  1.0 s elapsed, about 1 s left", label.get());
        op.failed();
        assertEquals("failed", label.get(), "no time once it ended");
    }

    @Test
    void theDesktopIsNotifiedOnlyWhenTheWindowIsInTheBackground() {
        List<List<String>> sent = new ArrayList<>();
        boolean[] focused = {true};
        DesktopNotifier notifier = new DesktopNotifier(() -> focused[0], sent::add);
        notifier.operationEnded("Checkpoint web/cp1 made", "Downtime 12.0 ms", false);
        assertTrue(sent.isEmpty());
        focused[0] = false;
        notifier.operationEnded("Checkpoint web/cp1 made", "-rf looks like an option", false);
        assertEquals(List.of("notify-send", "--app-name=docker-checkpoint", "--icon=docker-checkpoint",
                "--urgency=normal", "--", "Checkpoint web/cp1 made", "-rf looks like an option"), sent.getFirst());
        notifier.operationEnded("Restore failed", "why", true);
        assertTrue(sent.get(1).contains("--urgency=critical"));
    }

    @Test
    void withoutNotifySendNothingHappensAndNothingFails() {
        DesktopNotifier.launch(List.of("no-such-notify-send-here", "--", "a", "b"));
    }
}
