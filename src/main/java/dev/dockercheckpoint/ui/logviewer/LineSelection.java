package dev.dockercheckpoint.ui.logviewer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.ListView;
import javafx.scene.control.skin.VirtualFlow;

/**
 * The list's selection in log lines rather than view indices: which lines are selected, and
 * selecting and revealing one. FX thread only.
 */
final class LineSelection {
    private final ListView<Integer> listView;
    private final Supplier<LineItems> items;

    LineSelection(ListView<Integer> listView, Supplier<LineItems> items) {
        this.listView = listView;
        this.items = items;
    }

    /** The selected (focused) log line, or -1. */
    int selectedLine() {
        LineItems view = items.get();
        int k = listView.getSelectionModel().getSelectedIndex();
        return k >= 0 && k < view.size() ? view.get(k) : -1;
    }

    /** The selected log lines, ascending. */
    List<Integer> selectedLines() {
        LineItems view = items.get();
        List<Integer> lines = new ArrayList<>();
        for (Integer k : listView.getSelectionModel().getSelectedIndices()) {
            if (k != null && k >= 0 && k < view.size()) {
                lines.add(view.get(k));
            }
        }
        lines.sort(null);
        return lines;
    }

    /** Selects and reveals log line {@code line} when the view lists it. */
    void selectLine(int line) {
        LineItems view = items.get();
        view.sync();
        int k = view.viewIndexOf(line);
        if (k >= 0) {
            select(k);
        }
    }

    /** Selects, focuses and reveals view index {@code k}. */
    void select(int k) {
        listView.getSelectionModel().clearAndSelect(k);
        listView.getFocusModel().focus(k);
        reveal(k);
    }

    /** Scrolls view index {@code k} into view unless it is fully visible already. */
    void reveal(int k) {
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
}
