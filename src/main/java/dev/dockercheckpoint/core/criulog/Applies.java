package dev.dockercheckpoint.core.criulog;

/** Which operation's log a diagnosis pattern belongs to. */
public enum Applies {
    DUMP,
    RESTORE,
    BOTH;

    /** True when a pattern of this scope may explain a log of {@code kind} (UNKNOWN takes all). */
    public boolean covers(LogKind kind) {
        return switch (this) {
            case BOTH -> true;
            case DUMP -> kind != LogKind.RESTORE;
            case RESTORE -> kind == LogKind.RESTORE || kind == LogKind.UNKNOWN;
        };
    }
}
