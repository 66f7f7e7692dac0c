package dev.dockercheckpoint.core.criulog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
 * 5 pages_restored. All are varints; a field this reader does not know (a newer CRIU) is skipped by
 * its wire type, as protobuf requires.
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
        Builder b = new Builder();
        Reader top = new Reader(bytes, 12, 12 + (int) size);
        while (top.more()) {
            long key = top.varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if ((field == 1 || field == 2) && wire == 2) {
                int len = top.length();
                Reader sub = new Reader(bytes, top.pos, top.pos + len);
                top.pos += len;
                if (field == 1) {
                    b.dump(sub);
                } else {
                    b.restore(sub);
                }
            } else {
                top.skip(wire);
            }
        }
        if (!b.hasDump && !b.hasRestore) {
            throw new IOException("CRIU stats image holds neither dump nor restore statistics");
        }
        return b.build();
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /** A protobuf reader over {@code b[pos, end)}: just what these messages need. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("CRIU stats image: varint runs past the message");
                }
                int x = b[pos++];
                value |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return value;
                }
            }
            throw new IOException("CRIU stats image: varint longer than 10 bytes");
        }

        int length() throws IOException {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new IOException("CRIU stats image: field length " + len + " runs past the message");
            }
            return (int) len;
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default -> throw new IOException("CRIU stats image: unsupported wire type " + wire);
            }
        }

        private void advance(int n) throws IOException {
            if (n > end - pos) {
                throw new IOException("CRIU stats image: field runs past the message");
            }
            pos += n;
        }
    }

    private static final class Builder {
        boolean hasDump;
        boolean hasRestore;
        final Long[] dump = new Long[15];
        final Long[] restore = new Long[6];

        void dump(Reader r) throws IOException {
            hasDump = true;
            fill(r, dump);
        }

        void restore(Reader r) throws IOException {
            hasRestore = true;
            fill(r, restore);
        }

        private static void fill(Reader r, Long[] into) throws IOException {
            while (r.more()) {
                long key = r.varint();
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (wire == 0 && field > 0 && field < into.length) {
                    into[field] = r.varint();
                } else {
                    r.skip(wire);
                }
            }
        }

        CriuStats build() {
            String op = hasDump && hasRestore ? "dump+restore" : hasDump ? "dump" : "restore";
            Long[] d = dump;
            Long[] r = restore;
            return new CriuStats(op, d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12],
                    d[13], d[14], r[3], r[4], r[1], r[2], r[5]);
        }
    }
}
