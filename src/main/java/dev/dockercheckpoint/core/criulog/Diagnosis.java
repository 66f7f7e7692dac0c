package dev.dockercheckpoint.core.criulog;

import java.util.List;
import java.util.Objects;

/**
 * What a log means for a user: the verdict, the lines that decide it, and either a known cause with
 * its fix or a general explanation.
 *
 * @param verdict        success, failure or incomplete
 * @param kind           dump, pre-dump, restore or unknown
 * @param title          one line: the cause, or the outcome
 * @param explanation    plain explanation
 * @param fix            what to do; empty after a success
 * @param fixKind        the kind of fix, or null after a success
 * @param patternId      the knowledge-base pattern found, or null
 * @param option         the docker-checkpoint option that fixes it, or null
 * @param decisiveLine   the line the verdict rests on (first real error, or the success line), or null
 * @param decisiveLines  that line with the lines around it, in log order (the last lines when the log
 *                       stops early)
 */
public record Diagnosis(Verdict verdict, LogKind kind, String title, String explanation, String fix,
        FixKind fixKind, String patternId, String option, LogLine decisiveLine, List<LogLine> decisiveLines) {
    public Diagnosis {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(fix, "fix");
        decisiveLines = List.copyOf(decisiveLines);
    }

    /** True when a knowledge-base pattern explains the failure. */
    public boolean known() {
        return patternId != null;
    }
}
