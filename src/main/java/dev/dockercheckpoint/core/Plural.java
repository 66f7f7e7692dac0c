package dev.dockercheckpoint.core;

import java.util.Locale;

/** Counts in words that agree with their number: "1 container", "2 containers", "0 processes". */
public final class Plural {
    private Plural() {
    }

    /** {@code n} and the noun in the form that agrees with it; the plural adds "s" (or "es" after s, x, ch, sh). */
    public static String count(long n, String singular) {
        return count(n, singular, plural(singular));
    }

    /** {@code n} and {@code singular} or {@code plural}; {@code n} with thousands separators ("2,000 lines"). */
    public static String count(long n, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
    }

    /** The noun alone, in the form that agrees with {@code n}. */
    public static String noun(long n, String singular) {
        return n == 1 ? singular : plural(singular);
    }

    /** The regular English plural of {@code singular}. */
    static String plural(String singular) {
        String s = singular.toLowerCase(Locale.ROOT);
        return s.endsWith("s") || s.endsWith("x") || s.endsWith("ch") || s.endsWith("sh") ? singular + "es"
                : singular + "s";
    }
}
