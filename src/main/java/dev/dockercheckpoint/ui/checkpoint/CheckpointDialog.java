package dev.dockercheckpoint.ui.checkpoint;

import dev.dockercheckpoint.ui.Dialogs;
import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The checkpoint dialog: a thin view over {@link CheckpointDialogViewModel}. */
public final class CheckpointDialog {
    @FXML
    private Label containerLabel;
    @FXML
    private TextField nameField;
    @FXML
    private Label nameError;
    @FXML
    private ComboBox<String> dirBox;
    @FXML
    private Label dirError;
    @FXML
    private CheckBox leaveRunningBox;
    @FXML
    private CheckBox tcpBox;
    @FXML
    private CheckBox fileLocksBox;
    @FXML
    private CheckBox preDumpBox;
    @FXML
    private HBox preDumpHolder;
    @FXML
    private CheckBox allowLostBox;
    @FXML
    private Label preDumpReason;
    @FXML
    private ProgressBar progressBar;
    @FXML
    private Label phaseLabel;
    @FXML
    private ListView<String> logList;
    @FXML
    private Button cancelButton;
    @FXML
    private Button startButton;

    private final CheckpointDialogViewModel model;
    private final DialogService dialogs;
    private final Consumer<CheckpointResult> onDone;
    private final Parent root;
    private Stage stage;

    public CheckpointDialog(CheckpointDialogViewModel model, DialogService dialogs, Consumer<CheckpointResult> onDone) {
        this.model = model;
        this.dialogs = dialogs;
        this.onDone = onDone;
        this.root = Resources.load("checkpoint/CheckpointDialog.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        nameField.setId("checkpointName");
        dirBox.setId("checkpointDir");
        nameError.setId("checkpointNameError");
        leaveRunningBox.setId("leaveRunning");
        tcpBox.setId("tcp");
        fileLocksBox.setId("fileLocks");
        preDumpBox.setId("preDump");
        allowLostBox.setId("allowLostProcesses");
        startButton.setId("startCheckpoint");
        cancelButton.setId("cancelCheckpoint");
        phaseLabel.setId("checkpointPhase");
        progressBar.setId("checkpointProgress");
        logList.setId("criuLogTail");

        ReadOnlyBooleanProperty running = model.progress().runningProperty();
        containerLabel.textProperty().bind(model.containerProperty());
        nameField.textProperty().bindBidirectional(model.nameProperty());
        dev.dockercheckpoint.ui.Choices.bind(dirBox, model.dirChoices(), model.dirProperty());
        dirBox.setTooltip(new Tooltip("The base directories the helper serves (its helper.json lists them)"));
        nameError.textProperty().bind(model.nameErrorProperty());
        dirError.textProperty().bind(model.dirErrorProperty());
        Dialogs.markInvalidOnError(nameField, model.nameErrorProperty());
        Dialogs.markInvalid(nameField, !model.nameErrorProperty().get().isEmpty());
        leaveRunningBox.selectedProperty().bindBidirectional(model.leaveRunningProperty());
        tcpBox.selectedProperty().bindBidirectional(model.tcpProperty());
        fileLocksBox.selectedProperty().bindBidirectional(model.fileLocksProperty());
        preDumpBox.selectedProperty().bindBidirectional(model.preDumpProperty());
        preDumpBox.disableProperty().bind(model.preDumpAvailableProperty().not().or(running));
        if (!model.preDumpAvailableProperty().get()) {
            // a disabled control shows no tooltip: its holder carries the reason
            Tooltip.install(preDumpHolder, new Tooltip(model.preDumpReasonProperty().get()));
            preDumpBox.setTooltip(new Tooltip(model.preDumpReasonProperty().get()));
            preDumpReason.setText("Pre-dump is unavailable: the kernel lacks memory dirty tracking"
                    + " (CONFIG_MEM_SOFT_DIRTY).");
        }
        allowLostBox.selectedProperty().bindBidirectional(model.allowLostProcessesProperty());
        allowLostBox.setTooltip(new Tooltip("Processes outside the container's init process tree (started with"
                + " docker exec) are not in CRIU's dump. Off: the checkpoint is refused and names them. On: they"
                + " are left out and container.json records them."));
        for (var box : new CheckBox[] {leaveRunningBox, tcpBox, fileLocksBox, allowLostBox}) {
            box.disableProperty().bind(running);
        }
        nameField.disableProperty().bind(running);
        dirBox.disableProperty().bind(running);
        leaveRunningBox.setTooltip(new Tooltip("Keep the container running after the dump (CRIU --leave-running)"));
        tcpBox.setTooltip(new Tooltip("Dump and restore established TCP connections (CRIU --tcp-established)"));
        fileLocksBox.setTooltip(new Tooltip("Dump and restore file locks (CRIU --file-locks)"));
        progressBar.progressProperty().bind(model.progress().progressProperty());
        phaseLabel.textProperty().bind(model.progress().phaseAndTime());
        logList.setPlaceholder(new Label("CRIU's log appears here while it works."));
        Icons.on(startButton, Icons.CHECKPOINT);
        running.addListener((o, a, now) -> Icons.on(cancelButton, now ? Icons.STOP : Icons.CLOSE));
        Icons.on(cancelButton, Icons.CLOSE);
        logList.setItems(model.logTail());
        model.logTail().addListener((javafx.collections.ListChangeListener<String>) c -> {
            if (!model.logTail().isEmpty()) {
                logList.scrollTo(model.logTail().size() - 1);
            }
        });
        startButton.disableProperty().bind(model.validProperty().not());
        startButton.setOnAction(e -> model.start(result -> {
            // the main window keeps the result on show until it is read
            onDone.accept(result);
            close();
        }, error -> dialogs.showError("Checkpoint failed", error)));
        cancelButton.textProperty().bind(Bindings.when(running).then("Stop").otherwise("Close"));
        cancelButton.setOnAction(e -> {
            if (running.get()) {
                model.cancel();
            } else {
                close();
            }
        });
    }

    /** Shows the dialog as a window of its own, modal to {@code owner}. */
    public void show(Window owner) {
        stage = Dialogs.modal(owner, "Checkpoint " + model.containerProperty().get() + " - docker-checkpoint", root);
        stage.setOnCloseRequest(e -> {
            if (model.progress().runningProperty().get()) {
                e.consume(); // stays open while CRIU works; Stop asks to cancel
                model.cancel();
            }
        });
        stage.show();
        nameField.requestFocus();
        nameField.selectAll();
    }

    private void close() {
        if (stage != null) {
            stage.close();
        }
    }
}
