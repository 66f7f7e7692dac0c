package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.protocol.ExportInfo;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.VBox;
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
    private CheckBox volumesBox;
    @FXML
    private ToggleGroup encryptGroup;
    @FXML
    private RadioButton encryptNone;
    @FXML
    private RadioButton encryptRecipients;
    @FXML
    private RadioButton encryptPassphrase;
    @FXML
    private VBox recipientsPane;
    @FXML
    private TextArea recipientsArea;
    @FXML
    private Button recipientsFileButton;
    @FXML
    private VBox passphrasePane;
    @FXML
    private PasswordField passphraseField;
    @FXML
    private PasswordField passphraseAgainField;
    @FXML
    private Label passphraseAdvice;
    @FXML
    private Label encryptError;
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
        volumesBox.setId("exportVolumes");
        volumesBox.selectedProperty().bindBidirectional(model.withVolumesProperty());
        volumesBox.setTooltip(new Tooltip("Adds each named volume the container mounted as volumes/<name>.tar: its"
                + " contents as they are now, not as they were at the checkpoint"));
        bindEncryption();
        TransferProgress t = model.transfer();
        for (var c : new javafx.scene.control.Control[] {compressionBox, fileField, browseButton, volumesBox,
            encryptNone, encryptRecipients, encryptPassphrase, recipientsArea, recipientsFileButton, passphraseField,
            passphraseAgainField}) {
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

    /** The three choices, their panes (only the chosen one shows), the keys, the passphrase twice. */
    private void bindEncryption() {
        encryptNone.setId("encryptNone");
        encryptRecipients.setId("encryptRecipients");
        encryptPassphrase.setId("encryptPassphrase");
        recipientsArea.setId("exportRecipients");
        recipientsFileButton.setId("exportRecipientsFile");
        passphraseField.setId("exportPassphrase");
        passphraseAgainField.setId("exportPassphraseAgain");
        encryptError.setId("exportEncryptError");
        for (RadioButton r : List.of(encryptNone, encryptRecipients, encryptPassphrase)) {
            // a mnemonic (Alt+P) only sends the button an action: let it choose, as a click does
            r.addEventHandler(javafx.event.ActionEvent.ACTION, e -> r.setSelected(true));
        }
        encryptNone.setUserData(ExportDialogViewModel.Encrypt.NONE);
        encryptRecipients.setUserData(ExportDialogViewModel.Encrypt.RECIPIENTS);
        encryptPassphrase.setUserData(ExportDialogViewModel.Encrypt.PASSPHRASE);
        selectToggle(model.encryptProperty().get());
        model.encryptProperty().addListener((o, a, b) -> selectToggle(b));
        encryptGroup.selectedToggleProperty().addListener((o, a, b) -> {
            if (b != null) {
                model.encryptProperty().set((ExportDialogViewModel.Encrypt) b.getUserData());
            }
        });
        encryptRecipients.setTooltip(new Tooltip("Any one of the keys' owners decrypts it with their key file"
                + " (age-keygen makes one); the same as age -r"));
        encryptPassphrase.setTooltip(new Tooltip("scrypt, as age -p: decrypted with the same passphrase"));
        for (var pane : List.of(recipientsPane, passphrasePane)) {
            pane.managedProperty().bind(pane.visibleProperty());
        }
        recipientsPane.visibleProperty().bind(model.encryptProperty().isEqualTo(ExportDialogViewModel.Encrypt.RECIPIENTS));
        passphrasePane.visibleProperty().bind(model.encryptProperty().isEqualTo(ExportDialogViewModel.Encrypt.PASSPHRASE));
        recipientsArea.textProperty().bindBidirectional(model.recipientsProperty());
        recipientsArea.setAccessibleText("age public keys to encrypt to, one a line");
        // Tab leaves the keys for the next control, as in a text field (Ctrl+Tab does in a text area)
        recipientsArea.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.TAB && !e.isControlDown()) {
                e.consume();
                recipientsArea.fireEvent(new KeyEvent(e.getSource(), e.getTarget(), e.getEventType(), e.getCharacter(),
                        e.getText(), e.getCode(), e.isShiftDown(), true, e.isAltDown(), e.isMetaDown()));
            }
        });
        recipientsFileButton.setOnAction(e -> dialogs.chooseTextFile("Add recipients from a file (age -R)",
                Path.of(System.getProperty("user.home"))).ifPresent(f -> {
                    model.addRecipientsFrom(f);
                    recipientsArea.requestFocus();
                    recipientsArea.end();
                }));
        passphraseField.textProperty().bindBidirectional(model.passphraseProperty());
        passphraseAgainField.textProperty().bindBidirectional(model.passphraseAgainProperty());
        passphraseField.setAccessibleText("Passphrase");
        passphraseAgainField.setAccessibleText("The passphrase again");
        passphraseAdvice.setText(ExportDialogViewModel.PASSPHRASE_ADVICE);
        encryptError.textProperty().bind(model.encryptErrorProperty());
        encryptError.visibleProperty().bind(encryptError.textProperty().isNotEmpty());
        encryptError.managedProperty().bind(encryptError.visibleProperty());
        model.encryptProperty().addListener((o, a, b) -> {
            if (stage != null) {
                javafx.application.Platform.runLater(stage::sizeToScene);
            }
            // after the event that chose it (a mnemonic focuses its button last)
            javafx.scene.Node next = b == ExportDialogViewModel.Encrypt.RECIPIENTS ? recipientsArea
                    : b == ExportDialogViewModel.Encrypt.PASSPHRASE ? passphraseField : null;
            if (next != null) {
                javafx.application.Platform.runLater(next::requestFocus);
            }
        });
    }

    private void selectToggle(ExportDialogViewModel.Encrypt e) {
        encryptGroup.selectToggle(switch (e) {
            case NONE -> encryptNone;
            case RECIPIENTS -> encryptRecipients;
            case PASSPHRASE -> encryptPassphrase;
        });
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
        TransferViews.stopOnClose(stage, model.transfer(), fileError.textProperty(), encryptError.textProperty());
        stage.show();
        fileField.requestFocus();
    }

    private void close() {
        if (stage != null) {
            stage.close();
        }
    }
}
