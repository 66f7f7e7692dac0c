package dev.dockercheckpoint.ui.containers;

import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.Plural;
import dev.dockercheckpoint.ui.EmptyState;
import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.ui.containers.ContainersViewModel.Row;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.MapChangeListener;
import javafx.scene.control.Button;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;

/**
 * The container view's look beyond its FXML: icons on the actions, the "Last checkpoint" column
 * and what the table says when it is empty (no containers, or none matching the filter).
 */
final class ContainerLook {
    private ContainerLook() {
    }

    static void decorate(ContainersViewModel model, TableView<Row> table, TableColumn<Row, String> lastCheckpoint,
            Button checkpoint, Button restore, Button refresh) {
        Icons.on(checkpoint, Icons.CHECKPOINT);
        Icons.on(restore, Icons.RESTORE);
        Icons.on(refresh, Icons.REFRESH);
        lastCheckpoint.setId("lastCheckpointColumn");
        LastCheckpoints last = model.lastCheckpoints();
        lastCheckpoint.setCellValueFactory(c -> new ReadOnlyStringWrapper(last.timeOf(c.getValue().name())));
        lastCheckpoint.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String time, boolean empty) {
                super.updateItem(time, empty);
                setText(empty ? null : time);
                CheckpointSummary s = empty || getTableRow() == null || getTableRow().getItem() == null ? null
                        : last.of(getTableRow().getItem().name());
                setTooltip(s == null ? null : new Tooltip(s.name() + " in " + s.dir().getParent().getParent()));
            }
        });
        last.newest().addListener((MapChangeListener<String, CheckpointSummary>) c -> table.refresh());

        EmptyState empty = new EmptyState(Icons.CONTAINERS, "", "");
        empty.setId("containersEmpty");
        Runnable update = () -> {
            int all = model.allRows().size();
            String filter = model.filterProperty().get() == null ? "" : model.filterProperty().get().strip();
            if (all > 0 && !filter.isEmpty()) {
                empty.set("No container matches \u201c" + filter + "\u201d",
                        "Clear the filter to see all " + Plural.count(all, "container") + ".");
                empty.action("Clear the filter", () -> model.filterProperty().set(""));
            } else {
                empty.set("No containers yet", "Start one with docker run (for example: docker run -d --name web"
                        + " --network none busybox sleep 1d); it appears here at once. Then select it and press"
                        + " Checkpoint\u2026 (Ctrl+K).");
                empty.action(null, null);
            }
        };
        model.filterProperty().addListener((o, a, b) -> update.run());
        model.allRows().addListener((javafx.collections.ListChangeListener<Row>) c -> update.run());
        update.run();
        table.setPlaceholder(empty);
    }
}
