package dev.dockercheckpoint.ui.logviewer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.ListChangeListener;
import javafx.event.EventHandler;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SkinBase;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import javafx.util.StringConverter;

/**
 * Default skin of {@link LogViewer}: toolbar (filter, search, First error, Copy), optional banner,
 * virtualised list of lines, status bar. Document updates arrive on the indexing thread and are
 * applied here on the FX thread, at most one pending refresh at a time.
 */
@SuppressWarnings("this-escape") // JavaFX properties and listeners take this as their bean, as in every control
public class LogViewerSkin extends SkinBase<LogViewer> {
    /** Most lines one copy puts on the clipboard. */
    static final int MAX_COPY_LINES = 100_000;
    /** Least time between two refreshes from the indexing thread (each one relays out the list). */
    static final long REFRESH_INTERVAL_MS = 200;
    private static final KeyCombination COPY = new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN);
    private static final KeyCombination FIND = new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN);
    private static final KeyCombination NEXT = new KeyCodeCombination(KeyCode.F3);
    private static final KeyCombination PREVIOUS = new KeyCodeCombination(KeyCode.F3, KeyCombination.SHIFT_DOWN);
    private static final KeyCombination SHIFT_ENTER = new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHIFT_DOWN);

    private final ListView<Integer> listView = new ListView<>();
    private final ChoiceBox<LogDocument.Filter> filterChoice = new ChoiceBox<>();
    private final TextField searchField = new TextField();
    private final Button previousButton = new Button("Previous");
    private final Button nextButton = new Button("Next");
    private final Button firstErrorButton = new Button("First error");
    private final Button copyButton = new Button("Copy");
    private final Label titleLabel = new Label();
    private final Label searchStatusLabel = new Label();
    private final Label statusLabel = new Label();
    private final Label placeholder = new Label();
    private final StackPane bannerPane = new StackPane();

    private final IntegerProperty digits = new SimpleIntegerProperty(1);
    private final BooleanProperty hasErrors = new SimpleBooleanProperty(false);
    private final AtomicBoolean refreshScheduled = new AtomicBoolean();
    private long lastRefresh = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    private final Runnable documentListener = this::scheduleRefresh;
    private final EventHandler<KeyEvent> shortcuts = this::onKey;

    private LogDocument doc;
    private LineItems items = new LineItems(null, LogDocument.Filter.ALL);
    private CompletableFuture<OptionalInt> pendingSearch;

    public LogViewerSkin(LogViewer control) {
        super(control);

        titleLabel.getStyleClass().add("title-label");
        titleLabel.textProperty().bind(control.titleProperty());
        titleLabel.visibleProperty().bind(Bindings.isNotEmpty(control.titleProperty()));
        titleLabel.managedProperty().bind(titleLabel.visibleProperty());

        filterChoice.getStyleClass().add("filter-choice");
        filterChoice.getItems().setAll(LogDocument.Filter.values());
        filterChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(LogDocument.Filter f) {
                return f == null ? "" : f.label();
            }

            @Override
            public LogDocument.Filter fromString(String s) {
                for (LogDocument.Filter f : LogDocument.Filter.values()) {
                    if (f.label().equals(s)) {
                        return f;
                    }
                }
                return LogDocument.Filter.ALL;
            }
        });
        filterChoice.valueProperty().bindBidirectional(control.filterProperty());
        filterChoice.setTooltip(new Tooltip("Lines to list"));

        searchField.getStyleClass().add("search-field");
        searchField.setPromptText("Search");
        searchField.textProperty().bindBidirectional(control.searchTextProperty());
        searchField.setOnAction(e -> find(true));
        searchField.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (SHIFT_ENTER.match(e)) {
                find(false);
                e.consume();
            }
        });
        HBox.setHgrow(searchField, Priority.SOMETIMES);

        var noQuery = Bindings.createBooleanBinding(
                () -> control.getSearchText() == null || control.getSearchText().isEmpty(),
                control.searchTextProperty());
        previousButton.getStyleClass().add("previous-button");
        previousButton.setTooltip(new Tooltip("Previous match (Shift+Enter, Shift+F3)"));
        previousButton.disableProperty().bind(noQuery);
        previousButton.setOnAction(e -> find(false));
        nextButton.getStyleClass().add("next-button");
        nextButton.setTooltip(new Tooltip("Next match (Enter, F3)"));
        nextButton.disableProperty().bind(noQuery);
        nextButton.setOnAction(e -> find(true));

        searchStatusLabel.getStyleClass().add("search-status");
        searchStatusLabel.textProperty().bind(control.searchStatusProperty());

        firstErrorButton.getStyleClass().add("first-error-button");
        firstErrorButton.setTooltip(new Tooltip("Select the first Error line not known to be harmless"));
        firstErrorButton.disableProperty().bind(hasErrors.not());
        firstErrorButton.setOnAction(e -> goToFirstError());

        copyButton.getStyleClass().add("copy-button");
        copyButton.setTooltip(new Tooltip("Copy the selected lines (Ctrl+C)"));
        copyButton.disableProperty().bind(Bindings.isEmpty(listView.getSelectionModel().getSelectedIndices()));
        copyButton.setOnAction(e -> copySelection());

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox toolbar = new HBox(titleLabel, filterChoice, searchField, previousButton, nextButton,
                searchStatusLabel, spacer, firstErrorButton, copyButton);
        toolbar.getStyleClass().add("log-toolbar");

        bannerPane.getStyleClass().add("banner-container");
        bannerPane.visibleProperty().bind(control.bannerProperty().isNotNull());
        bannerPane.managedProperty().bind(bannerPane.visibleProperty());

        placeholder.getStyleClass().add("placeholder-label");
        listView.setPlaceholder(placeholder);
        listView.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        listView.setCellFactory(lv -> new LogLineCell(this));
        listView.getStyleClass().add("log-lines");
        listView.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (COPY.match(e)) {
                copySelection();
                e.consume();
            }
        });
        listView.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> updateSelectedLine());
        listView.getSelectionModel().getSelectedIndices()
                .addListener((ListChangeListener<Integer>) c -> updateSelectedLine());
        VBox.setVgrow(listView, Priority.ALWAYS);

        statusLabel.getStyleClass().add("status-label");
        statusLabel.textProperty().bind(control.statusProperty());
        HBox statusBar = new HBox(statusLabel);
        statusBar.getStyleClass().add("status-bar");

        VBox root = new VBox(toolbar, bannerPane, listView, statusBar);
        root.getStyleClass().add("log-viewer-content");
        getChildren().add(root);
        control.addEventHandler(KeyEvent.KEY_PRESSED, shortcuts);

        registerChangeListener(control.documentProperty(), o -> documentChanged());
        registerChangeListener(control.filterProperty(), o -> filterChanged());
        registerChangeListener(control.bannerProperty(), o -> bannerChanged());
        bannerChanged();
        documentChanged();
    }

    // ------------------------------------------------------------ state

    LogDocument document() {
        return doc;
    }

    ReadOnlyIntegerProperty digitsProperty() {
        return digits;
    }

    ListView<Integer> listView() {
        return listView;
    }

    private void bannerChanged() {
        Node banner = getSkinnable().getBanner();
        if (banner == null) {
            bannerPane.getChildren().clear();
        } else {
            bannerPane.getChildren().setAll(banner);
        }
    }

    private void documentChanged() {
        if (doc != null) {
            doc.removeListener(documentListener);
        }
        cancelSearch();
        getSkinnable().setSearchStatus("");
        doc = getSkinnable().getDocument();
        if (doc != null) {
            doc.addListener(documentListener);
        }
        items = new LineItems(doc, getSkinnable().getFilter());
        listView.setItems(items);
        refresh();
    }

    private void filterChanged() {
        int selected = getSkinnable().getSelectedLine();
        cancelSearch();
        items = new LineItems(doc, getSkinnable().getFilter());
        listView.setItems(items);
        refresh();
        if (selected >= 0 && doc != null && items.size() > 0) {
            int k = doc.nearestViewIndex(items.filter(), selected);
            if (k >= 0 && k < items.size()) {
                if (items.get(k) == selected) {
                    select(k);
                } else {
                    reveal(k);
                }
            }
        }
    }

    /** Called on the indexing thread: at most one refresh pending, at most one per REFRESH_INTERVAL. */
    private void scheduleRefresh() {
        if (refreshScheduled.compareAndSet(false, true)) {
            Platform.runLater(this::refreshSoon);
        }
    }

    private void refreshSoon() {
        long waitMs = REFRESH_INTERVAL_MS - (System.nanoTime() - lastRefresh) / 1_000_000;
        LogDocument d = doc;
        boolean finished = d == null || d.isDone() || d.isClosed() || d.failure() != null;
        if (waitMs > 0 && !finished && items.size() > 0) { // the first lines show at once
            PauseTransition pause = new PauseTransition(Duration.millis(waitMs));
            pause.setOnFinished(e -> refreshSoon());
            pause.play();
            return;
        }
        refreshScheduled.set(false);
        refresh();
    }

    /** Takes in what the document indexed since the last refresh (FX thread). */
    private void refresh() {
        if (getSkinnable() == null) {
            return; // disposed
        }
        lastRefresh = System.nanoTime();
        items.sync();
        LogViewer control = getSkinnable();
        if (doc == null) {
            digits.set(1);
            hasErrors.set(false);
            control.setStatus("");
            placeholder.setText("No log");
            return;
        }
        digits.set(Integer.toString(Math.max(1, doc.lineCount())).length());
        hasErrors.set(doc.firstErrorLine() >= 0);
        control.setStatus(statusOf(doc));
        if (doc.failure() != null && doc.lineCount() == 0) {
            placeholder.setText("Cannot read " + doc.name() + ": " + message(doc.failure()));
        } else if (!doc.isDone()) {
            placeholder.setText("Reading " + doc.name() + "\u2026");
        } else if (doc.lineCount() == 0) {
            placeholder.setText(doc.name() + " is empty");
        } else {
            placeholder.setText("No " + (items.filter() == LogDocument.Filter.ERRORS ? "errors" : "warnings or errors"));
        }
    }

    /**
     * "N lines, indexing 42%" while indexing, "N lines, 3 errors, 12 warnings" when done, with the
     * known harmless ones named: "3 errors (1 known harmless)".
     */
    static String statusOf(LogDocument doc) {
        String lines = count(doc.lineCount(), "line");
        if (doc.failure() != null) {
            return lines + ", read failed: " + message(doc.failure());
        }
        if (!doc.isDone()) {
            if (doc.isClosed()) {
                return lines + ", closed";
            }
            return lines + ", indexing " + (int) Math.floor(doc.progress() * 100) + "%";
        }
        return lines + ", " + count(doc.errorCount(), "error") + harmless(doc.harmlessErrorCount()) + ", "
                + count(doc.warningCount(), "warning") + harmless(doc.harmlessWarningCount());
    }

    private static String harmless(int n) {
        return n == 0 ? "" : String.format(Locale.ROOT, " (%,d known harmless)", n);
    }

    private static String count(int n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static String message(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private void updateSelectedLine() {
        int k = listView.getSelectionModel().getSelectedIndex();
        getSkinnable().setSelectedLine(k >= 0 && k < items.size() ? items.get(k) : -1);
    }

    List<Integer> selectedLines() {
        List<Integer> lines = new ArrayList<>();
        for (Integer k : listView.getSelectionModel().getSelectedIndices()) {
            if (k != null && k >= 0 && k < items.size()) {
                lines.add(items.get(k));
            }
        }
        lines.sort(null);
        return lines;
    }

    // ------------------------------------------------------------ actions

    private void onKey(KeyEvent e) {
        if (FIND.match(e)) {
            searchField.requestFocus();
            searchField.selectAll();
            e.consume();
        } else if (NEXT.match(e)) {
            find(true);
            e.consume();
        } else if (PREVIOUS.match(e)) {
            find(false);
            e.consume();
        }
    }

    void find(boolean forward) {
        LogViewer control = getSkinnable();
        String query = control.getSearchText();
        cancelSearch();
        if (doc == null || query == null || query.isEmpty()) {
            control.setSearchStatus("");
            return;
        }
        control.setSearchStatus("Searching\u2026");
        CompletableFuture<OptionalInt> search = doc.search(query, control.getSelectedLine(), forward, items.filter());
        pendingSearch = search;
        search.whenComplete((found, ex) -> Platform.runLater(() -> {
            if (pendingSearch != search) {
                return; // superseded or cancelled
            }
            pendingSearch = null;
            if (ex != null) {
                control.setSearchStatus(ex instanceof CancellationException ? "" : "Search failed: " + message(ex));
            } else if (found.isEmpty()) {
                control.setSearchStatus("Not found");
            } else {
                control.setSearchStatus("Line " + (found.getAsInt() + 1));
                selectLine(found.getAsInt());
            }
        }));
    }

    private void cancelSearch() {
        if (pendingSearch != null) {
            pendingSearch.cancel(false);
            pendingSearch = null;
        }
    }

    /** The first Error line not known to be harmless; the first Error line when all are. */
    void goToFirstError() {
        if (doc == null) {
            return;
        }
        int line = doc.firstRealErrorLine() >= 0 ? doc.firstRealErrorLine() : doc.firstErrorLine();
        if (line >= 0) {
            selectLine(line);
        }
    }

    void goToLine(int line) {
        if (doc == null || line < 0 || line >= doc.lineCount()) {
            return;
        }
        items.sync();
        if (items.viewIndexOf(line) < 0) {
            getSkinnable().setFilter(LogDocument.Filter.ALL);
        }
        selectLine(line);
    }

    private void selectLine(int line) {
        items.sync();
        int k = items.viewIndexOf(line);
        if (k >= 0) {
            select(k);
        }
    }

    private void select(int k) {
        listView.getSelectionModel().clearAndSelect(k);
        listView.getFocusModel().focus(k);
        reveal(k);
    }

    /** Scrolls view index {@code k} into view unless it is fully visible already. */
    private void reveal(int k) {
        VirtualFlow<?> flow = listView.lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
        IndexedCell<?> first = flow == null ? null : flow.getFirstVisibleCell();
        IndexedCell<?> last = flow == null ? null : flow.getLastVisibleCell();
        if (first == null || last == null) {
            listView.scrollTo(k);
            return;
        }
        if (k > first.getIndex() && k < last.getIndex()) {
            return;
        }
        int rows = Math.max(1, last.getIndex() - first.getIndex());
        listView.scrollTo(Math.max(0, k - rows / 3));
    }

    CompletableFuture<String> copySelection() {
        LogViewer control = getSkinnable();
        List<Integer> selected = selectedLines();
        if (doc == null || selected.isEmpty()) {
            return CompletableFuture.completedFuture("");
        }
        int n = Math.min(selected.size(), MAX_COPY_LINES);
        int[] lines = new int[n];
        for (int i = 0; i < n; i++) {
            lines[i] = selected.get(i);
        }
        boolean truncated = selected.size() > n;
        control.setSearchStatus("Copying\u2026");
        CompletableFuture<String> copied = new CompletableFuture<>();
        doc.textsAsync(lines).whenComplete((texts, ex) -> Platform.runLater(() -> {
            if (ex != null) {
                control.setSearchStatus("Copy failed: " + message(ex));
                copied.completeExceptionally(ex);
                return;
            }
            String text = String.join("\n", texts);
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
            control.setSearchStatus(truncated
                    ? "Copied the first " + count(n, "line")
                    : "Copied " + count(n, "line"));
            copied.complete(text);
        }));
        return copied;
    }

    @Override
    public void dispose() {
        if (getSkinnable() == null) {
            return;
        }
        LogViewer control = getSkinnable();
        cancelSearch();
        if (doc != null) {
            doc.removeListener(documentListener);
            doc = null;
        }
        control.removeEventHandler(KeyEvent.KEY_PRESSED, shortcuts);
        filterChoice.valueProperty().unbindBidirectional(control.filterProperty());
        searchField.textProperty().unbindBidirectional(control.searchTextProperty());
        super.dispose();
    }
}
