package dev.dockercheckpoint.ui.browser;

import dev.dockercheckpoint.core.Bytes;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.GridPane;

/** Base directory, containers and checkpoints as a tree; details and actions for the selected one. */
public final class CheckpointBrowserView {
    @FXML
    private ComboBox<Path> dirBox;
    @FXML
    private Button refreshButton;
    @FXML
    private TreeView<Object> tree;
    @FXML
    private Button restoreButton;
    @FXML
    private Button exportButton;
    @FXML
    private Button importButton;
    @FXML
    private Button dumpLogButton;
    @FXML
    private Button restoreLogButton;
    @FXML
    private Button copyPathButton;
    @FXML
    private Button contentsButton;
    @FXML
    private BarChart<String, Number> downtimeChart;
    @FXML
    private Button deleteButton;
    @FXML
    private Button checkIntegrityButton;
    @FXML
    private GridPane detailsGrid;
    @FXML
    private TableView<CheckpointDetails.FileEntry> filesTable;
    @FXML
    private TableColumn<CheckpointDetails.FileEntry, String> fileNameColumn;
    @FXML
    private TableColumn<CheckpointDetails.FileEntry, String> fileSizeColumn;
    @FXML
    private Label statusLabel;

    private final CheckpointBrowserViewModel model;
    private final DialogService dialogs;
    private final Consumer<CheckpointSummary> onRestore;
    private final BiConsumer<CheckpointSummary, String> onOpenLog;
    private final Consumer<CheckpointSummary> onContents;
    private final Parent root;

