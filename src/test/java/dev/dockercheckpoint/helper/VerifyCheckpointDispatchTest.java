package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Checksums;
import dev.dockercheckpoint.core.IntegrityCheck;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.core.ProgressListener;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify-checkpoint} over the helper's real socket, on real checkpoint files: the result,
 * its progress events, a damaged file named in the result, the listing's integrity state after
 * it, and a cancel that stops a long check.
 */
class VerifyCheckpointDispatchTest {
    @TempDir
    Path dir;
    HelperHarness helper;
    Path base;

    @BeforeEach
    void start() throws Exception {
        helper = new HelperHarness(dir);
        base = helper.config.defaultBaseDir();
    }

    @AfterEach
    void stop() throws Exception {
        helper.close();
    }

    private Path checkpoint(String name) throws Exception {
        CheckpointStore.Pending p = new CheckpointStore(base).create("app", name);
        Files.write(p.dir().resolve("inventory.img"), new byte[] {1, 2, 3});
        Files.write(p.dir().resolve("pages-1.img"), new byte[300_000]);
        p.writeManifest(ManifestFixtures.fullManifest());
        p.writeChecksums(IntegrityCheck.record(p.dir(), ProgressListener.NONE, 0, 1));
        return p.commit();
    }

    private String verify(String id, String name) {
        return "{\"type\":\"verify-checkpoint\",\"id\":\"" + id + "\",\"container\":\"app\",\"name\":\"" + name
                + "\",\"dir\":\"" + base + "\"}";
    }

    @Test
    void theResultNamesTheDamagedFileAndTheListingKeepsIt() throws Exception {
        Path cp = checkpoint("cp1");
        try (var c = helper.connect()) {
            c.send(verify("v1", "cp1"));
            JsonNode progress = c.await(m -> m.path("type").asText().equals("progress"), Duration.ofSeconds(20));
            assertTrue(progress.path("phase").asText().startsWith("checking integrity (3 files"), progress.toString());
            JsonNode ok = c.answer("v1");
            assertEquals("result", ok.path("type").asText(), ok.toString());
            assertEquals("verified", ok.path("value").path("state").asText());
            assertEquals(3, ok.path("value").path("checkedFiles").asInt(), "two images and container.json");
            assertTrue(ok.path("value").path("damaged").isArray() && ok.path("value").path("damaged").isEmpty(),
                    ok.toString());

            try (RandomAccessFile f = new RandomAccessFile(cp.resolve("pages-1.img").toFile(), "rw")) {
                f.seek(4096);
                f.write(7);
            }
            JsonNode bad = c.ask(verify("v2", "cp1"));
            assertEquals("damaged", bad.path("value").path("state").asText(), bad.toString());
            JsonNode damaged = bad.path("value").path("damaged").get(0);
            assertEquals("pages-1.img", damaged.path("path").asText());
            assertEquals("differs from the SHA-256 recorded when the checkpoint was made",
                    damaged.path("problem").asText());

            JsonNode list = c.ask("{\"type\":\"list-checkpoints\",\"id\":\"l\",\"dir\":\"" + base + "\"}");
            JsonNode integrity = list.path("value").get(0).path("integrity");
            assertEquals("damaged", integrity.path("state").asText(), list.toString());
            assertEquals("pages-1.img", integrity.path("damaged").get(0).path("path").asText());
        }
    }

    @Test
    void aCheckpointWithoutChecksumsIsNoneAndAnUnknownOneIsNotFound() throws Exception {
        Path cp = checkpoint("old");
        Files.delete(cp.resolve(Checksums.FILE_NAME));
        try (var c = helper.connect()) {
            JsonNode none = c.ask(verify("v", "old"));
            assertEquals("none", none.path("value").path("state").asText(), none.toString());
            JsonNode missing = c.ask(verify("w", "nope"));
            assertEquals("CHECKPOINT_NOT_FOUND", missing.path("code").asText(), missing.toString());
            JsonNode bad = c.ask("{\"type\":\"verify-checkpoint\",\"id\":\"x\",\"container\":\"app\"}");
            assertEquals("INVALID_INPUT", bad.path("code").asText());
            assertTrue(bad.path("message").asText().contains("\"name\""), bad.toString());
        }
    }

    @Test
    void aCancelStopsALongCheck() throws Exception {
        Path cp = checkpoint("big");
        // a 4 GiB sparse memory image: reading it takes seconds; its checksum is never reached
        try (RandomAccessFile f = new RandomAccessFile(cp.resolve("pages-2.img").toFile(), "rw")) {
            f.setLength(4L << 30);
        }
        Checksums sums = IntegrityCheck.read(cp).with(Checksums.Entry.file("pages-2.img", 4L << 30, "0".repeat(64)));
        CheckpointStore.writeJson(cp.resolve(Checksums.FILE_NAME), sums);
        try (var c = helper.connect()) {
            c.send(verify("long", "big"));
            c.await(m -> m.path("type").asText().equals("progress"), Duration.ofSeconds(20));
            JsonNode cancel = c.ask("{\"type\":\"cancel\",\"id\":\"c\",\"target\":\"long\"}");
            assertTrue(cancel.path("value").path("cancelled").asBoolean(), cancel.toString());
            JsonNode answer = c.answer("long");
            assertEquals("CANCELLED", answer.path("code").asText(), answer.toString());
        }
    }
}
