package dev.dockercheckpoint.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/** Splits a channel's bytes into UTF-8 lines of bounded length, as the protocol frames messages. */
public final class LineReader {
    /** Receives each line (without its newline), and each line that exceeded the limit (skipped). */
    public interface Sink {
        void line(String line);

        default void tooLong() {
        }
    }

    private final ReadableByteChannel channel;
    private final int maxBytes;

    public LineReader(ReadableByteChannel channel, int maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
    }

    /** Reads until end of stream (or {@code keepGoing} turns false between reads). */
    public void run(Sink sink, java.util.function.BooleanSupplier keepGoing) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean skipping = false;
        while (keepGoing.getAsBoolean()) {
            buf.clear();
            if (channel.read(buf) < 0) {
                return;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    if (skipping) {
                        skipping = false;
                        sink.tooLong();
                    } else {
                        sink.line(line.toString(StandardCharsets.UTF_8));
                    }
                    line.reset();
                } else if (!skipping) {
                    if (line.size() >= maxBytes) {
                        skipping = true;
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        }
    }
}
