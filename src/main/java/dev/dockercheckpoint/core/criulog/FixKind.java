package dev.dockercheckpoint.core.criulog;

/** What kind of change fixes a diagnosed failure. */
public enum FixKind {
    /** Tick (or untick) an option of docker-checkpoint and run again. */
    OPTION,
    /** The kernel lacks a feature or setting. */
    KERNEL,
    /** Change the host, the container or the moment: no option of this tool does it. */
    ENVIRONMENT,
    /** Nothing can make CRIU checkpoint this; the workload has to change. */
    NOT_FIXABLE,
    /** The cause is not known. */
    UNKNOWN
}
