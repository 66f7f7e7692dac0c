package dev.dockercheckpoint.core.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Writes a file's content as it streams out of an archive, leaving holes where whole 4 KiB pages
 * are zero, as {@code cp --sparse} does: a memory image is often largely zero pages, and a hole
 * costs neither the copy into the kernel nor a page of cache or disk. What is read back is the same
 * bytes; the file gets its full length at {@link #finish()}.
 */
final class SparseFileWriter {
    private static final int PAGE = 4096;
    private static final byte[] ZERO = new byte[PAGE];

    private final FileChannel out;
    private long position;
    private long written;

    SparseFileWriter(FileChannel out) {
        this.out = out;
    }

    /** Appends {@code n} bytes of {@code buf}. */
    void write(byte[] buf, int n) throws IOException {
        int i = 0;
        while (i < n) {
            // a zero page aligned in the file becomes a hole
            int aligned = (int) Math.min(n - i, PAGE - (position + i) % PAGE);
            if (aligned == PAGE && Arrays.mismatch(buf, i, i + PAGE, ZERO, 0, PAGE) < 0) {
                i += PAGE;
                continue;
            }
            int start = i;
            i += aligned;
            while (i + PAGE <= n && Arrays.mismatch(buf, i, i + PAGE, ZERO, 0, PAGE) >= 0) {
                i += PAGE;
            }
            if (i + PAGE > n) {
                i = n; // the tail shorter than a page is written as it is
            }
            ByteBuffer b = ByteBuffer.wrap(buf, start, i - start);
            long at = position + start;
            while (b.hasRemaining()) {
                at += out.write(b, at);
            }
            written = Math.max(written, at);
        }
        position += n;
    }

    /** Gives the file its whole length when it ends in a hole. */
    void finish() throws IOException {
        if (written < position) {
            out.write(ByteBuffer.wrap(new byte[1]), position - 1);
        }
    }
}
