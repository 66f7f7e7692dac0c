package dev.dockercheckpoint.core.criulog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The phases of one run and their times: the run starts in {@link Phase#PREPARING} at the log's
 * first timestamp and enters a phase at each marker line's timestamp ({@link PhaseMarkers}). A
 * phase entered more than once keeps its first start, its last end and the sum of its stays.
 */
final class PhaseTimeline {
    private static final int PHASES = Phase.values().length;

    private Phase current;
    private double segmentStart;
    private final double[] phaseFirst = new double[PHASES];
    private final double[] phaseLast = new double[PHASES];
    private final double[] phaseBusy = new double[PHASES];

    PhaseTimeline() {
        Arrays.fill(phaseFirst, Double.NaN);
        Arrays.fill(phaseLast, Double.NaN);
    }

    /** The log's first timestamp, {@code t} seconds: the run starts preparing. */
    void start(double t) {
        current = Phase.PREPARING;
        segmentStart = t;
        phaseFirst[Phase.PREPARING.ordinal()] = t;
    }

    /** A marker at {@code t} seconds says the run is in {@code phase} (after {@link #start}). */
    void enter(Phase phase, double t) {
        if (phase == current) {
            return;
        }
        int c = current.ordinal();
        phaseBusy[c] += Math.max(0, t - segmentStart);
        phaseLast[c] = Double.isNaN(phaseLast[c]) ? t : Math.max(phaseLast[c], t);
        current = phase;
        segmentStart = Math.max(segmentStart, t);
        if (Double.isNaN(phaseFirst[phase.ordinal()])) {
            phaseFirst[phase.ordinal()] = t;
        }
    }

    /** The phases seen, ordered by start, the current one ending at the log's last timestamp {@code end}. */
    List<PhaseTiming> finish(double end) {
        List<PhaseTiming> phases = new ArrayList<>();
        if (current == null) {
            return phases;
        }
        double until = Math.max(end, segmentStart);
        int c = current.ordinal();
        phaseBusy[c] += Math.max(0, until - segmentStart);
        phaseLast[c] = Double.isNaN(phaseLast[c]) ? until : Math.max(phaseLast[c], until);
        for (Phase p : Phase.values()) {
            int i = p.ordinal();
            if (!Double.isNaN(phaseFirst[i])) {
                phases.add(new PhaseTiming(p, phaseFirst[i], phaseLast[i], phaseBusy[i]));
            }
        }
        phases.sort((a, b) -> Double.compare(a.start(), b.start()));
        return phases;
    }
}
