package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The export dialog: a thin view over {@link ExportDialogViewModel}. */
public final class ExportDialog {
    @FXML
    private Label checkpointLabel;
    @FXML
    private ComboBox<String> compressionBox;
    @FXML
    private TextField fileField;
    @FXML
    private Button browseButton;
    @FXML
    private Label fileError;
    @FXML
    private ProgressBar progressBar;
    @FXML
    private Label statusLabel;
    @FXML
    private Label outcomeLabel;
    @FXML
    private Button cancelButton;
    @FXML
    private Button startButton;

    private final ExportDialogViewModel model;
    private final DialogService dialogs;
    private final Consumer<ExportInfo> onDone;
    private final Parent root;
    private Stage stage;

    public ExportDialog(ExportDialogViewModel model, DialogService dialogs, Consumer<ExportInfo> onDone) {
        this.model = model;
        this.dialogs = dialogs;
        this.onDone = onDone;
        this.root = Resources.load("archive/ExportDialog.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        compressionBox.setId("exportCompression");
        fileField.setId("exportFile");
        fileError.setId("exportFileError");
        browseButton.setId("exportBrowse");
        progressBar.setId("exportProgress");
        statusLabel.setId("exportStatus");
        outcomeLabel.setId("exportOutcome");
        cancelButton.setId("exportCancel");
        startButton.setId("startExport");
        checkpointLabel.setText(model.checkpoint().container() + "/" + model.checkpoint().name());
        compressionBox.setItems(model.compressions());
        compressionBox.valueProperty().bindBidirectional(model.compressionProperty());
        fileField.textProperty().bindBidirectional(model.fileProperty());
        fileError.textProperty().bind(model.fileErrorProperty());
        TransferProgress t = model.transfer();
        for (var c : new javafx.scene.control.Control[] {compressionBox, fileField, browseButton}) {
            c.disableProperty().bind(t.runningProperty());
        }
        browseButton.setOnAction(e -> dialogs.chooseSaveFile("Export " + model.checkpoint().container() + "/"
                + model.checkpoint().name(), Path.of(model.fileProperty().get())).ifPresent(p ->
                model.fileProperty().set(p.toString())));
        startButton.disableProperty().bind(model.validProperty().not());
        startButton.setOnAction(e -> model.start(r -> {
            dialogs.notify("Exported " + r.container() + "/" + r.name());
            onDone.accept(r);
        }));
        TransferViews.bind(t, progressBar, statusLabel, outcomeLabel, cancelButton, this::close);
    }

    /** Shows the dialog as a window of its own, modal to {@code owner}. */
    public void show(Window owner) {
        stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("Export " + model.checkpoint().container() + "/" + model.checkpoint().name()
                + " - docker-checkpoint");
        Scene scene = new Scene(root);
        scene.getStylesheets().add(Resources.stylesheet());
        stage.setScene(scene);
        TransferViews.stopOnClose(stage, model.transfer(), fileError.textProperty());
        stage.show();
        fileField.requestFocus();
    }

    private void close() {
        if (stage != null) {
            stage.close();
        }
    }
}
