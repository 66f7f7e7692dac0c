package dev.dockercheckpoint.core.criulog;

/** The CRIU operation a log belongs to, as told by its content. */
public enum LogKind {
    DUMP("dump"),
    PRE_DUMP("pre-dump"),
    RESTORE("restore"),
    UNKNOWN("CRIU operation");

    private final String title;

    LogKind(String title) {
        this.title = title;
    }

    /** Lower-case name for messages: "dump", "pre-dump", "restore". */
    public String title() {
        return title;
    }

    /** True for dump and pre-dump: both freeze the container and write images. */
    public boolean isDump() {
        return this == DUMP || this == PRE_DUMP;
    }
}
