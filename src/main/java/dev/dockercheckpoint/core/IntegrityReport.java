package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * The result of checking a checkpoint's files against its checksums: {@code verified},
 * {@code damaged} (with every file that does not match) or {@code none} (no checksums to check);
 * how many recorded entries were checked, how many bytes were hashed, when the check started and
 * how long it took.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IntegrityReport(Integrity.State state, int checkedFiles, long bytes, List<Integrity.Damage> damaged,
        Instant checkedAt, long millis) {
    public IntegrityReport {
        damaged = damaged == null ? List.of() : List.copyOf(damaged);
    }

    /** Nothing to check: the checkpoint has no checksums. */
    public static IntegrityReport none() {
        return new IntegrityReport(Integrity.State.NONE, 0, 0, List.of(), Instant.now(), 0);
    }
}
