package dev.dockercheckpoint.ui.logviewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A 50 MB log: the first page comes at once, indexing finishes, text stays within the cache. */
@ExtendWith(ApplicationExtension.class)
class LogViewerLargeFileTest {
    private static final long BYTES = 50L * 1024 * 1024;
    private static Path file;
    private static int lines;

    private StackPane root;
    private LogViewer viewer;

    @BeforeAll
    static void generate() throws Exception {
        file = Files.createTempFile("large-dump", ".log");
        lines = LogFixtures.writeAtLeast(file, BYTES);
    }

    @AfterAll
    static void delete() throws Exception {
        Files.deleteIfExists(file);
    }

    @Start
    void start(Stage stage) {
        root = new StackPane();
        stage.setScene(new Scene(root, 1000, 700));
        stage.show();
    }

    @AfterEach
    void close() {
        if (viewer != null) {
            viewer.close();
        }
    }

    @Test
    void firstPageAtOnceThenFullIndexWithBoundedText(FxRobot robot) throws Exception {
        assertTrue(Files.size(file) >= BYTES && lines > 400_000, Files.size(file) + " bytes, " + lines + " lines");
        long t0 = System.nanoTime();
        viewer = LogViewer.open(new FileLogSource(file), "dump.log");
        LogDocument doc = viewer.getDocument();
        doc.whenFirstPage().get(5, TimeUnit.SECONDS);
        long firstPageMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(firstPageMs < 1_000, "first page after " + firstPageMs + " ms");
        assertEquals(LogFixtures.line(0), doc.cachedText(0));
        assertTrue(doc.lineCount() >= LogDocument.DEFAULT_INDEX_PAGE_LINES);

        robot.interact(() -> root.getChildren().setAll(viewer));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> firstCellWithText(robot) != null);
        long firstScreenMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(firstScreenMs < 3_000, "first screen after " + firstScreenMs + " ms");

        doc.whenIndexed().get(120, TimeUnit.SECONDS);
        assertEquals(lines, doc.lineCount());
        assertEquals(Files.size(file), doc.bytesIndexed());
        assertEquals(1.0, doc.progress());
        assertEquals(LogFixtures.count(lines, LogDocument.Level.ERROR), doc.errorCount());
        @SuppressWarnings("unchecked")
        ListView<Integer> list = robot.lookup(".log-lines").queryAs(ListView.class);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> list.getItems().size() == lines);

        // wander through the whole log: each jump shows the right text, the cache stays bounded
        Random random = new Random(7);
        for (int k = 0; k < 25; k++) {
            int line = k == 0 ? lines - 1 : random.nextInt(lines);
            robot.interact(() -> viewer.goToLine(line));
            WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> {
                LogLineCell c = cell(robot, line);
                return c != null && c.showsText();
            });
            assertEquals(LogFixtures.line(line), cell(robot, line).shownText());
            assertTrue(doc.cachedLineCount() <= doc.maxCachedLines(),
                    doc.cachedLineCount() + " cached lines > " + doc.maxCachedLines());
        }
        assertTrue(doc.maxCachedLines() * 10 < lines, "the cache bound is a small part of the log");
    }

    private static LogLineCell firstCellWithText(FxRobot robot) {
        for (Node n : robot.lookup(".log-line").queryAll()) {
            if (n instanceof LogLineCell c && c.showsText() && c.getItem() == 0) {
                return c;
            }
        }
        return null;
    }

    private static LogLineCell cell(FxRobot robot, int line) {
        for (Node n : robot.lookup(".log-line").queryAll()) {
            if (n instanceof LogLineCell c && c.isVisible() && !c.isEmpty() && c.getItem() == line) {
                return c;
            }
        }
        return null;
    }
}
