package dev.dockercheckpoint.core;

import java.util.OptionalLong;

/**
 * Linux capability sets as {@code /proc/PID/status} shows them: a line such as
 * {@code CapBnd:\t000001fffeffffff}, a hexadecimal mask in which bit n stands for capability n
 * (include/uapi/linux/capability.h).
 */
public final class Capabilities {
    /** Overriding resource limits, and reading those of a process of another uid or gid (prlimit). */
    public static final int CAP_SYS_RESOURCE = 24;

    private Capabilities() {
    }

    /** The bounding set (the {@code CapBnd:} line) of a {@code /proc/PID/status} text, or empty. */
    public static OptionalLong boundingSet(String procStatus) {
        return mask(procStatus, "CapBnd:");
    }

    /** The mask of the line starting with {@code field} (e.g. {@code CapEff:}), or empty. */
    public static OptionalLong mask(String procStatus, String field) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith(field)) {
                return parseMask(line.substring(field.length()));
            }
        }
        return OptionalLong.empty();
    }

    /** A mask in hexadecimal, as the kernel prints it ({@code 000001fffeffffff}), or empty. */
    public static OptionalLong parseMask(String hex) {
        String s = hex.strip();
        if (s.isEmpty() || s.length() > 16) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(s, 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** True when capability {@code cap} is in {@code mask}. */
    public static boolean has(long mask, int cap) {
        return cap >= 0 && cap < 64 && (mask & (1L << cap)) != 0;
    }
}
