package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Runs of lines read straight from the source in pages of {@value #PAGE_LINES} lines, past the
 * {@link PageCache}: search and copy read far more lines than it holds. Blocks the calling thread.
 */
final class BulkReader {
    /** Lines per page read when searching or copying. */
    static final int PAGE_LINES = 5000;

    private final LogSource source;
    private final String name;
    private final LineIndex index;
    private final PageCache pages;
    private final BooleanSupplier closed;

    BulkReader(LogSource source, String name, LineIndex index, PageCache pages, BooleanSupplier closed) {
        this.source = source;
        this.name = name;
        this.index = index;
        this.pages = pages;
        this.closed = closed;
    }

    /** Texts of the given lines (ascending): cached ones from the cache, the others in bulk pages. */
    List<String> texts(int[] lines) {
        List<String> result = new ArrayList<>(lines.length);
        List<String> chunk = List.of();
        int chunkStart = 0;
        for (int i = 0; i < lines.length; i++) {
            int line = lines[i];
            if (i > 0 && line < lines[i - 1]) {
                throw new IllegalArgumentException("lines must be ascending");
            }
            if (line >= chunkStart && line < chunkStart + chunk.size()) {
                result.add(chunk.get(line - chunkStart));
                continue;
            }
            String cached = pages.cachedText(line);
            if (cached != null) {
                result.add(cached);
                continue;
            }
            int want = Math.min(PAGE_LINES, lines[lines.length - 1] - line + 1);
            chunk = read(line, want);
            chunkStart = line;
            if (chunk.isEmpty()) {
                throw new LogReadException("line " + (line + 1) + " of " + name + " is not available", null);
            }
            result.add(chunk.get(0));
        }
        return result;
    }

    /** Up to {@code n} lines from {@code line}, read directly (several pages if the source pages short). */
    List<String> read(int line, int n) {
        List<String> out = new ArrayList<>(n);
        try {
            long offset = index.lineOffset(line);
            while (out.size() < n && !closed.getAsBoolean()) {
                LogPage page = source.read(offset, n - out.size());
                out.addAll(page.lines());
                if (page.lines().isEmpty() || page.eof() || page.nextOffset() <= offset) {
                    break;
                }
                offset = page.nextOffset();
            }
        } catch (LogReadException | IndexOutOfBoundsException e) {
            throw e;
        } catch (Exception e) {
            throw new LogReadException("cannot read " + name + " at line " + (line + 1) + ": " + e, e);
        }
        if (closed.getAsBoolean()) {
            throw new CancellationException("closed");
        }
        return out;
    }
}
