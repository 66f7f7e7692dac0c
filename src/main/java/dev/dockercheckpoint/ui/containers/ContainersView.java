package dev.dockercheckpoint.ui.containers;

import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.containers.ContainersViewModel.Row;
import java.time.Instant;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.MouseButton;

/** The container table: binds to {@link ContainersViewModel}, forwards actions. */
public final class ContainersView {
    @FXML
    private TextField filterField;
    @FXML
    private Button checkpointButton;
    @FXML
    private Button restoreButton;
    @FXML
    private Button migrateButton;
    @FXML
    private Button refreshButton;
    @FXML
    private TableView<Row> table;
    @FXML
    private TableColumn<Row, String> nameColumn;
    @FXML
    private TableColumn<Row, String> idColumn;
    @FXML
    private TableColumn<Row, String> imageColumn;
    @FXML
    private TableColumn<Row, String> stateColumn;
    @FXML
    private TableColumn<Row, String> ageColumn;
    @FXML
    private TableColumn<Row, String> statusColumn;
    @FXML
    private TableColumn<Row, String> lastCheckpointColumn;
    @FXML
    private Label statusLabel;

    private final ContainersViewModel model;
    private final Consumer<Row> onCheckpoint;
    private final Consumer<Row> onRestore;
    private final Consumer<Row> onMigrate;
    private final Parent root;

    public ContainersView(ContainersViewModel model, Consumer<Row> onCheckpoint, Consumer<Row> onRestore) {
        this(model, onCheckpoint, onRestore, row -> { });
    }

    /** {@code onMigrate}: Migrate… on a running container, when the helper serves another engine. */
    public ContainersView(ContainersViewModel model, Consumer<Row> onCheckpoint, Consumer<Row> onRestore,
            Consumer<Row> onMigrate) {
        this.model = model;
        this.onCheckpoint = onCheckpoint;
        this.onRestore = onRestore;
        this.onMigrate = onMigrate;
        this.root = Resources.load("containers/ContainersView.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        filterField.setId("containerFilter");
        table.setId("containersTable");
        checkpointButton.setId("checkpointButton");
        restoreButton.setId("restoreButton");
        migrateButton.setId("migrateButton");
        filterField.textProperty().bindBidirectional(model.filterProperty());
        table.setItems(model.rows());
        nameColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().name()));
        idColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().shortId()));
        imageColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().image()));
        stateColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().state()));
        ageColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().age(Instant.now())));
        statusColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().status()));
        ContainerLook.decorate(model, table, lastCheckpointColumn, checkpointButton, restoreButton, refreshButton);
        stateColumn.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String state, boolean empty) {
                super.updateItem(state, empty);
                getStyleClass().removeAll("state-running", "state-exited");
                setText(empty ? null : state);
                if (!empty && state != null) {
                    getStyleClass().add("running".equals(state) ? "state-running" : "state-exited");
                }
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> model.selectedProperty().set(row));
        model.selectedProperty().addListener((o, a, row) -> {
            if (row != null && table.getSelectionModel().getSelectedItem() != row) {
                table.getSelectionModel().select(row);
            }
        });
        checkpointButton.disableProperty().bind(model.selectedProperty().isNull());
        checkpointButton.setOnAction(e -> checkpointSelected());
        restoreButton.setOnAction(e -> onRestore.accept(model.selectedProperty().get()));
        migrateButton.disableProperty().bind(model.canMigrateProperty().not());
        migrateButton.setOnAction(e -> migrateSelected());
        Icons.on(migrateButton, Icons.MIGRATE);
        refreshButton.setOnAction(e -> model.refresh());
        statusLabel.textProperty().bind(model.statusProperty());

        MenuItem checkpoint = Icons.on(new MenuItem("Checkpoint…"), Icons.CHECKPOINT);
        checkpoint.setOnAction(e -> checkpointSelected());
        MenuItem restore = Icons.on(new MenuItem("Restore…"), Icons.RESTORE);
        restore.setOnAction(e -> onRestore.accept(model.selectedProperty().get()));
        MenuItem migrate = Icons.on(new MenuItem("Migrate…"), Icons.MIGRATE);
        migrate.setId("migrateMenuItem");
        migrate.disableProperty().bind(model.canMigrateProperty().not());
        migrate.setOnAction(e -> migrateSelected());
        MenuItem copyName = Icons.on(new MenuItem("Copy name"), Icons.COPY);
        copyName.setOnAction(e -> {
            Row r = model.selectedProperty().get();
            if (r != null) {
                javafx.scene.input.ClipboardContent c = new javafx.scene.input.ClipboardContent();
                c.putString(r.name());
                javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
            }
        });
        table.setContextMenu(new ContextMenu(checkpoint, restore, migrate, copyName));
        table.setRowFactory(t -> {
            TableRow<Row> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) {
                    onCheckpoint.accept(row.getItem());
                }
            });
            return row;
        });
    }

    private void migrateSelected() {
        Row r = model.selectedProperty().get();
        if (r != null && model.canMigrateProperty().get()) {
            onMigrate.accept(r);
        }
    }

    private void checkpointSelected() {
        Row r = model.selectedProperty().get();
        if (r != null) {
            onCheckpoint.accept(r);
        }
    }
}
