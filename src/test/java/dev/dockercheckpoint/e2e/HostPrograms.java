package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import dev.dockercheckpoint.engine.HostTools;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Programs of the host that some end-to-end tests run beside docker-checkpoint (Podman, age, checkpointctl). */
final class HostPrograms {
    private HostPrograms() {
    }

    /**
     * The path of {@code program} on PATH. Missing, the test fails in CI (scripts/setup-host
     * installs it there) and is skipped elsewhere; {@code why} says what installs it.
     */
    static String required(String program, String why) {
        String path = HostTools.which(program).map(Path::toString).orElse(null);
        if (path == null) {
            String missing = program + " is not installed (" + why + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        return path;
    }
}
