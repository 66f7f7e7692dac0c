package dev.dockercheckpoint.ui.logviewer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * Shows a (possibly huge) CRIU log held by a {@link LogDocument}: a virtualised list of numbered
 * lines with Error and Warn lines highlighted, a level filter, search, "First error", copy, and a
 * status line. Every read runs in the background; the FX thread only lays out visible lines.
 *
 * <p>Style class {@code log-viewer}; stylesheet {@code log-viewer.css} next to this class. Lines
 * are cells with style class {@code log-line}, plus {@code error-line} or {@code warn-line}, and
 * {@code harmless-line} when the line is known to be harmless.
 *
 * <p>Like any control, use it on the FX thread; the document it shows may be fed from any thread.
 */
@SuppressWarnings("this-escape") // JavaFX properties and listeners take this as their bean, as in every control
public class LogViewer extends Control {
    private static final String DEFAULT_STYLE_CLASS = "log-viewer";

    private final ObjectProperty<LogDocument> document = new SimpleObjectProperty<>(this, "document");
    private final ObjectProperty<Node> banner = new SimpleObjectProperty<>(this, "banner");
    private final ObjectProperty<LogDocument.Filter> filter =
            new SimpleObjectProperty<>(this, "filter", LogDocument.Filter.ALL) {
                @Override
                public void set(LogDocument.Filter value) {
                    super.set(value == null ? LogDocument.Filter.ALL : value);
                }
            };
    private final StringProperty searchText = new SimpleStringProperty(this, "searchText", "");
    private final StringProperty title = new SimpleStringProperty(this, "title", "");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper searchStatus = new ReadOnlyStringWrapper(this, "searchStatus", "");
    private final ReadOnlyIntegerWrapper selectedLine = new ReadOnlyIntegerWrapper(this, "selectedLine", -1);

    public LogViewer() {
        getStyleClass().add(DEFAULT_STYLE_CLASS);
        setFocusTraversable(false);
    }

    public LogViewer(LogDocument document) {
        this();
        setDocument(document);
    }

    /**
     * A viewer on a new document that starts indexing {@code source} at once. The viewer owns the
     * document: {@link #close()} it when done.
     */
    public static LogViewer open(LogSource source, String title) {
        Objects.requireNonNull(source, "source");
        String name = title == null ? "log" : title;
        LogViewer viewer = new LogViewer(LogDocument.open(source, name));
        viewer.setTitle(name);
        return viewer;
    }

    @Override
    protected Skin<?> createDefaultSkin() {
        return new LogViewerSkin(this);
    }

    @Override
    public String getUserAgentStylesheet() {
        return Objects.requireNonNull(LogViewer.class.getResource("log-viewer.css"), "log-viewer.css")
                .toExternalForm();
    }

    // ------------------------------------------------------------ actions (delegated to the skin)

    /** Searches forward from the selected line for {@link #getSearchText()}. */
    public void findNext() {
        if (getSkin() instanceof LogViewerSkin s) {
            s.find(true);
        }
    }

    /** Searches backward from the selected line for {@link #getSearchText()}. */
    public void findPrevious() {
        if (getSkin() instanceof LogViewerSkin s) {
            s.find(false);
        }
    }

    /** Selects and reveals the first Error line not known to be harmless (the first Error line when all are). */
    public void goToFirstError() {
        if (getSkin() instanceof LogViewerSkin s) {
            s.goToFirstError();
        }
    }

    /** Selects and reveals log line {@code line} (0-based), switching to "All" if the filter hides it. */
    public void goToLine(int line) {
        if (getSkin() instanceof LogViewerSkin s) {
            s.goToLine(line);
        }
    }

    /**
     * Copies the selected lines to the clipboard (read in the background); the future completes
     * with the copied text once it is on the clipboard.
     */
    public CompletableFuture<String> copySelection() {
        if (getSkin() instanceof LogViewerSkin s) {
            return s.copySelection();
        }
        return CompletableFuture.completedFuture("");
    }

    /** Log lines (0-based) selected now, ascending. */
    public List<Integer> getSelectedLines() {
        if (getSkin() instanceof LogViewerSkin s) {
            return s.selectedLines();
        }
        return List.of();
    }

    /** Closes the current document (stops its indexing and fetches). */
    public void close() {
        LogDocument doc = getDocument();
        if (doc != null) {
            doc.close();
        }
    }

    // ------------------------------------------------------------ properties

    /** The log shown; setting another one does not close the previous one. */
    public final ObjectProperty<LogDocument> documentProperty() {
        return document;
    }

    public final LogDocument getDocument() {
        return document.get();
    }

    public final void setDocument(LogDocument value) {
        document.set(value);
    }

    /** A node shown above the lines when not null (e.g. a diagnosis of the failure). */
    public final ObjectProperty<Node> bannerProperty() {
        return banner;
    }

    public final Node getBanner() {
        return banner.get();
    }

    public final void setBanner(Node value) {
        banner.set(value);
    }

    /** Which lines are listed: all, warnings and errors, or errors only. Never null. */
    public final ObjectProperty<LogDocument.Filter> filterProperty() {
        return filter;
    }

    public final LogDocument.Filter getFilter() {
        return filter.get();
    }

    public final void setFilter(LogDocument.Filter value) {
        filter.set(value);
    }

    /** Text of the search field. */
    public final StringProperty searchTextProperty() {
        return searchText;
    }

    public final String getSearchText() {
        return searchText.get();
    }

    public final void setSearchText(String value) {
        searchText.set(value);
    }

    /** Name of the log, shown in the toolbar when not empty. */
    public final StringProperty titleProperty() {
        return title;
    }

    public final String getTitle() {
        return title.get();
    }

    public final void setTitle(String value) {
        title.set(value);
    }

    /** "N lines, indexing 42%" while indexing, then "N lines, 3 errors, 12 warnings". */
    public final ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public final String getStatus() {
        return status.get();
    }

    /** Outcome of the last search: "", "Searching…", "Line N" or "Not found". */
    public final ReadOnlyStringProperty searchStatusProperty() {
        return searchStatus.getReadOnlyProperty();
    }

    public final String getSearchStatus() {
        return searchStatus.get();
    }

    /** The selected (focused) log line, 0-based, or -1. */
    public final ReadOnlyIntegerProperty selectedLineProperty() {
        return selectedLine.getReadOnlyProperty();
    }

    public final int getSelectedLine() {
        return selectedLine.get();
    }

    // for the skin
    void setStatus(String value) {
        status.set(value);
    }

    void setSearchStatus(String value) {
        searchStatus.set(value);
    }

    void setSelectedLine(int value) {
        selectedLine.set(value);
    }
}
