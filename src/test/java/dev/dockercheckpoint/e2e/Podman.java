package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Podman beside Docker, for the tests of checkpoints that travel between the two: its binary, the
 * test image handed over to it, and a counter it runs and checkpoints with {@code --export}.
 */
final class Podman {
    /** The test image as Podman names it once loaded (Docker finds it under that name once tagged so). */
    static final String IMAGE = "localhost/" + E2E.BUSYBOX;

    private Podman() {
    }

    /**
     * Podman, installed by scripts/setup-host; missing, the test fails in CI. Podman runs its
     * containers on this host's cgroup v1 hierarchy: in the cgroup v2 lane's mount namespace it
     * cannot, and the tests of Podman's paths run in the other lanes.
     */
    static String binary() {
        Assumptions.assumeFalse(Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")),
                "Podman's paths are tested on the host's cgroup v1 hierarchy (the other lanes)");
        return HostPrograms.required("podman", "scripts/setup-host installs it");
    }

    /** Hands the test image to Podman: {@code docker save} into {@code dir}, {@code podman load}. */
    static void loadImage(String podman, Path dir) {
        Path image = dir.resolve("image.tar");
        E2E.run(List.of("docker", "save", "-o", image.toString(), E2E.BUSYBOX));
        E2E.run(List.of(podman, "load", "-q", "-i", image.toString()));
    }

    /** The numbers N of the lines {@code count-N} of the log of Podman's container {@code name}. */
    static List<Long> counts(String podman, String name) {
        return Counts.of(E2E.runAllowingFailure(List.of(podman, "logs", name)).text(), "count-");
    }

    /**
     * Runs a counter with Podman as {@code app} ({@code prepare}, then {@code count-N} once a
     * second; {@code options}: more options of {@code podman run}), checkpoints it with
     * {@code podman container checkpoint --export file} once it has counted three, and removes
     * it; returns the last number it printed.
     */
    static long exportedCounter(String podman, String app, Path file, List<String> options, String prepare)
            throws InterruptedException {
        try {
            // this sandbox's root lacks CAP_SYS_RESOURCE: Podman's containers need limits CRIU can restore
            List<String> run = new ArrayList<>(List.of(podman, "run", "-d", "--name", app, "--network", "none",
                    "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=1024:1024"));
            run.addAll(options);
            run.addAll(List.of(IMAGE, "sh", "-c", prepare + "; i=0; while true; do echo count-$i; i=$((i+1));"
                    + " sleep 1; done"));
            E2E.run(run);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (counts(podman, app).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            E2E.Output checkpoint = E2E.runAllowingFailure(List.of(podman, "container", "checkpoint", "--export",
                    file.toString(), app));
            assertEquals(0, checkpoint.exit(), checkpoint.toString());
            return counts(podman, app).getLast();
        } finally {
            E2E.runAllowingFailure(List.of(podman, "rm", "-f", app));
        }
    }
}
