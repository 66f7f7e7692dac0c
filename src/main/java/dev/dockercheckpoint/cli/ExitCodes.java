package dev.dockercheckpoint.cli;

/** Exit codes of the command line. */
final class ExitCodes {
    static final int OK = 0;
    /** The operation failed (see the error line and hint). */
    static final int FAILED = 1;
    /** Bad command-line usage. */
    static final int USAGE = 2;
    /** Restore succeeded but a verification check failed, or a doctor check failed. */
    static final int CHECK_FAILED = 3;

    private ExitCodes() {
    }
}
