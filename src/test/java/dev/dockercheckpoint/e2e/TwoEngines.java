package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.dockercheckpoint.engine.Engine;
import java.util.List;

/** The engines of the tests that need two: the system's, and the second one DOCKER_HOST names. */
final class TwoEngines {
    static final String SYSTEM = "unix:///var/run/docker.sock";

    private TwoEngines() {
    }

    /** DOCKER_HOST, the second engine; the test fails when it names none beside the system one. */
    static String secondHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.equals(SYSTEM) || host.equals("unix:///run/docker.sock")) {
            fail("DOCKER_HOST must name a second engine beside the system one (scripts/test runs this in its"
                    + " second lane)");
        }
        return host;
    }

    /**
     * Removes container {@code name} from {@code engine}, and the holder of its network namespace
     * ({@code name-netns}, beside a container restored on Docker 28+), those of them that exist.
     */
    static void removeWithHolder(Engine engine, String name) {
        for (String n : List.of(name, name + "-netns")) {
            try {
                engine.docker().client().removeContainerCmd(n).withForce(true).exec();
            } catch (NotFoundException e) {
                // gone
            }
        }
    }
}
