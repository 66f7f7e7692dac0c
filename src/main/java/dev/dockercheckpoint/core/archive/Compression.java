package dev.dockercheckpoint.core.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How an archive's tar stream is compressed. zstd (the default, as Podman writes) goes through
 * zstd-jni, the reference C library the {@code zstd} tool is built from, at level 1, with worker
 * threads only where the writing and the hashing threads leave processors free (see
 * {@link #workers}); gzip through the JDK at its fastest level. An archive's compression is
 * recognised from its first bytes, whatever the file is called.
 */
public enum Compression {
    ZSTD("zstd"),
    GZIP("gzip"),
    NONE("none");

    /** zstd's level: 1, like {@code zstd -1}; the ratio on memory images is close to the default 3's. */
    public static final int ZSTD_LEVEL = 1;
    private static final int BUFFER = 1 << 16;

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** {@code zstd}, {@code gzip} or {@code none}. */
    public static Compression parse(String value) {
        for (Compression c : values()) {
            if (c.label.equals(value == null ? "" : value.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new DcpException(ErrorCode.INVALID_INPUT, "unknown compression " + value,
                "use --compress zstd (the default), gzip or none");
    }

    /** Wraps {@code out} so that what is written to the result is compressed into {@code out}. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case ZSTD -> {
                ZstdOutputStream z = new ZstdOutputStream(out, ZSTD_LEVEL);
                z.setChecksum(true);
                int workers = workers(Runtime.getRuntime().availableProcessors());
                if (workers > 0) {
                    z.setWorkers(workers);
                }
                yield z;
            }
            case GZIP -> new GZIPOutputStream(out, BUFFER) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            case NONE -> out;
        };
    }

    /**
     * zstd's worker threads beside the writing thread: as many as the processors left after the
     * writing and the hashing threads, so none on two processors (the writer then compresses
     * itself). Workers cost CPU of their own (the input is copied to them and each job re-reads an
     * overlap of the one before): on 2 processors an export without them took about 0.8 times the
     * CPU time of one with two, and the hashing thread already keeps the second processor busy.
     */
    static int workers(int processors) {
        return Math.max(0, processors - 2);
    }

    /** The compression of a stream, read from its first bytes; the stream is left where it was. */
    static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(512);
        byte[] head = in.readNBytes(512);
        in.reset();
        if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (head.length >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("ustar")) {
            return NONE;
        }
        if (head.length == 0) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "the archive is empty",
                    "pass a file made by docker-checkpoint export or podman container checkpoint --export");
        }
        throw new DcpException(ErrorCode.INVALID_INPUT, "not a checkpoint archive: neither a tar file nor zstd or"
                + " gzip data", "pass a file made by docker-checkpoint export or podman container checkpoint --export");
    }

    /**
     * The decompressed content of {@code in}, whatever of the three it is; closing it stops its
     * reading thread and leaves {@code in} to its owner.
     */
    static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, BUFFER);
        return switch (detect(in)) {
            // decompressed on a thread of its own, beside the writing and the hashing of the files
            case ZSTD -> new ReadAheadInputStream(new ZstdInputStream(in));
            case GZIP -> new ReadAheadInputStream(new GZIPInputStream(in, BUFFER));
            case NONE -> in;
        };
    }
}
