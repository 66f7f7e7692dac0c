package dev.dockercheckpoint.ui.services;

import java.util.Locale;

/**
 * How long an operation has run and about how long it still needs, in words: from how long the
 * last comparable one took when known, else from the share of the work done so far.
 */
public final class TimeEstimate {
    /** Below this share done, or this much time, the share is too rough to extrapolate from. */
    static final double MIN_FRACTION = 0.15;
    static final long MIN_ELAPSED_MS = 500;

    private TimeEstimate() {
    }

    /**
     * "1.2 s elapsed, about 3 s left". {@code fraction}: share done (0..1); {@code expectedMs}: how
     * long the last comparable operation took, or null.
     */
    public static String describe(long elapsedMs, double fraction, Long expectedMs) {
        String elapsed = seconds(elapsedMs) + " elapsed";
        if (expectedMs != null && expectedMs > 0) {
            long left = expectedMs - elapsedMs;
            return elapsed + (left > 0 ? ", " + left(left) + " (the last one took " + seconds(expectedMs) + ")"
                    : ", longer than the last one (" + seconds(expectedMs) + ")");
        }
        if (fraction >= MIN_FRACTION && fraction < 1 && elapsedMs >= MIN_ELAPSED_MS) {
            long left = Math.round(elapsedMs * (1 - fraction) / fraction);
            return elapsed + ", " + left(left);
        }
        return elapsed;
    }

    private static String left(long ms) {
        if (ms < 1000) {
            return "less than a second left";
        }
        long s = (ms + 999) / 1000;
        if (s < 90) {
            return "about " + s + " s left";
        }
        return "about " + Math.round(s / 60.0) + " min left";
    }

    /** "0.4 s", "12 s", "3 min 5 s". */
    static String seconds(long ms) {
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        return s < 120 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }
}
