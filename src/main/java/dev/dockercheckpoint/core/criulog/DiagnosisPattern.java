package dev.dockercheckpoint.core.criulog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One known CRIU failure: the text CRIU prints for it, which operation prints it, what it means and
 * how to fix it. The explanation and fix may name regex groups as {@code {1}}, {@code {2}}.
 *
 * @param id          stable identifier, e.g. {@code tcp-established}
 * @param title       short name of the cause
 * @param regex       found (not matched whole) in a line's message
 * @param applies     dump, restore or both
 * @param explanation plain explanation
 * @param fix         what to do
 * @param fixKind     option, kernel, environment or not fixable
 * @param option      the docker-checkpoint option that fixes it, or null
 * @param criuSource  the CRIU source file that prints the text
 * @param warningOnly true for a pattern that explains a warning a successful run may print (the
 *                    run went on, something is missing from its result); it is never taken as
 *                    the cause of a failure
 */
public record DiagnosisPattern(String id, String title, Pattern regex, Applies applies, String explanation,
        String fix, FixKind fixKind, String option, String criuSource, boolean warningOnly) {
    /** A pattern that explains a failure. */
    public DiagnosisPattern(String id, String title, Pattern regex, Applies applies, String explanation, String fix,
            FixKind fixKind, String option, String criuSource) {
        this(id, title, regex, applies, explanation, fix, fixKind, option, criuSource, false);
    }

    public DiagnosisPattern {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(regex, "regex");
        Objects.requireNonNull(applies, "applies");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(fixKind, "fixKind");
        Objects.requireNonNull(criuSource, "criuSource");
    }
}
