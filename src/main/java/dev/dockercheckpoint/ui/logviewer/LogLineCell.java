package dev.dockercheckpoint.ui.logviewer;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.WeakChangeListener;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.VPos;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.ListCell;
import javafx.scene.layout.Region;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * One log line: right-aligned number, text in a monospace font, level as a style class
 * ({@code error-line}, {@code warn-line}, plus {@code harmless-line} for one known to be harmless).
 * Two Text nodes in a small region rather than Labels: cells are created by the dozen whenever the
 * list is laid out, so they are kept light.
 */
final class LogLineCell extends ListCell<Integer> {
    /** Shown while the line's page is being fetched. */
    static final String PLACEHOLDER = "\u2026";
    private static final PseudoClass LOADING = PseudoClass.getPseudoClass("loading");

    private final LogViewerSkin skin;
    private final LineBox box;
    private final ChangeListener<Number> digitsListener = (o, a, b) -> requestLayoutOfBox();
    private LogDocument.Level shownLevel = LogDocument.Level.OTHER;
    private boolean shownHarmless;

    LogLineCell(LogViewerSkin skin) {
        this.skin = skin;
        this.box = new LineBox(skin);
        getStyleClass().add("log-line");
        setText(null);
        setGraphic(box);
        setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
        // weakly: cells come and go with the virtual flow, the skin stays
        skin.digitsProperty().addListener(new WeakChangeListener<>(digitsListener));
    }

    private void requestLayoutOfBox() {
        box.requestLayout();
    }

    @Override
    protected void updateItem(Integer line, boolean empty) {
        super.updateItem(line, empty);
        LogDocument doc = skin.document();
        if (empty || line == null || doc == null || line >= doc.lineCount()) {
            showLevel(LogDocument.Level.OTHER, false);
            box.number.setText("");
            showText("");
            box.setVisible(false);
            return;
        }
        box.setVisible(true);
        box.number.setText(Integer.toString(line + 1));
        LogDocument.Level level = doc.level(line);
        showLevel(level, level != LogDocument.Level.OTHER && doc.isHarmless(line));
        String cached = doc.cachedText(line);
        if (cached != null) {
            showText(cached);
            return;
        }
        box.text.setText(PLACEHOLDER);
        box.text.pseudoClassStateChanged(LOADING, true);
        doc.textAsync(line).whenComplete((s, ex) -> {
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof CancellationException) {
                return;
            }
            Platform.runLater(() -> {
                if (!isEmpty() && Objects.equals(getItem(), line) && skin.document() == doc) {
                    showText(cause == null ? s : "[cannot read this line: " + cause.getMessage() + "]");
                }
            });
        });
    }

    private void showText(String s) {
        box.text.setText(s);
        box.text.pseudoClassStateChanged(LOADING, false);
    }

    private void showLevel(LogDocument.Level level, boolean harmless) {
        if (level == shownLevel && harmless == shownHarmless) {
            return;
        }
        getStyleClass().removeAll("error-line", "warn-line", "harmless-line");
        if (level == LogDocument.Level.ERROR) {
            getStyleClass().add("error-line");
        } else if (level == LogDocument.Level.WARN) {
            getStyleClass().add("warn-line");
        }
        if (harmless) {
            getStyleClass().add("harmless-line");
        }
        shownLevel = level;
        shownHarmless = harmless;
    }

    /** True when the cell shows a line's text (not empty, not waiting for it). */
    boolean showsText() {
        return !isEmpty() && getItem() != null && !box.text.getPseudoClassStates().contains(LOADING);
    }

    String shownText() {
        return box.text.getText();
    }

    String shownNumber() {
        return box.number.getText();
    }

    /** Number in a gutter as wide as the longest line number, then the text. */
    static final class LineBox extends Region {
        private static final double NUMBER_LEFT = 6;
        private static final double NUMBER_GAP = 10;
        private static final Map<Font, Double> DIGIT_WIDTHS = new HashMap<>();

        final Text number = new Text();
        final Text text = new Text();
        private final LogViewerSkin skin;

        LineBox(LogViewerSkin skin) {
            this.skin = skin;
            getStyleClass().add("line-box");
            number.getStyleClass().add("line-number");
            text.getStyleClass().add("line-text");
            number.setTextOrigin(VPos.TOP);
            text.setTextOrigin(VPos.TOP);
            getChildren().addAll(number, text);
        }

        private double gutter() {
            return NUMBER_LEFT + skin.digitsProperty().get() * digitWidth(number.getFont()) + NUMBER_GAP;
        }

        private static double digitWidth(Font font) {
            return DIGIT_WIDTHS.computeIfAbsent(font, f -> {
                Text t = new Text("0000000000");
                t.setFont(f);
                return t.getLayoutBounds().getWidth() / 10;
            });
        }

        @Override
        protected double computePrefWidth(double height) {
            Insets in = getInsets();
            return in.getLeft() + gutter() + text.getLayoutBounds().getWidth() + in.getRight();
        }

        @Override
        protected double computePrefHeight(double width) {
            Insets in = getInsets();
            return in.getTop() + Math.max(number.getLayoutBounds().getHeight(), text.getLayoutBounds().getHeight())
                    + in.getBottom();
        }

        @Override
        protected double computeMinWidth(double height) {
            return computePrefWidth(height);
        }

        @Override
        protected void layoutChildren() {
            Insets in = getInsets();
            double gutter = gutter();
            double h = getHeight() - in.getTop() - in.getBottom();
            double nw = number.getLayoutBounds().getWidth();
            // right edges line up exactly; the left edge may fall between pixels
            number.relocate(snapPositionX(in.getLeft() + gutter - NUMBER_GAP) - nw,
                    snapPositionY(in.getTop() + (h - number.getLayoutBounds().getHeight()) / 2));
            text.relocate(snapPositionX(in.getLeft() + gutter),
                    snapPositionY(in.getTop() + (h - text.getLayoutBounds().getHeight()) / 2));
        }
    }
}
