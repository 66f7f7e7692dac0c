package dev.dockercheckpoint.ui.logviewer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SkinBase;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Default skin of {@link LogViewer}: toolbar (filter, search, First error, Copy), optional banner,
 * virtualised list of lines, status bar. Document updates arrive on the indexing thread and are
 * applied here on the FX thread through a {@link RefreshThrottle}; the search, the selection in log
 * lines and copying are {@link ViewerSearch}, {@link LineSelection} and {@link ClipboardCopy}.
 */
@SuppressWarnings("this-escape") // JavaFX properties and listeners take this as their bean, as in every control
public class LogViewerSkin extends SkinBase<LogViewer> {
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
    private final RefreshThrottle throttle = new RefreshThrottle(this::refresh, this::refreshMayWait);
    private final Runnable documentListener = throttle::request;
    private final EventHandler<KeyEvent> shortcuts = this::onKey;
    private final LineSelection selection = new LineSelection(listView, () -> this.items);
    private final ViewerSearch search;

    private LogDocument doc;
    private LineItems items = new LineItems(null, LogDocument.Filter.ALL);

    public LogViewerSkin(LogViewer control) {
        super(control);
        search = new ViewerSearch(control, selection::selectLine);

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
        search.cancel();
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
        search.cancel();
        items = new LineItems(doc, getSkinnable().getFilter());
        listView.setItems(items);
        refresh();
        if (selected >= 0 && doc != null && items.size() > 0) {
            int k = doc.nearestViewIndex(items.filter(), selected);
            if (k >= 0 && k < items.size()) {
                if (items.get(k) == selected) {
                    selection.select(k);
                } else {
                    selection.reveal(k);
                }
            }
        }
    }

    /** A refresh may wait for the throttle's interval: the first lines and the last state show at once. */
    private boolean refreshMayWait() {
        LogDocument d = doc;
        boolean finished = d == null || d.isDone() || d.isClosed() || d.failure() != null;
        return !finished && items.size() > 0;
    }

    /** Takes in what the document indexed since the last refresh (FX thread). */
    private void refresh() {
        if (getSkinnable() == null) {
            return; // disposed
        }
        throttle.refreshed();
        items.sync();
        LogViewer control = getSkinnable();
        digits.set(doc == null ? 1 : Integer.toString(Math.max(1, doc.lineCount())).length());
        hasErrors.set(doc != null && doc.firstErrorLine() >= 0);
        control.setStatus(doc == null ? "" : StatusTexts.status(doc));
        placeholder.setText(StatusTexts.placeholder(doc, items.filter()));
    }

    private void updateSelectedLine() {
        getSkinnable().setSelectedLine(selection.selectedLine());
    }

    List<Integer> selectedLines() {
        return selection.selectedLines();
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
        search.find(doc, items.filter(), forward);
    }

    /** The first Error line not known to be harmless; the first Error line when all are. */
    void goToFirstError() {
        if (doc == null) {
            return;
        }
        int line = doc.firstRealErrorLine() >= 0 ? doc.firstRealErrorLine() : doc.firstErrorLine();
        if (line >= 0) {
            selection.selectLine(line);
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
        selection.selectLine(line);
    }

    CompletableFuture<String> copySelection() {
        return ClipboardCopy.copy(doc, selection.selectedLines(), getSkinnable()::setSearchStatus);
    }

    @Override
    public void dispose() {
        if (getSkinnable() == null) {
            return;
        }
        LogViewer control = getSkinnable();
        search.cancel();
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
