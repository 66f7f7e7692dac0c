package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One line (JSON) that {@code docker-checkpoint receive} writes to its standard output while it
 * imports, restores and verifies a migrated checkpoint, read by the migrating side.
 *
 * @param event {@code phase}, {@code log}, {@code check}, {@code imported}, {@code ready} (the copy
 *     runs and was verified), {@code committed}, {@code aborted}, {@code ok} (a check passed),
 *     or {@code error}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferEvent(String event, String phase, Double fraction, String line, CheckResult check,
        Long millis, String containerId, VerificationReport verification, Map<String, Long> timings, String code,
        String message, String hint) {
    public static final String PHASE = "phase";
    public static final String LOG = "log";
    public static final String CHECK = "check";
    public static final String IMPORTED = "imported";
    public static final String READY = "ready";
    public static final String COMMITTED = "committed";
    public static final String ABORTED = "aborted";
    public static final String OK = "ok";
    public static final String ERROR = "error";

    public static TransferEvent of(String event) {
        return new TransferEvent(event, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static TransferEvent phase(String phase, double fraction) {
        return new TransferEvent(PHASE, phase, fraction, null, null, null, null, null, null, null, null, null);
    }

    public static TransferEvent log(String line) {
        return new TransferEvent(LOG, null, null, line, null, null, null, null, null, null, null, null);
    }

    public static TransferEvent check(CheckResult check) {
        return new TransferEvent(CHECK, null, null, null, check, null, null, null, null, null, null, null);
    }

    public static TransferEvent imported(long millis) {
        return new TransferEvent(IMPORTED, null, null, null, null, millis, null, null, null, null, null, null);
    }

    public static TransferEvent ready(String containerId, VerificationReport verification, Map<String, Long> timings) {
        return new TransferEvent(READY, null, null, null, null, null, containerId, verification, timings, null, null,
                null);
    }

    public static TransferEvent error(DcpException e) {
        return new TransferEvent(ERROR, null, null, null, null, null, null, null, null, e.code().name(),
                e.getMessage(), e.hint());
    }

    /** The failure an error event describes. */
    public DcpException toException(String where) {
        ErrorCode c;
        try {
            c = code == null ? ErrorCode.INTERNAL : ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            c = ErrorCode.INTERNAL;
        }
        return new DcpException(c, where + ": " + (message == null ? "failed" : message), hint);
    }
}
