package dev.dockercheckpoint.ui.logviewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.ui.logviewer.LogDocument.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
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

/** The viewer driven as a user would: typing, clicking, keyboard, clipboard. */
@ExtendWith(ApplicationExtension.class)
class LogViewerTest {
    private static final int LINES = 3_000;
    private static Path file;

    private LogViewer viewer;
    private ListView<Integer> list;

    @BeforeAll
    static void generate() throws Exception {
        file = LogFixtures.write(Files.createTempFile("dump", ".log"), LINES);
    }

    @AfterAll
    static void delete() throws Exception {
        Files.deleteIfExists(file);
    }

    /** Set when the viewer reads the log on the FX thread, which would freeze the window. */
    private final AtomicInteger fxThreadReads = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();

    @Start
    void start(Stage stage) {
        FileLogSource files = new FileLogSource(file);
        LogSource source = (offset, max) -> {
            reads.incrementAndGet();
            if (Platform.isFxApplicationThread()) {
                fxThreadReads.incrementAndGet();
            }
            return files.read(offset, max);
        };
        // pages smaller than the log, so that lines away from the top are fetched on demand
        viewer = new LogViewer(new LogDocument(source, "dump.log", 1000, 200, 1000).start());
        viewer.setTitle("dump.log");
        stage.setScene(new Scene(viewer, 1000, 600));
        stage.show();
        list = ((LogViewerSkin) viewer.getSkin()).listView();
    }

    @AfterEach
    void closeViewer() {
        viewer.close();
        assertTrue(reads.get() > 0);
        assertEquals(0, fxThreadReads.get(), "reads on the FX thread");
    }

    private void awaitIndexed(FxRobot robot) throws Exception {
        viewer.getDocument().whenIndexed().get(20, TimeUnit.SECONDS);
        waitFor(() -> list.getItems().size() == LINES);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void waitFor(Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, condition);
    }

    private void waitForSelected(int line) throws TimeoutException {
        try {
            waitFor(() -> viewer.getSelectedLine() == line);
        } catch (TimeoutException e) {
            throw new AssertionError("expected line " + line + " selected, got " + viewer.getSelectedLine()
                    + " (" + viewer.getSearchStatus() + ")", e);
        }
    }

    /** The visible cell showing log line {@code line}, or null. */
    private LogLineCell visibleCell(FxRobot robot, int line) {
        for (Node n : robot.lookup(".log-line").queryAll()) {
            if (n instanceof LogLineCell c && c.isVisible() && !c.isEmpty() && c.getItem() == line
                    && c.localToScene(c.getBoundsInLocal()).getMaxY() <= list.localToScene(list.getBoundsInLocal()).getMaxY()) {
                return c;
            }
        }
        return null;
    }

    @Test
    void showsNumberedLinesWithLevelsAndStatus(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        waitFor(() -> visibleCell(robot, 13) != null && visibleCell(robot, 13).showsText());
        LogLineCell warn = visibleCell(robot, 13);
        assertEquals(LogFixtures.line(13), warn.shownText());
        assertTrue(warn.getStyleClass().contains("warn-line"));
        LogLineCell plain = visibleCell(robot, 12);
        assertFalse(plain.getStyleClass().contains("warn-line") || plain.getStyleClass().contains("error-line"));
        assertEquals("13", plain.shownNumber());
        assertEquals(18.0, list.getFixedCellSize(), "fixed cell size from log-viewer.css");
        // numbers right-aligned in a gutter as wide as "3000": "9" and "10" end at the same x, texts start together
        Text nine = robot.from(visibleCell(robot, 8)).lookup(".line-number").queryAs(Text.class);
        Text ten = robot.from(visibleCell(robot, 9)).lookup(".line-number").queryAs(Text.class);
        assertEquals("9", nine.getText());
        assertEquals("10", ten.getText());
        assertEquals(nine.getBoundsInParent().getMaxX(), ten.getBoundsInParent().getMaxX(), 0.5);
        assertTrue(ten.getBoundsInParent().getMinX() < nine.getBoundsInParent().getMinX() - 3);
        Text text9 = robot.from(visibleCell(robot, 8)).lookup(".line-text").queryAs(Text.class);
        Text text10 = robot.from(visibleCell(robot, 9)).lookup(".line-text").queryAs(Text.class);
        assertEquals(text9.getBoundsInParent().getMinX(), text10.getBoundsInParent().getMinX(), 0.5);
        assertTrue(text9.getBoundsInParent().getMinX() > nine.getBoundsInParent().getMaxX());
        assertEquals("Monospaced", robot.from(plain).lookup(".line-text").queryAs(Text.class)
                .getFont().getFamily());
        assertEquals("3,000 lines, 6 errors, " + LogFixtures.count(LINES, Level.WARN) + " warnings", viewer.getStatus());
        assertEquals(viewer.getStatus(), robot.lookup(".status-label").queryAs(Label.class).getText());
        assertEquals("dump.log", robot.lookup(".title-label").queryAs(Label.class).getText());
    }

