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
    /** Bytes read from the channel and not yet consumed, between position and limit. */
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).limit(0);

    public LineReader(ReadableByteChannel channel, int maxBytes) {
        this.channel = channel;
        this.maxBytes = maxBytes;
    }

    /** Reads until end of stream (or {@code keepGoing} turns false between reads). */
    public void run(Sink sink, java.util.function.BooleanSupplier keepGoing) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean skipping = false;
        while (keepGoing.getAsBoolean()) {
            if (!buf.hasRemaining() && !fill()) {
                return;
            }
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

    /** Reads more from the channel into the empty buffer; false at end of stream. */
    private boolean fill() throws IOException {
        buf.clear();
        int n = channel.read(buf);
        buf.flip();
        return n >= 0;
    }

    /**
     * The bytes after the last line handed out, as a stream: what the reader has buffered, then the
     * channel. For a {@link Sink} that reads binary frames after a line, on the reader's thread,
     * before it returns; the lines read afterwards start where it stopped.
     */
    public java.io.InputStream stream() {
        return new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                if (!buf.hasRemaining() && !fill()) {
                    return -1;
                }
                return buf.get() & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!buf.hasRemaining() && !fill()) {
                    return -1;
                }
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                return n;
            }
        };
    }
}
