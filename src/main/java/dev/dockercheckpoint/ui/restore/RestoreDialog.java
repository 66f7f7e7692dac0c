package dev.dockercheckpoint.ui.restore;

import dev.dockercheckpoint.ui.Dialogs;
import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import dev.dockercheckpoint.ui.verify.VerificationPanel;
import java.util.function.Consumer;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

/** The restore dialog with its live verification panel: a thin view over {@link RestoreDialogViewModel}. */
public final class RestoreDialog {
    @FXML
    private ComboBox<java.nio.file.Path> dirBox;
    @FXML
    private ComboBox<CheckpointSummary> checkpointBox;
    @FXML
    private TextField newNameField;
    @FXML
    private Label nameError;
    @FXML
    private ProgressBar progressBar;
    @FXML
    private Label phaseLabel;
    @FXML
    private StackPane verificationHolder;
    @FXML
    private Button closeButton;
    @FXML
    private Button startButton;

    private final RestoreDialogViewModel model;
    private final DialogService dialogs;
    private final Consumer<RestoreResult> onDone;
    private final Parent root;
    private Stage stage;

    public RestoreDialog(RestoreDialogViewModel model, DialogService dialogs, Consumer<RestoreResult> onDone) {
        this.model = model;
        this.dialogs = dialogs;
        this.onDone = onDone;
        this.root = Resources.load("restore/RestoreDialog.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        dirBox.setId("restoreDir");
        dev.dockercheckpoint.ui.Choices.bind(dirBox, model.dirChoices(), model.dirProperty());
        dirBox.disableProperty().bind(model.progress().runningProperty());
        checkpointBox.setId("restoreCheckpoint");
        newNameField.setId("newName");
        nameError.setId("newNameError");
        startButton.setId("startRestore");
        closeButton.setId("closeRestore");
        phaseLabel.setId("restorePhase");
        checkpointBox.setItems(model.checkpoints());
        checkpointBox.setConverter(new StringConverter<>() {
            @Override
            public String toString(CheckpointSummary s) {
                return s == null ? "" : s.container() + " / " + s.name() + (s.createdAt() == null ? "" : "   ("
                        + s.createdAt().toString().substring(0, 19).replace('T', ' ') + ")");
            }

            @Override
            public CheckpointSummary fromString(String string) {
                return null;
            }
        });
        checkpointBox.valueProperty().bindBidirectional(model.selectedProperty());
        newNameField.textProperty().bindBidirectional(model.newNameProperty());
        newNameField.setOnKeyTyped(e -> model.nameEditedByUser());
        nameError.textProperty().bind(model.nameErrorProperty());
        Dialogs.markInvalidOnError(newNameField, model.nameErrorProperty());
        checkpointBox.disableProperty().bind(model.progress().runningProperty());
        newNameField.disableProperty().bind(model.progress().runningProperty());
        progressBar.progressProperty().bind(model.progress().progressProperty());
        phaseLabel.textProperty().bind(model.progress().phaseAndTime());
        Icons.on(startButton, Icons.RESTORE);
        Icons.on(closeButton, Icons.CLOSE);
        verificationHolder.getChildren().add(new VerificationPanel(model.verification()));
        startButton.disableProperty().bind(model.validProperty().not());
        startButton.setOnAction(e -> model.start(result -> {
            // the verification panel and the main window's banner say how it went
            onDone.accept(result);
        }, error -> dialogs.showError("Restore failed", error)));
        closeButton.disableProperty().bind(model.progress().runningProperty());
        closeButton.setOnAction(e -> {
            if (stage != null) {
                stage.close();
            }
        });
    }

    public void show(Window owner) {
        stage = Dialogs.modal(owner, "Restore a checkpoint - docker-checkpoint", root);
        stage.setOnCloseRequest(e -> {
            if (model.progress().runningProperty().get()) {
                e.consume(); // a restore cannot be stopped half-way; it ends soon
            }
        });
        stage.show();
        newNameField.requestFocus();
    }
}
