package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.archive.ArchiveExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Named volumes travel with {@code export --with-volumes}: a counter whose named volume holds a
 * file is checkpointed, exported with its volume, and the container and the volume are removed;
 * after import and restore the volume is back with its file (owner included) and the counter goes
 * on. A volume of that name that holds data is left as it is.
 */
@Tag("e2e")
class VolumesE2ETest extends BaseDirE2E {
    private final List<Path> cleanup = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeVolumesAndFiles() {
        cleanup.forEach(E2E::deleteTree);
        containers.forEach(E2E::remove); // a volume in use cannot be removed
        for (String v : volumes) {
            E2E.runAllowingFailure(List.of("docker", "volume", "rm", "-f", v));
        }
    }

    private record Exported(String app, String volume, long last, Path archive) {
    }

    /** A counter with volume {@code <app>-data} at /data holding a file, checkpointed, exported with its volume. */
    private Exported exportedWithVolume(String base) throws Exception {
        String app = E2E.name(base);
        String volume = app + "-data";
        volumes.add(volume);
        E2E.run(List.of("docker", "volume", "create", volume));
        E2E.track(app);
        E2E.run(List.of("docker", "run", "-d", "--name", app, "--network", "none", "-v", volume + ":/data",
                E2E.BUSYBOX, "sh", "-c", "echo payload > /data/f; mkdir -p /data/d; ln -s ../f /data/d/l;"
                        + " chown 1234:5678 /data/f; i=0; while true; do echo count-$i; i=$((i+1)); sleep 1; done"));
        E2E.waitForNumber(app, "count-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-name", "cp1", "-dir", this.base.toString(),
                "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long last = E2E.numbers(app, "count-").getLast();
        Path dir = E2E.newBaseDir();
        cleanup.add(dir);
        Path archive = dir.resolve(app + ".tar.zst");
        E2E.Cli export = E2E.cli("export", "-container", app, "-name", "cp1", "-dir", this.base.toString(), "-o",
                archive.toString(), "--with-volumes");
        assertEquals(0, export.exit(), export.toString());
        assertTrue((export.out() + export.err()).contains(ArchiveExporter.VOLUMES_NOTE), export.toString());
        E2E.remove(app);
        E2E.deleteTree(this.base.resolve(app));
        return new Exported(app, volume, last, archive);
    }

    private E2E.Cli importAndRestore(Exported x, String restored) throws IOException {
        Path target = E2E.newBaseDir();
        cleanup.add(target);
        E2E.Cli imported = E2E.cli("import", x.archive().toString(), "-dir", target.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(Files.isRegularFile(target.resolve(x.app()).resolve("cp1/volumes/" + x.volume() + ".tar")),
                "the import keeps the volume's tar");
        E2E.track(restored);
        containers.add(restored);
        E2E.Cli restore = E2E.cli("-restore", "-container", x.app(), "-name", "cp1", "-new-name", restored, "-dir",
                target.toString());
        assertEquals(0, restore.exit(), restore.toString());
        return restore;
    }

    @Test
    void aRemovedVolumeComesBackWithItsFileAndTheCounterGoesOn() throws Exception {
        Exported x = exportedWithVolume("vol");
        E2E.run(List.of("docker", "volume", "rm", x.volume()));
        assertEquals(1, E2E.runAllowingFailure(List.of("docker", "volume", "inspect", x.volume())).exit(),
                "the volume is gone before the restore");

        String restored = x.app() + "-restored";
        importAndRestore(x, restored);
        E2E.waitForNumber(restored, "count-", x.last() + 1, Duration.ofSeconds(20));
        long first = E2E.numbers(restored, "count-").getFirst();
        assertTrue(first >= x.last() && first > 0, "restored counter starts at " + first + ", checkpointed at "
                + x.last());
        assertEquals("payload\n", E2E.exec(restored, "cat", "/data/f").output());
        assertEquals("1234:5678\n", E2E.exec(restored, "stat", "-c", "%u:%g", "/data/f").output());
        assertEquals("payload\n", E2E.exec(restored, "cat", "/data/d/l").output(), "the symbolic link is back");
    }

    @Test
    void aVolumeThatHoldsDataIsLeftAsItIs() throws Exception {
        Exported x = exportedWithVolume("volkept");
        E2E.run(List.of("docker", "run", "--rm", "--network", "none", "-v", x.volume() + ":/data", E2E.BUSYBOX,
                "sh", "-c", "echo mine > /data/f"));

        String restored = x.app() + "-restored";
        E2E.Cli restore = importAndRestore(x, restored);
        assertTrue((restore.out() + restore.err()).contains("volume " + x.volume()
                + " already exists and holds data: left as it is"), restore.toString());
        E2E.waitForNumber(restored, "count-", x.last() + 1, Duration.ofSeconds(20));
        assertEquals("mine\n", E2E.exec(restored, "cat", "/data/f").output(), "the user's data is kept");
    }

    /**
     * Podman's way in: a counter run by Podman with a named volume, checkpointed with {@code podman
     * container checkpoint --export} (which adds {@code volumes/<name>.tar}), imported and restored
     * into Docker: the volume, not on Docker, is created and filled, and the counter goes on.
     */
    @Test
    void aPodmanExportsVolumeIsCreatedInDocker() throws Exception {
        String dockerHost = System.getenv("DOCKER_HOST");
        Assumptions.assumeTrue(dockerHost == null || dockerHost.isEmpty() || dockerHost.endsWith("/docker.sock"),
                "with the system engine");
        String podman = Podman.binary();
        String app = E2E.name("podvol");
        String volume = app + "-data";
        volumes.add(volume);
        Path dir = E2E.newBaseDir();
        cleanup.add(dir);
        Podman.loadImage(podman, dir);
        String podmanImage = Podman.IMAGE;
        Path file = dir.resolve(app + ".tar.zst");
        long last;
        try {
            last = Podman.exportedCounter(podman, app, file, List.of("-v", volume + ":/data"),
                    "echo from-podman > /data/f");
        } finally {
            E2E.runAllowingFailure(List.of(podman, "volume", "rm", "-f", volume));
        }
        E2E.Cli imported = E2E.cli("import", file.toString(), "-dir", this.base.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(Files.isRegularFile(this.base.resolve(app).resolve("checkpoint1/volumes/" + volume + ".tar")),
                "Podman's volume tar is kept");
        E2E.run(List.of("docker", "tag", E2E.BUSYBOX, podmanImage));
        String restored = app + "-docker";
        E2E.track(restored);
        try {
            E2E.Cli restore = E2E.cli("-restore", "-container", app, "-name", "checkpoint1", "-new-name", restored,
                    "-dir", this.base.toString());
            assertEquals(0, restore.exit(), restore.toString());
            E2E.waitForNumber(restored, "count-", last + 1, Duration.ofSeconds(20));
            assertEquals("from-podman\n", E2E.exec(restored, "cat", "/data/f").output());
        } finally {
            E2E.remove(restored);
            E2E.runAllowingFailure(List.of("docker", "rmi", podmanImage));
        }
    }
}
