package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * -pre-dump: on a kernel without memory dirty tracking, a clear refusal with nothing written; where
 * the kernel tracks dirty pages, the final dump has the pre-dump as parent and writes fewer pages.
 * The test takes the branch this kernel supports and says which.
 */
@Tag("e2e")
class PreDumpE2ETest extends BaseDirE2E {


    @Test
    void preDumpIsRefusedWithoutDirtyTrackingAndIncrementalWithIt() throws Exception {
        String app = E2E.name("predump");
        // 8 MiB of memory that does not change after start, and a counter that does
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c",
                "x=$(head -c 8388608 /dev/zero | tr '\\0' a); i=0; while true; do echo p-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "p-", 1, Duration.ofSeconds(30));
        boolean dirtyTracking = E2E.engine().tools().memoryDirtyTracking();
        E2E.Cli result = E2E.cli("-container", app, "-name", "pre", "-pre-dump", "-dir", base.toString());
        if (!dirtyTracking) {
            System.out.println("PreDumpE2ETest: this kernel has no memory dirty tracking (CONFIG_MEM_SOFT_DIRTY);"
                    + " checking the refusal only, the incremental half needs such a kernel");
            assertEquals(1, result.exit(), result.toString());
            assertTrue(result.err().contains("dirty tracking"), result.toString());
            assertTrue(result.err().contains("CONFIG_MEM_SOFT_DIRTY"), result.toString());
            assertTrue(result.err().contains("hint: checkpoint without -pre-dump"), result.toString());
            assertFalse(Files.exists(base.resolve(app)), "nothing written for a refused pre-dump");
            assertTrue(E2E.running(app));
            return;
        }
        System.out.println("PreDumpE2ETest: kernel tracks dirty memory; checking the incremental dump");
        assertEquals(0, result.exit(), result.toString());
        Path dir = base.resolve(app).resolve("pre");
        Manifest m = new CheckpointStore(base).open(app, "pre").manifest();
        assertEquals("predump", m.parent());
        assertTrue(Files.isSymbolicLink(dir.resolve("parent")) || Files.isDirectory(dir.resolve("predump")));
        long parentPages = pagesBytes(dir.resolve("predump"));
        long finalPages = pagesBytes(dir);
        assertTrue(finalPages < parentPages, "final dump writes fewer pages (" + finalPages + " vs " + parentPages
                + ")");
    }

    private static long pagesBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("pages-")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
