package dev.dockercheckpoint.core.criulog;

/** A stage of a dump or restore, for a timeline. */
public enum Phase {
    PREPARING("Preparing"),
    FREEZING("Freezing and seizing"),
    DUMPING_PROCESSES("Dumping processes"),
    DUMPING_MEMORY("Dumping memory"),
    DUMPING_FILES("Dumping files and sockets"),
    UNFREEZING("Unfreezing"),
    FORKING("Forking processes"),
    RESTORING_RESOURCES("Restoring resources"),
    RESUMING("Resuming"),
    FINISHING("Finishing");

    private final String title;

    Phase(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
