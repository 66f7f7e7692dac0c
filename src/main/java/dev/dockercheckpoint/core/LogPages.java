package dev.dockercheckpoint.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads a text file in pages of whole lines, from a byte offset: the paging of log files. */
public final class LogPages {
    private LogPages() {
    }

    /**
     * Up to {@code maxLines} lines of {@code file} from byte {@code offset} (links not followed).
     * {@code nextOffset} is where the next page starts; a last line without a newline is included
     * when the end of the file is reached.
     */
    public static LogPage read(Path file, String name, long offset, int maxLines) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            List<String> lines = new ArrayList<>();
            long pos = Math.min(Math.max(0, offset), size);
            ch.position(pos);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long next = pos;
            boolean full = false;
            while (!full) {
                buf.clear();
                if (ch.read(buf) <= 0) {
                    break;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    next++;
                    if (b == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                        if (lines.size() >= maxLines) {
                            full = true;
                            break;
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
            if (!full && line.size() > 0) {
                lines.add(line.toString(StandardCharsets.UTF_8));
            }
            return new LogPage(name, pos, lines, next, next >= size, size);
        }
    }
}