    @Test
    void searchesWithEnterNextAndPrevious(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        robot.clickOn(".search-field").write("NEEDLE").type(KeyCode.ENTER);
        waitForSelected(777);
        waitFor(() -> visibleCell(robot, 777) != null);
        assertEquals("Line 778", viewer.getSearchStatus());

        robot.clickOn(".next-button");
        waitForSelected(1777);
        waitFor(() -> visibleCell(robot, 1777) != null);
        robot.clickOn(".search-field").type(KeyCode.ENTER);
        waitForSelected(2777);
        robot.clickOn(".next-button");
        waitForSelected(777); // wrapped around

        robot.clickOn(".previous-button");
        waitForSelected(2777); // wrapped back
        robot.clickOn(".previous-button");
        waitForSelected(1777);
        waitFor(() -> visibleCell(robot, 1777) != null);
        assertEquals(List.of(1777), viewer.getSelectedLines());

        TextField field = robot.lookup(".search-field").queryAs(TextField.class);
        robot.interact(field::clear);
        robot.clickOn(field).write("no such text").type(KeyCode.ENTER);
        waitFor(() -> "Not found".equals(viewer.getSearchStatus()));
        assertEquals("Not found", robot.lookup(".search-status").queryAs(Label.class).getText());
        assertEquals(1777, viewer.getSelectedLine(), "a failed search keeps the selection");
    }

    @Test
    void jumpsToTheFirstError(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        assertNull(visibleCell(robot, LogFixtures.ERROR_AT), "not on the first screen");
        Button first = robot.lookup(".first-error-button").queryAs(Button.class);
        assertFalse(first.isDisabled());
        robot.clickOn(first);
        waitForSelected(LogFixtures.ERROR_AT);
        waitFor(() -> visibleCell(robot, LogFixtures.ERROR_AT) != null
                && visibleCell(robot, LogFixtures.ERROR_AT).showsText());
        LogLineCell cell = visibleCell(robot, LogFixtures.ERROR_AT);
        assertTrue(cell.getStyleClass().contains("error-line"));
        assertEquals(LogFixtures.line(LogFixtures.ERROR_AT), cell.shownText());
    }

    @Test
    void filtersByLevel(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        ChoiceBox<?> choice = robot.lookup(".filter-choice").queryAs(ChoiceBox.class);

        robot.clickOn(choice).clickOn("Errors");
        waitFor(() -> list.getItems().size() == 6);
        assertEquals(LogDocument.Filter.ERRORS, viewer.getFilter());
        WaitForAsyncUtils.waitForFxEvents();
        List<LogLineCell> shown = robot.lookup(".log-line").queryAllAs(LogLineCell.class).stream()
                .filter(c -> !c.isEmpty() && c.isVisible()).toList();
        assertEquals(6, shown.size());
        assertTrue(shown.stream().allMatch(c -> c.getStyleClass().contains("error-line")));

        robot.clickOn(choice).clickOn("Warnings + errors");
        int problems = LogFixtures.count(LINES, Level.ERROR) + LogFixtures.count(LINES, Level.WARN);
        waitFor(() -> list.getItems().size() == problems);

        robot.clickOn(".first-error-button");
        waitForSelected(LogFixtures.ERROR_AT);
        robot.clickOn(choice).clickOn("All");
        waitFor(() -> list.getItems().size() == LINES);
        assertEquals(LogFixtures.ERROR_AT, viewer.getSelectedLine(), "the selected line survives the filter switch");
    }

    @Test
    void copiesSelectedLinesWithCtrlCAndTheCopyButton(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        waitFor(() -> visibleCell(robot, 8) != null && visibleCell(robot, 8).showsText());
        Button copy = robot.lookup(".copy-button").queryAs(Button.class);
        assertTrue(copy.isDisabled(), "nothing selected yet");

        robot.clickOn(visibleCell(robot, 4));
        robot.press(KeyCode.SHIFT).clickOn(visibleCell(robot, 7)).release(KeyCode.SHIFT);
        assertEquals(List.of(4, 5, 6, 7), viewer.getSelectedLines());
        robot.press(KeyCode.CONTROL).type(KeyCode.C).release(KeyCode.CONTROL);
        String expected = String.join("\n", LogFixtures.line(4), LogFixtures.line(5), LogFixtures.line(6),
                LogFixtures.line(7));
        waitFor(() -> expected.equals(clipboard(robot)));
        assertEquals("Copied 4 lines", viewer.getSearchStatus());

        robot.clickOn(visibleCell(robot, 2));
        robot.press(KeyCode.CONTROL).clickOn(visibleCell(robot, 8)).release(KeyCode.CONTROL);
        assertFalse(copy.isDisabled());
        robot.clickOn(copy);
        String two = LogFixtures.line(2) + "\n" + LogFixtures.line(8);
        waitFor(() -> two.equals(clipboard(robot)));
    }

