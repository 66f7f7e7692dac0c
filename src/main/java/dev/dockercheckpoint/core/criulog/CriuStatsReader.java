package dev.dockercheckpoint.core.criulog;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CRIU's statistics images, {@code stats-dump} and {@code stats-restore}, natively.
 *
 * <p>Why not {@code crit decode}: crit is a Python program, so every checkpoint would start a Python
 * process (tens of milliseconds and a dependency on {@code python3-pycriu}, which many hosts that run
 * CRIU from a package or a static build do not have); and the format is tiny. A stats file is one
 * CRIU image (criu/include/magic.h, criu/image.c):
 * <pre>
 *   u32 LE  IMG_SERVICE_MAGIC  0x55105940
 *   u32 LE  STATS_MAGIC        0x57093306
 *   u32 LE  size of the message
 *   protobuf StatsEntry        (images/stats.proto)
 * </pre>
 * with {@code StatsEntry { optional DumpStatsEntry dump = 1; optional RestoreStatsEntry restore = 2; }}
 * and the fields of images/stats.proto: dump 1 freezing_time, 2 frozen_time, 3 memdump_time,
 * 4 memwrite_time, 5 pages_scanned, 6 pages_skipped_parent, 7 pages_written, 8 irmap_resolve,
 * 9 pages_lazy, 10 page_pipes, 11 page_pipe_bufs, 12 shpages_scanned, 13 shpages_skipped_parent,
 * 14 shpages_written; restore 1 pages_compared, 2 pages_skipped_cow, 3 forking_time, 4 restore_time,
 * 5 pages_restored. All are varints. The message is read without its schema, as an
 * {@link UnknownFieldSet} (as {@code PortableImages} reads the other images): a field this reader
 * does not know (a newer CRIU) is passed over, as protobuf requires.
 */
public final class CriuStatsReader {
    public static final int IMG_SERVICE_MAGIC = 0x55105940;
    public static final int STATS_MAGIC = 0x57093306;
    /** Larger than any real stats file; a larger size field means the file is not one. */
    private static final int MAX_SIZE = 1 << 16;

    private CriuStatsReader() {
    }

    public static CriuStats read(Path file) throws IOException {
        if (Files.size(file) > MAX_SIZE + 12) {
            throw new IOException(file + " is too large for a CRIU stats image");
        }
        return read(Files.readAllBytes(file));
    }

    /** Parses the bytes of a stats image; {@link IOException} when they are not one. */
    public static CriuStats read(byte[] bytes) throws IOException {
        if (bytes.length < 12) {
            throw new IOException("not a CRIU stats image: " + bytes.length + " bytes");
        }
        int magic1 = le32(bytes, 0);
        int magic2 = le32(bytes, 4);
        if (magic1 != IMG_SERVICE_MAGIC || magic2 != STATS_MAGIC) {
            throw new IOException(String.format("not a CRIU stats image: magic %08x %08x", magic1, magic2));
        }
        long size = le32(bytes, 8) & 0xFFFF_FFFFL;
        if (size > bytes.length - 12L) {
            throw new IOException("CRIU stats image is cut short: " + (bytes.length - 12) + " of " + size + " bytes");
        }
        UnknownFieldSet dump;
        UnknownFieldSet restore;
        try {
            UnknownFieldSet entry = UnknownFieldSet.parseFrom(ByteString.copyFrom(bytes, 12, (int) size));
            dump = message(entry, 1);
            restore = message(entry, 2);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("CRIU stats image: " + e.getMessage(), e);
        }
        if (dump == null && restore == null) {
            throw new IOException("CRIU stats image holds neither dump nor restore statistics");
        }
        String op = dump != null && restore != null ? "dump+restore" : dump != null ? "dump" : "restore";
        return new CriuStats(op, varint(dump, 1), varint(dump, 2), varint(dump, 3), varint(dump, 4),
                varint(dump, 5), varint(dump, 6), varint(dump, 7), varint(dump, 8), varint(dump, 9),
                varint(dump, 10), varint(dump, 11), varint(dump, 12), varint(dump, 13), varint(dump, 14),
                varint(restore, 3), varint(restore, 4), varint(restore, 1), varint(restore, 2), varint(restore, 5));
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /** The message in field {@code number} of {@code m}, its occurrences merged as protobuf does; null if none. */
    private static UnknownFieldSet message(UnknownFieldSet m, int number) throws InvalidProtocolBufferException {
        List<ByteString> parts = m.getField(number).getLengthDelimitedList();
        return parts.isEmpty() ? null : UnknownFieldSet.parseFrom(ByteString.copyFrom(parts));
    }

    /**
     * The varint in field {@code number} of {@code m}: the last one, as protobuf reads it; null if
     * none. A count or a time of 2^63 or more (negative as a long) is no statistic but a damaged image.
     */
    private static Long varint(UnknownFieldSet m, int number) throws IOException {
        List<Long> values = m == null ? List.of() : m.getField(number).getVarintList();
        if (values.isEmpty()) {
            return null;
        }
        long value = values.getLast();
        if (value < 0) {
            throw new IOException("CRIU stats image: field " + number + " holds " + Long.toUnsignedString(value)
                    + ", too large for a statistic");
        }
        return value;
    }
}
