package dev.dockercheckpoint.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The binary frames that carry an archive over a connection (docs/protocol.md, Transfers). Each
 * frame is a 4-byte big-endian signed length and then its payload: a positive length
 * (at most {@value #MAX_DATA}) is that many bytes of the archive, {@value #END} ends the data.
 * From the helper, a negative length -N is a message of N bytes (one JSON object, as a line
 * would hold it) sent while the data flows; from the client, {@value #CANCEL} stops the transfer.
 */
public final class Frames {
    /** Longest data frame. */
    public static final int MAX_DATA = 1 << 20;
    /** The length that ends the data. */
    public static final int END = 0;
    /** From the client: stop the transfer, keep nothing. */
    public static final int CANCEL = -1;

    private Frames() {
    }

    /** A data frame: header and {@code n} bytes of {@code data} from {@code off}. */
    public static byte[] data(byte[] data, int off, int n) {
        if (n <= 0 || n > MAX_DATA) {
            throw new IllegalArgumentException("a data frame holds 1.." + MAX_DATA + " bytes, not " + n);
        }
        byte[] frame = new byte[4 + n];
        ByteBuffer.wrap(frame).putInt(n).put(data, off, n);
        return frame;
    }

    /** A frame of only a header: {@link #END} or {@link #CANCEL}. */
    public static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    /** A message frame (from the helper): header -N and the N bytes of the message's JSON. */
    public static byte[] message(byte[] json) {
        byte[] frame = new byte[4 + json.length];
        ByteBuffer.wrap(frame).putInt(-json.length).put(json);
        return frame;
    }

    /** Reads one frame header; {@link EOFException} when the stream ends before it. */
    public static int readHeader(InputStream in) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            throw new EOFException("the connection ended in the middle of the archive's frames");
        }
        return ByteBuffer.wrap(h).getInt();
    }

    /** Reads exactly {@code n} bytes; {@link EOFException} when the stream ends first. */
    public static byte[] readPayload(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the connection ended inside a frame");
        }
        return b;
    }
}
