package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriuStatsReaderTest {
    private static final Path LOGS = CriuLogParserTest.LOGS;

    @TempDir
    Path tmp;

    @Test
    void readsTheRealDumpStats() throws IOException {
        CriuStats s = CriuStatsReader.read(LOGS.resolve("stats-dump"));
        assertEquals("dump", s.operation());
        // captured with dump-success-tcp.log: the cgroup froze in ~0.1 s ("freezing cgroup" 0.067372 to
        // "FROZEN" 0.167691) and stayed frozen until "Unfreezing tasks" at 0.353977
        assertEquals(100_984L, s.freezingTimeUs());
        assertEquals(185_710L, s.frozenTimeUs());
        assertTrue(s.frozenTimeUs() > 0);
        assertTrue(s.freezingTimeUs() <= s.frozenTimeUs());
        assertEquals(8_974L, s.memdumpTimeUs());
        assertEquals(380L, s.memwriteTimeUs());
        assertEquals(140L, s.pagesScanned());
        assertEquals(98L, s.pagesWritten());
        assertTrue(s.pagesWritten() <= s.pagesScanned());
        assertEquals(0L, s.pagesSkippedParent());
        assertEquals(0L, s.irmapResolveUs());
        assertEquals(0L, s.pagesLazy());
        assertEquals(24L, s.pagePipes());
        assertEquals(24L, s.pagePipeBufs());
        assertEquals(0L, s.shpagesScanned());
        assertEquals(0L, s.shpagesSkippedParent());
        assertEquals(0L, s.shpagesWritten());
        assertNull(s.restoreTimeUs());
        assertNull(s.pagesRestored());
    }

    @Test
    void readsTheRealRestoreStats() throws IOException {
        CriuStats s = CriuStatsReader.read(LOGS.resolve("stats-restore"));
        assertEquals("restore", s.operation());
        assertEquals(390L, s.forkingTimeUs());
        assertEquals(238_115L, s.restoreTimeUs());
        assertTrue(s.forkingTimeUs() < s.restoreTimeUs());
        assertEquals(54L, s.pagesCompared());
        assertEquals(17L, s.pagesSkippedCow());
        assertEquals(81L, s.pagesRestored());
        assertNull(s.freezingTimeUs());
        assertNull(s.pagesWritten());
    }

    @Test
    void serialisesToSimpleJsonWithoutAbsentFields() throws IOException {
        CriuStats s = CriuStatsReader.read(LOGS.resolve("stats-restore"));
        String json = Json.mapper().writeValueAsString(s);
        JsonNode node = Json.mapper().readTree(json);
        assertEquals("restore", node.get("operation").asText());
        assertEquals(238115, node.get("restoreTimeUs").asLong());
        assertFalse(node.has("freezingTimeUs"), json);
        assertEquals(s, Json.mapper().readValue(json, CriuStats.class));
        CriuStats d = CriuStatsReader.read(LOGS.resolve("stats-dump"));
        assertEquals(d, Json.mapper().readValue(Json.mapper().writeValueAsString(d), CriuStats.class));
    }

    @Test
    void unknownFieldsOfANewerCriuAreSkipped() throws IOException {
        // a DumpStatsEntry with field 17 (act_post_dump_time in a CRIU fork) and a fixed64 field 20
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        dump.writeBytes(new byte[] {0x08, 0x05, 0x10, 0x0a}); // freezing_time 5, frozen_time 10
        dump.writeBytes(new byte[] {(byte) 0x88, 0x01, 0x07}); // field 17 varint 7
        dump.writeBytes(new byte[] {(byte) 0xa1, 0x01, 1, 2, 3, 4, 5, 6, 7, 8}); // field 20 fixed64
        dump.writeBytes(new byte[] {0x38, 0x03}); // pages_written 3
        byte[] body = dump.toByteArray();
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        entry.write(0x0a);
        entry.write(body.length);
        entry.writeBytes(body);
        entry.writeBytes(new byte[] {0x1d, 1, 2, 3, 4}); // StatsEntry field 3, fixed32: skipped
        CriuStats s = CriuStatsReader.read(image(entry.toByteArray()));
        assertEquals(5L, s.freezingTimeUs());
        assertEquals(10L, s.frozenTimeUs());
        assertEquals(3L, s.pagesWritten());
        assertNull(s.pagesScanned());
    }

    @Test
    void rejectsWhatIsNotAStatsImage() throws IOException {
        byte[] real = Files.readAllBytes(LOGS.resolve("stats-dump"));
        byte[] wrongMagic = real.clone();
        wrongMagic[4] ^= 1;
        assertTrue(assertThrows(IOException.class, () -> CriuStatsReader.read(wrongMagic)).getMessage().contains("magic"));
        byte[] cut = Arrays.copyOf(real, real.length - 5);
        assertTrue(assertThrows(IOException.class, () -> CriuStatsReader.read(cut)).getMessage().contains("cut short"));
        assertThrows(IOException.class, () -> CriuStatsReader.read(new byte[3]));
        assertThrows(IOException.class, () -> CriuStatsReader.read(LOGS.resolve("dump-success-tcp.log")));
        // a size field that lies about a nested message
        byte[] lying = image(new byte[] {0x0a, 0x7f, 0x08, 0x01});
        assertThrows(IOException.class, () -> CriuStatsReader.read(lying));
        // an endless varint
        byte[] endless = image(new byte[] {0x0a, 0x0b, 0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThrows(IOException.class, () -> CriuStatsReader.read(endless));
        // a varint the message ends in
        byte[] unended = image(new byte[] {0x0a, 0x04, 0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThrows(IOException.class, () -> CriuStatsReader.read(unended));
        // neither dump nor restore
        assertThrows(IOException.class, () -> CriuStatsReader.read(image(new byte[] {0x18, 0x01})));
    }

    @Test
    void readsFromAFile() throws IOException {
        Path f = tmp.resolve("stats-dump");
        Files.copy(LOGS.resolve("stats-dump"), f);
        assertEquals(CriuStatsReader.read(Files.readAllBytes(f)), CriuStatsReader.read(f));
    }

    /** Wraps a StatsEntry message in CRIU's image header. */
    private static byte[] image(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le32(out, CriuStatsReader.IMG_SERVICE_MAGIC);
        le32(out, CriuStatsReader.STATS_MAGIC);
        le32(out, message.length);
        out.writeBytes(message);
        return out.toByteArray();
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
