package dev.dockercheckpoint.ui.system;

import dev.dockercheckpoint.ui.EmptyState;
import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.ui.Resources;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** The doctor's checks: a thin view over {@link SystemViewModel}. */
public final class SystemView {
    @FXML
    private Label summaryLabel;
    @FXML
    private Button recheckButton;
    @FXML
    private TableView<DoctorReport.Item> table;
    @FXML
    private TableColumn<DoctorReport.Item, String> okColumn;
    @FXML
    private TableColumn<DoctorReport.Item, String> titleColumn;
    @FXML
    private TableColumn<DoctorReport.Item, String> detailColumn;
    @FXML
    private TableColumn<DoctorReport.Item, String> fixColumn;

    private final SystemViewModel model;
    private final Parent root;

    public SystemView(SystemViewModel model) {
        this.model = model;
        this.root = Resources.load("system/SystemView.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        table.setId("doctorTable");
        summaryLabel.setId("doctorSummary");
        summaryLabel.textProperty().bind(model.summaryProperty());
        table.setItems(model.items());
        okColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(label(c.getValue().status())));
        okColumn.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                getStyleClass().removeAll("doctor-ok", "doctor-warn", "doctor-fail");
                setText(empty ? null : s);
                if (!empty) {
                    getStyleClass().add(switch (s) {
                        case "ok" -> "doctor-ok";
                        case "WARN" -> "doctor-warn";
                        default -> "doctor-fail";
                    });
                }
            }
        });
        titleColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().title()));
        detailColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().detail()));
        fixColumn.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().ok() ? "" : c.getValue().fix()));
        recheckButton.setOnAction(e -> model.refresh());
        Icons.on(recheckButton, Icons.REFRESH);
        table.setPlaceholder(new EmptyState(Icons.SYSTEM,
                "No checks yet", "The checks run as soon as the helper answers; press Check again to run them now."));
    }

    /** What the first column shows for a check's outcome. */
    static String label(DoctorReport.Status status) {
        return switch (status) {
            case OK -> "ok";
            case WARN -> "WARN";
            case FAIL -> "FAIL";
        };
    }
}
