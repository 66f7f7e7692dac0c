package dev.dockercheckpoint.core;

import java.util.Map;

/**
 * A finished migration: the copy on the target engine, and the downtime the application saw,
 * from the freeze of the original to its copy running, with its phases in milliseconds
 * ({@code dump}: the writable layer and CRIU's dump; {@code transfer}: the checkpoint reaching
 * the target; {@code restore}: the copy created and restored). {@code verify} is how long the
 * verification of the running copy took, and {@code frozenMillis} how long the original stayed
 * frozen in all (until it was removed). {@code checkpoint} is where the checkpoint was kept, or
 * null when it was removed.
 *
 * @param container the original's name
 * @param source the source engine ({@code unix://PATH})
 * @param target the target (an engine's name or socket, or the transport's command)
 */
public record MigrationResult(String container, String source, String target, String newName, String newId,
        double downtimeMillis, Map<String, Long> phasesMillis, long frozenMillis, VerificationReport verification,
        String checkpoint) {
    public static final String DUMP = "dump";
    public static final String TRANSFER = "transfer";
    public static final String RESTORE = "restore";
    public static final String VERIFY = "verify";

    public MigrationResult {
        phasesMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phasesMillis));
    }
}
