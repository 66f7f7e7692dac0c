package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written with holes for zero pages read back byte for byte, whatever the chunks, and take less disk. */
class SparseFileWriterTest {
    @TempDir
    Path tmp;

    @Test
    void zeroPagesBecomeHolesAndTheContentIsTheSame() throws Exception {
        Random r = new Random(21);
        for (int round = 0; round < 40; round++) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            int pages = r.nextInt(300);
            for (int i = 0; i < pages; i++) {
                byte[] page = new byte[4096];
                switch (r.nextInt(4)) {
                    case 0 -> r.nextBytes(page);
                    case 1 -> page[r.nextInt(4096)] = 1; // one byte makes it data
                    default -> { } // zero
                }
                content.write(page, 0, round % 3 == 0 && i == pages - 1 ? r.nextInt(4096) : 4096);
            }
            byte[] all = content.toByteArray();
            Path f = tmp.resolve("f" + round);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                SparseFileWriter w = new SparseFileWriter(ch);
                int at = 0;
                while (at < all.length) {
                    int n = Math.min(all.length - at, 1 + r.nextInt(3 * 4096 + 100));
                    byte[] chunk = new byte[n + 7];
                    System.arraycopy(all, at, chunk, 0, n);
                    chunk[n] = 9; // past n: never written
                    w.write(chunk, n);
                    at += n;
                }
                w.finish();
            }
            assertEquals(all.length, Files.size(f), "round " + round);
            assertArrayEquals(all, Files.readAllBytes(f), "round " + round);
        }
    }

    @Test
    void aMostlyZeroFileTakesLittleDisk() throws Exception {
        Path f = tmp.resolve("zeros");
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SparseFileWriter w = new SparseFileWriter(ch);
            for (int i = 0; i < 16; i++) {
                w.write(chunk, chunk.length);
            }
            w.finish();
        }
        assertEquals(16 << 20, Files.size(f));
        Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).start();
        String[] blocks = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        long used = Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
        assertTrue(used <= 64 << 10, "16 MiB of zeros use " + used + " bytes on disk");
    }
}