    public CheckpointBrowserView(CheckpointBrowserViewModel model, DialogService dialogs,
            Consumer<CheckpointSummary> onRestore, BiConsumer<CheckpointSummary, String> onOpenLog,
            Consumer<CheckpointSummary> onContents) {
        this.model = model;
        this.dialogs = dialogs;
        this.onRestore = onRestore;
        this.onOpenLog = onOpenLog;
        this.onContents = onContents;
        this.root = Resources.load("browser/CheckpointBrowserView.fxml", this);
        BrowserLook.scrollDetails(root);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        tree.setId("checkpointTree");
        detailsGrid.setId("checkpointDetails");
        filesTable.setId("checkpointFiles");
        deleteButton.setId("deleteCheckpoint");
        dumpLogButton.setId("openDumpLog");
        restoreLogButton.setId("openRestoreLog");
        restoreButton.setId("browserRestore");
        dirBox.setId("browserDir");
        dev.dockercheckpoint.ui.Choices.bind(dirBox, model.dirChoices(), model.dirProperty());
        dirBox.setTooltip(new javafx.scene.control.Tooltip("The base directories the helper serves (its"
                + " helper.json lists them)"));
        refreshButton.setOnAction(e -> model.refresh());
        statusLabel.setId("browserStatus");
        statusLabel.textProperty().bind(model.statusProperty());
        tree.setCellFactory(t -> new javafx.scene.control.TreeCell<>() {
            {
                setContentDisplay(javafx.scene.control.ContentDisplay.RIGHT);
                setGraphicTextGap(10);
            }

            @Override
            protected void updateItem(Object item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setText(null);
                    setGraphic(null);
                } else if (item instanceof CheckpointSummary s) {
                    setText(s.name() + "   " + Bytes.human(s.sizeBytes()) + (s.incomplete() != null ? "   (incomplete)" : ""));
                    setGraphic(integrityBadge(s));
                } else {
                    setText(item.toString());
                    setGraphic(null);
                }
            }
        });
        model.groups().addListener((javafx.collections.ListChangeListener<Map.Entry<String, List<CheckpointSummary>>>)
                c -> rebuildTree());
        rebuildTree();
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, item) -> model.selectedProperty().set(
                item != null && item.getValue() instanceof CheckpointSummary s ? s : null));
        model.detailsProperty().addListener((o, a, d) -> showDetails(d));
        var none = model.selectedProperty().isNull();
        contentsButton.setId("checkpointContents");
        downtimeChart.setId("downtimeChart");
        contentsButton.setOnAction(e -> onContents.accept(model.selectedProperty().get()));
        model.selectedProperty().addListener((o, a, s) -> showChart(s));
        for (Button b : new Button[] {restoreButton, dumpLogButton, restoreLogButton, copyPathButton, deleteButton,
            contentsButton}) {
            b.disableProperty().bind(none);
        }
        checkIntegrityButton.setId("checkIntegrity");
        checkIntegrityButton.disableProperty().bind(none.and(model.checkingProperty().not()));
        checkIntegrityButton.textProperty().bind(javafx.beans.binding.Bindings.when(model.checkingProperty())
                .then("Stop check").otherwise("Check integrity"));
        checkIntegrityButton.setTooltip(new javafx.scene.control.Tooltip("Read every file of the checkpoint and"
                + " compare it with the checksum recorded when it was made"));
        checkIntegrityButton.setOnAction(e -> model.checkSelectedIntegrity());
        restoreButton.setOnAction(e -> onRestore.accept(model.selectedProperty().get()));
        dumpLogButton.setOnAction(e -> onOpenLog.accept(model.selectedProperty().get(), "dump.log"));
        restoreLogButton.setOnAction(e -> onOpenLog.accept(model.selectedProperty().get(), "restore.log"));
        copyPathButton.setOnAction(e -> model.copySelectedPath());
        deleteButton.setOnAction(e -> model.deleteSelected());
        fileNameColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()));
        fileSizeColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(Bytes.human(
                c.getValue().sizeBytes())));
        BrowserLook.decorate(model, filesTable, detailsGrid, downtimeChart, refreshButton, restoreButton, dumpLogButton, restoreLogButton,
                contentsButton, copyPathButton, deleteButton);
        model.selectedProperty().addListener((o, a, s) -> selectInTree(s));
    }

    /** The tree follows a selection made elsewhere (the result banner's Open). */
    private void selectInTree(CheckpointSummary s) {
        TreeItem<Object> current = tree.getSelectionModel().getSelectedItem();
        if (s == null || current != null && s.equals(current.getValue()) || tree.getRoot() == null) {
            return;
        }
        for (TreeItem<Object> group : tree.getRoot().getChildren()) {
            for (TreeItem<Object> leaf : group.getChildren()) {
                if (leaf.getValue() instanceof CheckpointSummary c && c.container().equals(s.container())
                        && c.name().equals(s.name())) {
                    tree.getSelectionModel().select(leaf);
                    tree.scrollTo(tree.getRow(leaf));
                    return;
                }
            }
        }
    }

    /** The checkpoint's integrity as a small label after its name (null when not known). */
    private static Label integrityBadge(CheckpointSummary s) {
        if (s.integrity() == null) {
            return null;
        }
        Label badge = new Label(CheckpointBrowserViewModel.badge(s.integrity()));
        badge.getStyleClass().addAll("integrity-badge", "integrity-" + s.integrity().state().word());
        badge.setTooltip(new javafx.scene.control.Tooltip(CheckpointBrowserViewModel.integrity(s.integrity())));
        return badge;
    }

    /**
     * Export… (the selected checkpoint, to a file of the user's) and Import… (an archive into the
     * directory shown): what they open is the window's.
     */
    public void setArchiveActions(Consumer<CheckpointSummary> onExport, Runnable onImport) {
        exportButton.setId("browserExport");
        importButton.setId("browserImport");
        exportButton.disableProperty().bind(model.selectedProperty().isNull());
        exportButton.setOnAction(e -> onExport.accept(model.selectedProperty().get()));
        exportButton.setTooltip(new javafx.scene.control.Tooltip("Write the checkpoint as one archive file"
                + " (Ctrl+E)"));
        importButton.setOnAction(e -> onImport.run());
        importButton.setTooltip(new javafx.scene.control.Tooltip("Store an archive's checkpoint in this directory"
                + " (Ctrl+I; or drop the file on the window)"));
    }

    private void rebuildTree() {
        TreeItem<Object> rootItem = new TreeItem<>(model.dirProperty().get().toString());
        rootItem.setExpanded(true);
        CheckpointSummary keep = model.selectedProperty().get();
        TreeItem<Object> select = null;
        for (Map.Entry<String, List<CheckpointSummary>> group : model.groups()) {
            TreeItem<Object> containerItem = new TreeItem<>(group.getKey());
            containerItem.setExpanded(true);
            for (CheckpointSummary s : group.getValue()) {
                TreeItem<Object> leaf = new TreeItem<>(s);
                containerItem.getChildren().add(leaf);
                if (s.equals(keep)) {
                    select = leaf;
                }
            }
            rootItem.getChildren().add(containerItem);
        }
        tree.setRoot(rootItem);
        if (select != null) {
            tree.getSelectionModel().select(select);
        }
    }

    /** Downtime of every checkpoint of the selected one's container, to compare them. */
    private void showChart(CheckpointSummary selected) {
        downtimeChart.getData().clear();
        if (selected == null) {
            downtimeChart.setTitle(null);
            return;
        }
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        for (CheckpointSummary s : model.checkpointsOf(selected.container())) {
            if (s.downtimeMillis() != null) {
                XYChart.Data<String, Number> bar = new XYChart.Data<>(s.name() + " (" + Bytes.human(s.sizeBytes())
                        + ")", s.downtimeMillis());
                series.getData().add(bar);
            }
        }
        downtimeChart.setTitle("Downtime of " + selected.container() + "'s checkpoints");
        downtimeChart.getData().add(series);
    }

    private void showDetails(CheckpointDetails d) {
        detailsGrid.getChildren().clear();
        if (d == null) {
            filesTable.getItems().clear();
            return;
        }
        int row = 0;
        for (Map.Entry<String, String> e : CheckpointBrowserViewModel.describe(d)) {
            Label key = new Label(e.getKey());
            key.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            key.getStyleClass().add("details-label");
            Label value = new Label(e.getValue());
            value.setWrapText(true);
            detailsGrid.addRow(row++, key, value);
        }
        filesTable.getItems().setAll(d.files());
    }
}
