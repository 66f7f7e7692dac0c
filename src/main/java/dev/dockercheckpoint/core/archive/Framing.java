package dev.dockercheckpoint.core.archive;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An archive sent through a pipe that carries more after it: the archive travels in frames (a
 * 4-byte big-endian length, then that many bytes), and a frame of length 0 ends it, so the
 * reader stops exactly there and whatever follows on the same pipe stays unread.
 */
public final class Framing {
    /** Largest frame written, and accepted. */
    static final int MAX_FRAME = 1 << 20;

    private Framing() {
    }

    /** Writes frames to {@code out}; {@link #finish} ends the archive, {@code out} stays open. */
    public static final class FramedOutputStream extends FilterOutputStream {
        private boolean finished;

        public FramedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished) {
                throw new IOException("the framed archive is finished");
            }
            while (len > 0) {
                int n = Math.min(len, MAX_FRAME);
                writeLength(n);
                out.write(b, off, n);
                off += n;
                len -= n;
            }
        }

        /** Writes the end frame and flushes. */
        public void finish() throws IOException {
            if (!finished) {
                writeLength(0);
                finished = true;
            }
            out.flush();
        }

        private void writeLength(int n) throws IOException {
            out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        }

        /** Does not close the underlying stream: it carries more after the archive. */
        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Reads the frames of {@code in} up to the end frame; {@code in} is then left just after it. */
    public static final class FramedInputStream extends InputStream {
        private final DataInputStream in;
        private int left;
        private boolean ended;

        public FramedInputStream(InputStream in) {
            this.in = new DataInputStream(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (left == 0) {
                if (ended) {
                    return -1;
                }
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException e) {
                    throw new EOFException("the archive ended before its end frame: the sender stopped");
                }
                if (n < 0 || n > MAX_FRAME) {
                    throw new IOException("bad frame length " + n + ": not a framed archive");
                }
                if (n == 0) {
                    ended = true;
                    return -1;
                }
                left = n;
            }
            int r = in.read(b, off, Math.min(len, left));
            if (r < 0) {
                throw new EOFException("the archive ended inside a frame: the sender stopped");
            }
            left -= r;
            return r;
        }

        /** Whether the end frame was read. */
        public boolean ended() {
            return ended;
        }

        /** Does not close the underlying stream. */
        @Override
        public void close() {
        }
    }
}
