package dev.dockercheckpoint.ui.main;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.ui.Icons;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The result of the last long operation, above the views, kept until it is dismissed: what was
 * made, its downtime and size, and a button to open it.
 */
public final class ResultBanner extends HBox {
    private final FontIcon icon = Icons.icon(Icons.SUCCESS);
    private final Label title = new Label();
    private final Label detail = new Label();
    private final Label where = new Label();
    private final Button open = new Button("Open");
    private final Button dismiss = new Button();
    private Runnable onOpen = () -> { };

    public ResultBanner() {
        getStyleClass().add("result-banner");
        setId("resultBanner");
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        icon.getStyleClass().add("result-icon");
        title.setId("resultTitle");
        title.getStyleClass().add("result-title");
        detail.setId("resultDetail");
        detail.getStyleClass().add("result-detail");

        where.setId("resultWhere");
        where.getStyleClass().add("result-where");
        VBox texts = new VBox(2, title, detail, where);
        HBox.setHgrow(texts, Priority.ALWAYS);
        texts.setMaxWidth(Double.MAX_VALUE);
        open.setId("resultOpen");
        open.setMinWidth(Region.USE_PREF_SIZE);
        dismiss.setMinWidth(Region.USE_PREF_SIZE);
        Icons.on(open, Icons.OPEN);
        open.setOnAction(e -> onOpen.run());
        dismiss.setId("resultDismiss");
        Icons.on(dismiss, Icons.CLOSE);
        dismiss.getStyleClass().add("flat");
        dismiss.setTooltip(new Tooltip("Dismiss"));
        dismiss.setOnAction(e -> hide());
        getChildren().addAll(icon, texts, open, dismiss);
        hide();
    }

    /** Shows a result until it is dismissed; {@code onOpen} null: no Open button. */
    public void show(boolean failed, String titleText, String detailText, String whereText, String openText,
            Runnable openAction) {
        where.setText(whereText);
        getStyleClass().removeAll("result-success", "result-failure");
        getStyleClass().add(failed ? "result-failure" : "result-success");
        icon.setIconCode(failed ? Icons.FAILURE : Icons.SUCCESS);
        title.setText(titleText);
        detail.setText(detailText);
        onOpen = openAction == null ? () -> { } : openAction;
        open.setText(openText == null ? "Open" : openText);
        open.setVisible(openAction != null);
        open.setManaged(openAction != null);
        setVisible(true);
        setManaged(true);
    }

    /** Replaces the detail line (when the size arrives). */
    public void detail(String text) {
        detail.setText(text);
    }

    public void hide() {
        setVisible(false);
        setManaged(false);
    }

    /** "Checkpoint web/nightly made in 1.3 s". */
    static String checkpointTitle(CheckpointResult r) {
        Long total = r.manifest().timingsMillis().get("total");
        return "Checkpoint " + r.manifest().containerName() + "/" + r.manifest().checkpointName() + " made"
                + (total == null ? "" : String.format(Locale.ROOT, " in %.1f s", total / 1000.0));
    }

    /**
     * "Downtime 120.5 ms · 1.2 MiB in 14 files · the container keeps running";
     * {@code details} null: the size is not known yet.
     */
    static String checkpointDetail(CheckpointResult r, CheckpointDetails details) {
        List<String> parts = new ArrayList<>();
        Double downtime = r.manifest().downtimeMillis();
        parts.add(downtime == null ? "Downtime unknown" : String.format(Locale.ROOT, "Downtime %.1f ms", downtime));
        parts.add(details == null ? "size: reading\u2026" : Bytes.human(details.summary().sizeBytes()) + " in "
                + Plural.count(details.files().size(), "file"));
        if (r.containerState() != null) {
            parts.add("running".equals(r.containerState()) ? "the container keeps running"
                    : "the container is now " + r.containerState());
        }
        return String.join("  \u00b7  ", parts);
    }

    /** "Restored web-copy in 0.8 s: all 5 checks passed". */
    static String restoreTitle(RestoreResult r) {
        Long total = r.timingsMillis() == null ? null : r.timingsMillis().get("total");
        var v = r.verification();
        return "Restored " + r.containerName() + (total == null ? "" : String.format(Locale.ROOT, " in %.1f s",
                total / 1000.0)) + ": " + (v.passed() ? "all " + Plural.count(v.checks().size(), "check") + " passed"
                : v.failedCount() + " of " + Plural.count(v.checks().size(), "check") + " failed");
    }

    public Label titleLabel() {
        return title;
    }

    public Label detailLabel() {
        return detail;
    }

    public Label whereLabel() {
        return where;
    }
}
