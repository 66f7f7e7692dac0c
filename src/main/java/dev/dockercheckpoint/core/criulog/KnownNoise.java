package dev.dockercheckpoint.core.criulog;

import java.util.List;

/**
 * Error and Warn lines that decide nothing. Two kinds:
 * <ul>
 * <li><b>harmless</b>: printed on successful runs too, never shown as a cause;</li>
 * <li><b>consequences</b>: the summary or echo CRIU prints after the real cause ("Dumping FAILED.",
 * "Unable to open fd=..."); shown as the decisive line only when nothing more specific came
 * before.</li>
 * </ul>
 * Every text is taken from the captured logs in {@code src/test/resources/criulogs} or from CRIU's
 * sources (file named beside it).
 */
public final class KnownNoise {
    /** One harmless text; {@code afterRestoreFailure} limits it to lines after "Restoring FAILED.". */
    public record Rule(String id, String text, boolean afterRestoreFailure, String why) {
    }

    private static final List<Rule> HARMLESS = List.of(
            // criu/util.c rlimit_unlimit_nofile(): in every captured log, success or not; runc
            // starts CRIU without CAP_SYS_RESOURCE over its own limit
            new Rule("rlimit-nofile", "rlimit: Can't setup RLIMIT_NOFILE for self", false,
                    "CRIU could not raise its own open-files limit; it carries on with the current one"),
            // criu/cgroup.c: the cgroup daemon's socket is gone once a failed restore has cleaned up
            new Rule("cgroupd-recv", "cg: cgroupd: recv req error", true,
                    "printed while a failed restore tears down; the cause is earlier in the log"),
            // compel/arch/x86/src/lib/infect.c: a task sleeping in a syscall is restarted after resume
            new Rule("interrupted-syscall", "with interrupted system call", false,
                    "a task was in a system call; it is restarted after the checkpoint, as after a signal"),
            // criu/cr-restore.c: printed on every restore into a new pid namespace
            new Rule("clone-parent-newpid", "Set CLONE_PARENT | CLONE_NEWPID but it might cause restore problem",
                    false, "a compatibility note printed on every restore into a new pid namespace"),
            // criu/sk-inet.c and criu/sk-unix.c pr_err_once: the kernel lacks a diag attribute,
            // collection continues
            new Rule("inet-shutdown-state", "Can't check shutdown state of inet socket", false,
                    "the kernel does not report socket shutdown state; CRIU continues without it"),
            new Rule("unix-shutdown-info", "No socket shutdown info", false,
                    "the kernel does not report socket shutdown state; CRIU continues without it"));

    /** Summary and echo lines (criu/cr-dump.c, criu/cr-restore.c, criu/files.c, criu/files-reg.c). */
    private static final List<String> CONSEQUENCES = List.of(
            "Dumping FAILED.",
            "Pre-dumping FAILED.",
            "Restoring FAILED.",
            "Dump files (pid: ",
            "Unable to open fd=",
            " exited, status=",
            " killed by signal ",
            "Dumping pages failed",
            "Can't dump page with parasite");

    private KnownNoise() {
    }

    public static List<Rule> harmlessRules() {
        return HARMLESS;
    }

    /** The harmless rule with this id, or null. */
    public static Rule rule(String id) {
        for (Rule r : HARMLESS) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** The harmless rule matching {@code message}, or null. */
    public static Rule harmless(String message, boolean afterRestoreFailure) {
        for (Rule r : HARMLESS) {
            if ((afterRestoreFailure || !r.afterRestoreFailure()) && message.contains(r.text())) {
                return r;
            }
        }
        return null;
    }

    /** True for a summary or echo line that follows the real cause. */
    public static boolean isConsequence(String message) {
        for (String c : CONSEQUENCES) {
            if (message.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** The operation a failure summary line ends, or null when {@code message} is none. */
    public static LogKind failureMarker(String message) {
        if (message.startsWith("Dumping FAILED.")) {
            return LogKind.DUMP;
        }
        if (message.startsWith("Pre-dumping FAILED.")) {
            return LogKind.PRE_DUMP;
        }
        if (message.startsWith("Restoring FAILED.")) {
            return LogKind.RESTORE;
        }
        return null;
    }
}
