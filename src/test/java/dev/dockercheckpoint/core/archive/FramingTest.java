package dev.dockercheckpoint.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramingTest {
    @Test
    void theReaderStopsAtTheEndFrameAndLeavesWhatFollows() throws Exception {
        byte[] archive = new byte[3 * Framing.MAX_FRAME + 17];
        new Random(7).nextBytes(archive);
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        Framing.FramedOutputStream out = new Framing.FramedOutputStream(pipe);
        out.write(archive, 0, 100);
        out.write(archive, 100, archive.length - 100);
        out.finish();
        pipe.write("commit\n".getBytes(StandardCharsets.US_ASCII));

        InputStream raw = new ByteArrayInputStream(pipe.toByteArray());
        Framing.FramedInputStream in = new Framing.FramedInputStream(raw);
        assertArrayEquals(archive, in.readAllBytes());
        assertTrue(in.ended());
        assertEquals(-1, in.read());
        assertEquals("commit\n", new String(raw.readAllBytes(), StandardCharsets.US_ASCII), "left for the reader");
    }

    @Test
    void anArchiveCutShortIsAnErrorNotAnEnd() throws Exception {
        ByteArrayOutputStream pipe = new ByteArrayOutputStream();
        Framing.FramedOutputStream out = new Framing.FramedOutputStream(pipe);
        out.write(new byte[1000], 0, 1000);
        out.flush();
        byte[] cut = Arrays.copyOf(pipe.toByteArray(), 500);
        assertThrows(EOFException.class, () -> new Framing.FramedInputStream(new ByteArrayInputStream(cut))
                .readAllBytes());
        byte[] noEnd = pipe.toByteArray();
        assertThrows(EOFException.class, () -> new Framing.FramedInputStream(new ByteArrayInputStream(noEnd))
                .readAllBytes(), "the sender stopped before its end frame");
    }
}
