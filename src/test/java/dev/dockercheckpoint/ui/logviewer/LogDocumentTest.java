package dev.dockercheckpoint.ui.logviewer;

import static dev.dockercheckpoint.ui.logviewer.LogDocument.Filter.ALL;
import static dev.dockercheckpoint.ui.logviewer.LogDocument.Filter.ERRORS;
import static dev.dockercheckpoint.ui.logviewer.LogDocument.Filter.WARNINGS_AND_ERRORS;
import static dev.dockercheckpoint.ui.logviewer.LogDocument.Level.ERROR;
import static dev.dockercheckpoint.ui.logviewer.LogDocument.Level.OTHER;
import static dev.dockercheckpoint.ui.logviewer.LogDocument.Level.WARN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.LogPage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDocumentTest {
    private static final int N = 12_345;

    @TempDir
    Path dir;

    private final List<LogDocument> docs = new ArrayList<>();

    @AfterEach
    void closeDocuments() {
        docs.forEach(LogDocument::close);
    }

    /** Small pages so that every test crosses many page boundaries. */
    private LogDocument indexed(LogSource source, int indexPage, int textPage, int cache) throws Exception {
        LogDocument doc = new LogDocument(source, "test.log", indexPage, textPage, cache);
        docs.add(doc);
        doc.start().whenIndexed().get(30, TimeUnit.SECONDS);
        return doc;
    }

    private LogDocument generated(int n) throws Exception {
        Path file = LogFixtures.write(dir.resolve("gen.log"), n);
        return indexed(new FileLogSource(file), 1000, 64, 256);
    }

    @Test
    void indexesLineCountOffsetsAndLevels() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), N);
        LogDocument doc = indexed(new FileLogSource(file), 1000, 64, 256);
        List<Long> starts = LogFixtures.lineStarts(Files.readAllBytes(file));

        assertTrue(doc.isDone());
        assertNull(doc.failure());
        assertEquals(N, doc.lineCount());
        for (int i = 0; i < N; i++) {
            assertEquals(starts.get(i), doc.lineOffset(i), "offset of line " + i);
            assertEquals(LogFixtures.level(i), doc.level(i), "level of line " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> doc.lineOffset(N));
        assertThrows(IndexOutOfBoundsException.class, () -> doc.level(-1));
    }

    @Test
    void findsFirstErrorAndListsErrorAndWarnLines() throws Exception {
        LogDocument doc = generated(N);
        int[] errors = LogFixtures.lines(N, ERROR).stream().mapToInt(Integer::intValue).toArray();
        int[] warnings = LogFixtures.lines(N, WARN).stream().mapToInt(Integer::intValue).toArray();

        assertEquals(LogFixtures.ERROR_AT, doc.firstErrorLine());
        assertArrayEquals(errors, doc.errorLines());
        assertArrayEquals(warnings, doc.warningLines());
        assertEquals(errors.length, doc.errorCount());
        assertEquals(warnings.length, doc.warningCount());
        assertTrue(errors.length > 20 && warnings.length > 100, "the fixture has both levels");
    }

    @Test
    void readsLevelsOfCriuLines() {
        assertEquals(ERROR, LogDocument.levelOf(
                "(00.169113) Error (criu/sk-inet.c:191): inet: Connected TCP socket, consider using --tcp-established option."));
        assertEquals(WARN, LogDocument.levelOf("(00.003207) Warn  (criu/x.c:12): something"));
        assertEquals(OTHER, LogDocument.levelOf("(00.000012) Version: 4.2.1"));
        assertEquals(ERROR, LogDocument.levelOf("(00.015000)     81: Error (criu/cr-restore.c:1480): 81 killed by signal 9"));
        assertEquals(ERROR, LogDocument.levelOf("(00.321000) pie: 81: Error (criu/pie/restorer.c:1900): Can't restore"));
        assertEquals(ERROR, LogDocument.levelOf("Error (criu/cr-dump.c:2093): Dumping FAILED."));
        assertEquals(OTHER, LogDocument.levelOf("(00.000100) Errors are counted below"));
        assertEquals(OTHER, LogDocument.levelOf("(00.000100) Warning: not a CRIU level word"));
        assertEquals(OTHER, LogDocument.levelOf("(00.000100) mnt: Error in path is just text"));
        assertEquals(OTHER, LogDocument.levelOf("(abc) Error looks like one but has no timestamp"));
        assertEquals(OTHER, LogDocument.levelOf(""));
    }

    @Test
    void returnsLineTextAcrossPageBoundaries() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 2_000);
        // index pages of 37 lines, display pages of 10 lines: pages never line up
        LogDocument doc = indexed(new FileLogSource(file), 37, 10, 40);
        for (int i = 0; i < 2_000; i++) {
            assertEquals(LogFixtures.line(i), doc.text(i), "line " + i);
        }
        for (int i : new int[] {1999, 0, 1000, 9, 10, 11, 36, 37, 38}) {
            assertEquals(LogFixtures.line(i), doc.textAsync(i).get(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of(LogFixtures.line(3), LogFixtures.line(36), LogFixtures.line(37), LogFixtures.line(1999)),
                doc.texts(new int[] {3, 36, 37, 1999}));
    }

    @Test
    void keepsNoMoreTextThanTheCacheBound() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 5_000);
        LogDocument doc = indexed(new FileLogSource(file), 500, 50, 200);
        Random random = new Random(1);
        for (int k = 0; k < 300; k++) {
            int i = random.nextInt(5_000);
            assertEquals(LogFixtures.line(i), doc.text(i));
            assertTrue(doc.cachedLineCount() <= 200, "cache holds " + doc.cachedLineCount());
        }
        assertTrue(doc.cachedLineCount() > 0);
    }

    @Test
    void firstPageIsCachedAndAvailableBeforeIndexingEnds() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 3_000);
        FileLogSource files = new FileLogSource(file);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        LogSource gated = (offset, max) -> {
            if (reads.incrementAndGet() > 1) {
                release.await();
            }
            return files.read(offset, max);
        };
        LogDocument doc = new LogDocument(gated, "gated", 1000, 100, 1000);
        docs.add(doc);
        doc.start().whenFirstPage().get(5, TimeUnit.SECONDS);

        assertEquals(1000, doc.lineCount());
        assertFalse(doc.isDone());
        assertEquals(LogFixtures.line(0), doc.cachedText(0), "first page is in the cache without a second read");
        assertEquals(LogFixtures.line(999), doc.cachedText(999));
        assertTrue(doc.progress() > 0.2 && doc.progress() < 0.5, "progress " + doc.progress());
        release.countDown();
        doc.whenIndexed().get(10, TimeUnit.SECONDS);
        assertEquals(3_000, doc.lineCount());
    }

    @Test
    void handlesAFileWithoutTrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("x.log"), "(00.1) a\n(00.2) Error (c.c:1): bb\nlast line");
        LogDocument doc = indexed(new FileLogSource(file), 2, 2, 4);
        assertEquals(3, doc.lineCount());
        assertEquals(0, doc.lineOffset(0));
        assertEquals(9, doc.lineOffset(1));
        assertEquals(34, doc.lineOffset(2));
        assertEquals("last line", doc.text(2));
        assertEquals("(00.2) Error (c.c:1): bb", doc.text(1));
        assertEquals(1, doc.firstErrorLine());
        assertEquals(1.0, doc.progress());
    }

    @Test
    void handlesAnEmptyFile() throws Exception {
        Path file = Files.write(dir.resolve("empty.log"), new byte[0]);
        LogDocument doc = indexed(new FileLogSource(file), 100, 10, 100);
        assertTrue(doc.isDone());
        assertEquals(0, doc.lineCount());
        assertEquals(0, doc.size());
        assertEquals(1.0, doc.progress());
        assertEquals(-1, doc.firstErrorLine());
        assertEquals(0, doc.count(ALL));
        assertEquals(0, doc.count(ERRORS));
        assertEquals(OptionalInt.empty(), doc.search("x", -1, true).get(5, TimeUnit.SECONDS));
        assertThrows(IndexOutOfBoundsException.class, () -> doc.text(0));
    }

    @Test
    void keepsExactOffsetsAcrossInvalidUtf8() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String prefix = "(00.%06d) ".formatted(i);
            bytes.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
            switch (i % 5) {
                case 0 -> { // invalid bytes: a lone continuation byte, 0xFF, a truncated 3-byte sequence
                    bytes.writeBytes(new byte[] {'p', (byte) 0x80, 'q', (byte) 0xFF, (byte) 0xFE, 'r', (byte) 0xE2, (byte) 0x82});
                    expected.add(null);
                }
                case 1 -> {
                    String s = "Error (f.c:1): caf\u00e9 \u20ac \uD83D\uDE00 #" + i;
                    bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    expected.add(prefix + s);
                }
                case 2 -> { // a real U+FFFD in valid UTF-8
                    String s = "replacement \uFFFD kept #" + i;
                    bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    expected.add(prefix + s);
                }
                default -> {
                    String s = "plain #" + i;
                    bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                    expected.add(prefix + s);
                }
            }
            bytes.write('\n');
        }
        byte[] content = bytes.toByteArray();
        Path file = Files.write(dir.resolve("bad.log"), content);
        LogDocument doc = indexed(new FileLogSource(file), 7, 3, 30);
        List<Long> starts = LogFixtures.lineStarts(content);

        assertEquals(400, doc.lineCount());
        for (int i = 0; i < 400; i++) {
            assertEquals(starts.get(i), doc.lineOffset(i), "offset of line " + i);
            String text = doc.text(i);
            if (expected.get(i) == null) {
                assertTrue(text.startsWith("(00.%06d) p".formatted(i)) && text.contains("\uFFFD"), text);
            } else {
                assertEquals(expected.get(i), text, "line " + i);
            }
        }
        assertEquals(80, doc.errorCount());
        assertEquals(1.0, doc.progress());
    }

    @Test
    void searchesForwardBackwardWithWrapAroundIgnoringCase() throws Exception {
        LogDocument doc = generated(3_000); // "needle" on lines 777, 1777, 2777
        assertEquals(OptionalInt.of(777), search(doc, "needle", -1, true));
        assertEquals(OptionalInt.of(1777), search(doc, "NEEDLE", 777, true));
        assertEquals(OptionalInt.of(2777), search(doc, "Needle", 1777, true));
        assertEquals(OptionalInt.of(777), search(doc, "needle", 2777, true), "wraps around the end");
        assertEquals(OptionalInt.of(777), search(doc, "needle", 2999, true), "wraps from the last line");

        assertEquals(OptionalInt.of(2777), search(doc, "needle", -1, false), "backward from nothing starts at the end");
        assertEquals(OptionalInt.of(1777), search(doc, "needle", 2777, false));
        assertEquals(OptionalInt.of(777), search(doc, "needle", 1000, false));
        assertEquals(OptionalInt.of(2777), search(doc, "needle", 777, false), "wraps around the start");
        assertEquals(OptionalInt.of(2777), search(doc, "needle", 0, false));

        assertEquals(OptionalInt.of(1234), search(doc, "#1234#", 2000, true), "single match found across the wrap");
        assertEquals(OptionalInt.of(1234), search(doc, "#1234#", 1234, true), "the start line itself comes last");
        assertEquals(OptionalInt.of(1234), search(doc, "#1234#", 1234, false));
        assertEquals(OptionalInt.empty(), search(doc, "no such text", 10, true));
        assertEquals(OptionalInt.empty(), search(doc, "no such text", 10, false));
        assertEquals(OptionalInt.empty(), search(doc, "", 10, true));
    }

    @Test
    void searchesWithinAFilteredView() throws Exception {
        LogDocument doc = generated(3_000);
        // "socket" appears in every Error line and in some info lines ("sockets: Collecting")
        assertEquals(OptionalInt.of(2), search(doc, "socket", -1, true, ALL));
        assertEquals(OptionalInt.of(123), search(doc, "socket", -1, true, ERRORS));
        assertEquals(OptionalInt.of(623), search(doc, "socket", 123, true, ERRORS));
        assertEquals(OptionalInt.of(2623), search(doc, "socket", 123, false, ERRORS));
        assertEquals(OptionalInt.of(13), search(doc, "mtime", -1, true, WARNINGS_AND_ERRORS));
        assertEquals(OptionalInt.empty(), search(doc, "mtime", -1, true, ERRORS));
        assertEquals(OptionalInt.empty(), search(doc, "needle", -1, true, WARNINGS_AND_ERRORS));
    }

    private static OptionalInt search(LogDocument doc, String q, int from, boolean forward) throws Exception {
        return search(doc, q, from, forward, ALL);
    }

    private static OptionalInt search(LogDocument doc, String q, int from, boolean forward, LogDocument.Filter f)
            throws Exception {
        return doc.search(q, from, forward, f).get(10, TimeUnit.SECONDS);
    }

    @Test
    void providesFilteredViews() throws Exception {
        LogDocument doc = generated(N);
        List<Integer> errors = LogFixtures.lines(N, ERROR);
        List<Integer> problems = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (LogFixtures.level(i) != OTHER) {
                problems.add(i);
            }
        }
        assertEquals(N, doc.count(ALL));
        assertEquals(errors.size(), doc.count(ERRORS));
        assertEquals(problems.size(), doc.count(WARNINGS_AND_ERRORS));
        for (int k = 0; k < errors.size(); k++) {
            assertEquals(errors.get(k), doc.line(ERRORS, k));
            assertEquals(k, doc.viewIndexOf(ERRORS, errors.get(k)));
        }
        for (int k = 0; k < problems.size(); k++) {
            assertEquals(problems.get(k), doc.line(WARNINGS_AND_ERRORS, k));
            assertEquals(k, doc.viewIndexOf(WARNINGS_AND_ERRORS, problems.get(k)));
        }
        assertEquals(500, doc.line(ALL, 500));
        assertEquals(-1, doc.viewIndexOf(ERRORS, 0));
        assertEquals(-1, doc.viewIndexOf(WARNINGS_AND_ERRORS, 1));
        assertEquals(-1, doc.viewIndexOf(ALL, N));
        assertEquals(1, doc.nearestViewIndex(ERRORS, 124), "the next error after line 124 is the second one");
        assertEquals(errors.size() - 1, doc.nearestViewIndex(ERRORS, N - 1), "clamped to the last error");
        assertThrows(IndexOutOfBoundsException.class, () -> doc.line(ERRORS, errors.size()));
        assertTrue(ERRORS.accepts(ERROR) && !ERRORS.accepts(WARN) && WARNINGS_AND_ERRORS.accepts(WARN)
                && !WARNINGS_AND_ERRORS.accepts(OTHER) && ALL.accepts(OTHER));
    }

    @Test
    void reportsProgressUpToOneHundredPercent() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), N);
        LogDocument doc = new LogDocument(new FileLogSource(file), "p", 500, 100, 1000);
        docs.add(doc);
        List<Double> seen = new CopyOnWriteArrayList<>();
        doc.addListener(() -> seen.add(doc.progress()));
        doc.start().whenIndexed().get(30, TimeUnit.SECONDS);

        assertTrue(seen.size() >= N / 500, "told after every page: " + seen.size());
        for (int k = 1; k < seen.size(); k++) {
            assertTrue(seen.get(k) >= seen.get(k - 1), "progress never goes back: " + seen);
        }
        assertTrue(seen.get(0) < 0.1, "starts low: " + seen.get(0));
        assertEquals(1.0, seen.get(seen.size() - 1));
        assertEquals(Files.size(file), doc.bytesIndexed());
        assertEquals(Files.size(file), doc.size());
    }

    @Test
    void closeStopsIndexing() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 20_000);
        FileLogSource files = new FileLogSource(file);
        AtomicInteger reads = new AtomicInteger();
        LogSource slow = (offset, max) -> {
            reads.incrementAndGet();
            Thread.sleep(20);
            return files.read(offset, max);
        };
        LogDocument doc = new LogDocument(slow, "slow", 100, 100, 1000);
        docs.add(doc);
        doc.start().whenFirstPage().get(5, TimeUnit.SECONDS);
        assertTrue(doc.isIndexing());

        doc.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (doc.isIndexing() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(doc.isIndexing(), "the indexing thread ended");
        int readsAfterClose = reads.get();
        int lines = doc.lineCount();
        Thread.sleep(200);
        assertEquals(readsAfterClose, reads.get(), "no reads after close");
        assertEquals(lines, doc.lineCount());
        assertTrue(lines < 20_000, "stopped early at " + lines);
        assertFalse(doc.isDone());
        assertTrue(doc.isClosed());
        assertEquals(0, doc.cachedLineCount());
        ExecutionException e = assertThrows(ExecutionException.class, () -> doc.whenIndexed().get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof CancellationException, String.valueOf(e.getCause()));
        assertThrows(ExecutionException.class, () -> doc.textAsync(lines - 1).get(1, TimeUnit.SECONDS));
    }

    @Test
    void reportsAFailingSourceAndKeepsWhatItRead() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 1_000);
        FileLogSource files = new FileLogSource(file);
        LogSource failing = (offset, max) -> {
            if (offset > 0) {
                throw new IOException("helper went away");
            }
            return files.read(offset, max);
        };
        LogDocument doc = new LogDocument(failing, "f", 300, 100, 1000);
        docs.add(doc);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> doc.start().whenIndexed().get(5, TimeUnit.SECONDS));
        assertEquals("helper went away", e.getCause().getMessage());
        assertNotNull(doc.failure());
        assertFalse(doc.isDone());
        assertEquals(300, doc.lineCount());
        assertEquals(LogFixtures.line(299), doc.text(299));
        assertEquals("300 lines, read failed: helper went away", StatusTexts.status(doc));
    }

    @Test
    void worksWithASourceThatReturnsShortPages() throws Exception {
        Path file = LogFixtures.write(dir.resolve("dump.log"), 2_500);
        FileLogSource files = new FileLogSource(file);
        LogSource stingy = (offset, max) -> {
            LogPage page = files.read(offset, Math.min(max, 3));
            return page;
        };
        LogDocument doc = indexed(stingy, 100, 50, 200);
        assertEquals(2_500, doc.lineCount());
        for (int i : new int[] {0, 2, 3, 49, 50, 51, 1000, 2499}) {
            assertEquals(LogFixtures.line(i), doc.text(i), "line " + i);
        }
        assertEquals(OptionalInt.of(1777), search(doc, "needle", 1000, true));
        assertEquals(OptionalInt.of(777), search(doc, "needle", 1000, false));
        assertEquals(List.of(LogFixtures.line(5), LogFixtures.line(2400)), doc.texts(new int[] {5, 2400}));
    }

    @Test
    void marksTheLinesKnownToBeHarmless() throws Exception {
        // the first lines of a captured restore log's failure: restore-missing-file.log:68, 656, 660, 661
        Path file = Files.write(dir.resolve("restore.log"), List.of(
                "(00.031512) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not"
                        + " permitted",
                "(00.052019) Warn  (criu/cr-restore.c:1050): Set CLONE_PARENT | CLONE_NEWPID but it might cause"
                        + " restore problem,because not all kernels support such clone flags combinations!",
                "(00.160126)      1: Error (criu/files-reg.c:2353): Can't open file tmp/lockfile on restore: No such"
                        + " file or directory",
                "(00.161369) Error (criu/cr-restore.c:2331): Restoring FAILED.",
                "(00.162205) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory"),
                StandardCharsets.UTF_8);
        LogDocument doc = indexed(new FileLogSource(file), 2, 2, 4);
        assertTrue(doc.isHarmless(0));
        assertTrue(doc.isHarmless(1));
        assertFalse(doc.isHarmless(2));
        assertFalse(doc.isHarmless(3));
        assertTrue(doc.isHarmless(4), "harmless after the failure, across an index page");
        assertEquals(ERROR, doc.level(4));
        assertEquals(0, doc.firstErrorLine());
        assertEquals(2, doc.firstRealErrorLine());
        assertEquals(2, doc.harmlessErrorCount());
        assertEquals(1, doc.harmlessWarningCount());
        assertEquals("5 lines, 4 errors (2 known harmless), 1 warning (1 known harmless)", StatusTexts.status(doc));
        assertEquals(4, doc.count(ERRORS), "the filters still list every Error line");
    }

    @Test
    void statusTextsFollowIndexing() throws Exception {
        LogDocument doc = generated(3_000);
        assertEquals("3,000 lines, 6 errors, " + LogFixtures.count(3_000, WARN) + " warnings",
                StatusTexts.status(doc));
        CountDownLatch never = new CountDownLatch(1);
        Path file = LogFixtures.write(dir.resolve("two.log"), 2_000);
        FileLogSource files = new FileLogSource(file);
        LogDocument half = new LogDocument((offset, max) -> {
            if (offset > 0) {
                never.await();
            }
            return files.read(offset, max);
        }, "half", 1000, 100, 1000);
        docs.add(half);
        half.start().whenFirstPage().get(5, TimeUnit.SECONDS);
        assertTrue(StatusTexts.status(half).matches("1,000 lines, indexing (49|50)%"), StatusTexts.status(half));
        never.countDown();
    }
}
