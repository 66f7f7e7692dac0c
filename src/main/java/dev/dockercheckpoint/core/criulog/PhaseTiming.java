package dev.dockercheckpoint.core.criulog;

/**
 * When a phase ran. CRIU interleaves some stages (a dump does files, memory and core of one task,
 * then the next task), so a phase can be entered several times: {@code start} is its first entry,
 * {@code end} its last exit, and {@code duration} the time spent in it in total. All in seconds
 * since CRIU started.
 */
public record PhaseTiming(Phase phase, double start, double end, double duration) {
    public String title() {
        return phase.title();
    }
}
