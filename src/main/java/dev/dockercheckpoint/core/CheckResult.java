package dev.dockercheckpoint.core;

import java.time.Duration;

/** One verification check: its name, whether it passed, what was seen, and how long it took. */
public record CheckResult(String name, boolean passed, String detail, Duration duration) {
}
