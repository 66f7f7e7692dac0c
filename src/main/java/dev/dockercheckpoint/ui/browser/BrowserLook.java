package dev.dockercheckpoint.ui.browser;

import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.EmptyState;
import dev.dockercheckpoint.ui.Icons;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.TableView;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.BarChart;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;

/**
 * The checkpoint browser's look beyond its FXML: icons on the actions, and what the details
 * pane says when there is nothing to show (no checkpoint yet, or none selected).
 */
final class BrowserLook {
    private BrowserLook() {
    }

    /** The action buttons wrap onto a second row when the pane is narrow, rather than being cut. */
    private static void wrap(Button member) {
        if (member.getParent() instanceof HBox bar && bar.getParent() instanceof Pane holder) {
            FlowPane flow = new FlowPane(bar.getSpacing(), 6);
            flow.getStyleClass().add("action-bar");
            flow.getChildren().setAll(List.copyOf(bar.getChildren()));
            int at = holder.getChildren().indexOf(bar);
            holder.getChildren().set(at, flow);
        }
    }

    /** The details pane scrolls when the window is too short for it, instead of pushing out the status bar. */
    static void scrollDetails(Parent root) {
        for (Node n : root.getChildrenUnmodifiable()) {
            if (n instanceof SplitPane split && split.getItems().size() > 1 && split.getItems().get(1) instanceof Region
                    details) {
                ScrollPane scroll = new ScrollPane(details);
                scroll.setFitToWidth(true);
                scroll.setFitToHeight(true);
                scroll.getStyleClass().add("details-scroll");
                split.getItems().set(1, scroll);
                return;
            }
        }
    }

    static void decorate(CheckpointBrowserViewModel model, TableView<CheckpointDetails.FileEntry> files,
            GridPane details, BarChart<String, Number> chart, Button refresh, Button restore, Button dumpLog, Button restoreLog, Button contents, Button copyPath,
            Button delete) {
        Icons.on(refresh, Icons.REFRESH);
        Icons.on(restore, Icons.RESTORE);
        Icons.on(dumpLog, Icons.LOG);
        Icons.on(restoreLog, Icons.LOG);
        Icons.on(contents, Icons.CONTENTS);
        Icons.on(copyPath, Icons.COPY);
        Icons.on(delete, Icons.DELETE);
        wrap(restore);
        // the values wrap in the width left by the labels
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints values = new ColumnConstraints(0, 100, Double.MAX_VALUE);
        values.setHgrow(Priority.ALWAYS);
        details.getColumnConstraints().setAll(labels, values);
        chart.getYAxis().setLabel("ms");
        EmptyState empty = new EmptyState(Icons.CHECKPOINTS, "", "");
        empty.setId("checkpointsEmpty");
        Runnable update = () -> {
            if (model.groups().isEmpty()) {
                empty.set("No checkpoints in " + model.dirProperty().get() + " yet",
                        "Select a running container in Containers (Ctrl+1) and press Checkpoint\u2026 (Ctrl+K):"
                                + " its checkpoint appears here, with its downtime, size and files.");
            } else {
                empty.set("No checkpoint selected", "Select a checkpoint on the left to see its details and files.");
            }
        };
        model.groups().addListener((ListChangeListener<Map.Entry<String, List<CheckpointSummary>>>) c -> update.run());
        model.dirProperty().addListener((o, a, b) -> update.run());
        update.run();
        files.setPlaceholder(empty);
    }
}