    @Test
    void copiesLinesWhoseTextIsNotCached(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        assertNull(viewer.getDocument().cachedText(2500));
        assertNull(viewer.getDocument().cachedText(2999));
        robot.interact(() -> list.getSelectionModel().selectIndices(5, 2500, 2999));
        List<java.util.concurrent.CompletableFuture<String>> copy = new java.util.ArrayList<>();
        robot.interact(() -> copy.add(viewer.copySelection()));
        String copied = copy.get(0).get(10, TimeUnit.SECONDS);
        String expected = String.join("\n", LogFixtures.line(5), LogFixtures.line(2500), LogFixtures.line(2999));
        assertEquals(expected, copied);
        waitFor(() -> expected.equals(clipboard(robot)));
    }

    private static String clipboard(FxRobot robot) {
        String[] text = new String[1];
        robot.interact(() -> text[0] = Clipboard.getSystemClipboard().getString());
        return text[0];
    }

    @Test
    void showsTheBannerOnlyWhenSet(FxRobot robot) throws Exception {
        awaitIndexed(robot);
        Node container = robot.lookup(".banner-container").query();
        assertFalse(container.isVisible());
        Label banner = new Label("CRIU could not dump an established TCP connection");
        banner.getStyleClass().add("test-banner");
        robot.interact(() -> viewer.setBanner(banner));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(container.isVisible());
        assertNotNull(robot.lookup(".test-banner").query());
        double bannerBottom = banner.localToScene(banner.getLayoutBounds()).getMaxY();
        double listTop = list.localToScene(list.getLayoutBounds()).getMinY();
        assertTrue(bannerBottom <= listTop + 0.5, "banner ends at " + bannerBottom + ", list starts at " + listTop);
        robot.interact(() -> viewer.setBanner(null));
        assertFalse(container.isVisible());
        assertNull(banner.getScene());
    }

    @Test
    void disablesFirstErrorForALogWithoutErrors(FxRobot robot, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path clean = Files.writeString(dir.resolve("clean.log"),
                "(00.000012) Version: 4.2.1\n(00.003207) Warn  (criu/x.c:12): something\n(00.1) done\n");
        robot.interact(() -> {
            viewer.close();
            viewer.setDocument(LogDocument.open(new FileLogSource(clean), "clean.log"));
        });
        viewer.getDocument().whenIndexed().get(5, TimeUnit.SECONDS);
        waitFor(() -> list.getItems().size() == 3);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup(".first-error-button").queryAs(Button.class).isDisabled());
        assertEquals("3 lines, 0 errors, 1 warning", viewer.getStatus());
        robot.interact(() -> viewer.setFilter(LogDocument.Filter.ERRORS));
        assertEquals(0, list.getItems().size());
        assertEquals("No errors", ((Label) list.getPlaceholder()).getText());
    }

    @Test
    void greysTheKnownHarmlessLinesAndSkipsThemForFirstError(FxRobot robot,
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // dump-file-locks-without-flag.log:70 and 802
        Path log = Files.writeString(dir.resolve("dump.log"), "(00.000012) Version: 4.2.1\n"
                + "(00.256185) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not"
                + " permitted\n(00.300000) Dumping file-locks\n(00.320992) Error (criu/file-lock.c:110): Some file"
                + " locks are hold by dumping tasks! You can try --file-locks to dump them.\n");
        robot.interact(() -> {
            viewer.close();
            viewer.setDocument(LogDocument.open(new FileLogSource(log), "dump.log"));
        });
        viewer.getDocument().whenIndexed().get(5, TimeUnit.SECONDS);
        waitFor(() -> list.getItems().size() == 4);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("4 lines, 2 errors (1 known harmless), 0 warnings", viewer.getStatus());
        robot.clickOn(".first-error-button");
        waitForSelected(3);
        waitFor(() -> visibleCell(robot, 1) != null && visibleCell(robot, 3) != null);
        LogLineCell harmless = visibleCell(robot, 1);
        assertTrue(harmless.getStyleClass().containsAll(List.of("error-line", "harmless-line")));
        assertFalse(visibleCell(robot, 3).getStyleClass().contains("harmless-line"));
    }
}
