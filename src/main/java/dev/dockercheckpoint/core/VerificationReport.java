package dev.dockercheckpoint.core;

import java.util.List;

/** The result of verifying a restored container: the five checks in order. */
public record VerificationReport(String container, List<CheckResult> checks) {
    public VerificationReport {
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(CheckResult::passed);
    }

    public long failedCount() {
        return checks.stream().filter(c -> !c.passed()).count();
    }
}
