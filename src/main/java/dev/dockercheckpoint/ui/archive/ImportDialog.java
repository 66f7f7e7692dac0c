package dev.dockercheckpoint.ui.archive;

import dev.dockercheckpoint.protocol.ImportInfo;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.services.DialogService;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/** The import dialog: a thin view over {@link ImportDialogViewModel}. */
public final class ImportDialog {
    @FXML
    private TextField fileField;
    @FXML
    private Button browseButton;
    @FXML
    private Label lockLabel;
    @FXML
    private Label identityLabel;
    @FXML
    private TextField identityField;
    @FXML
    private Button identityButton;
    @FXML
    private Label passphraseLabel;
    @FXML
    private PasswordField passphraseField;
    @FXML
    private ComboBox<Path> dirBox;
    @FXML
    private TextField containerField;
    @FXML
    private TextField nameField;
    @FXML
    private Label errorLabel;
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

    private final ImportDialogViewModel model;
    private final DialogService dialogs;
    private final Consumer<ImportInfo> onDone;
    private final Parent root;
    private Stage stage;

    public ImportDialog(ImportDialogViewModel model, DialogService dialogs, Consumer<ImportInfo> onDone) {
        this.model = model;
        this.dialogs = dialogs;
        this.onDone = onDone;
        this.root = Resources.load("archive/ImportDialog.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        fileField.setId("importFile");
        browseButton.setId("importBrowse");
        dirBox.setId("importDir");
        containerField.setId("importContainer");
        nameField.setId("importName");
        errorLabel.setId("importError");
        progressBar.setId("importProgress");
        statusLabel.setId("importStatus");
        outcomeLabel.setId("importOutcome");
        cancelButton.setId("importCancel");
        startButton.setId("startImport");
        fileField.textProperty().bindBidirectional(model.fileProperty());
        dev.dockercheckpoint.ui.Choices.bind(dirBox, model.dirChoices(), model.dirProperty());
        dirBox.setTooltip(new javafx.scene.control.Tooltip("The base directories the helper serves (its"
                + " helper.json lists them)"));
        containerField.textProperty().bindBidirectional(model.containerProperty());
        nameField.textProperty().bindBidirectional(model.nameProperty());
        errorLabel.textProperty().bind(model.errorProperty());
        bindKeys();
        TransferProgress t = model.transfer();
        for (var c : new javafx.scene.control.Control[] {fileField, browseButton, dirBox, containerField, nameField,
            identityField, identityButton, passphraseField}) {
            c.disableProperty().bind(t.runningProperty());
        }
        browseButton.setOnAction(e -> {
            String f = model.fileProperty().get();
            Path start = f.isBlank() ? Path.of(System.getProperty("user.home")) : Path.of(f).getParent();
            dialogs.chooseOpenFile("Import an archive", start).ifPresent(p -> model.fileProperty().set(p.toString()));
        });
        startButton.disableProperty().bind(model.validProperty().not());
        startButton.setOnAction(e -> start());
        TransferViews.bind(t, progressBar, statusLabel, outcomeLabel, cancelButton, this::close);
    }

    /** The key file or the passphrase, shown only for an archive encrypted with age that needs it. */
    private void bindKeys() {
        lockLabel.setId("importLock");
        identityField.setId("importIdentity");
        identityButton.setId("importIdentityChoose");
        passphraseField.setId("importPassphrase");
        identityLabel.setLabelFor(identityField);
        passphraseLabel.setLabelFor(passphraseField);
        lockLabel.textProperty().bind(model.lockTextProperty());
        var needsIdentity = javafx.beans.binding.Bindings.createBooleanBinding(() -> model.lockProperty().get() != null
                && model.lockProperty().get().needsIdentity(), model.lockProperty());
        var needsPassphrase = javafx.beans.binding.Bindings.createBooleanBinding(() -> model.lockProperty().get() != null
                && model.lockProperty().get().passphrase(), model.lockProperty());
        for (javafx.scene.Node n : List.of(identityLabel, identityField, identityButton)) {
            n.visibleProperty().bind(needsIdentity);
            n.managedProperty().bind(needsIdentity);
        }
        for (javafx.scene.Node n : List.of(passphraseLabel, passphraseField)) {
            n.visibleProperty().bind(needsPassphrase);
            n.managedProperty().bind(needsPassphrase);
        }
        lockLabel.visibleProperty().bind(model.lockProperty().isNotNull());
        lockLabel.managedProperty().bind(lockLabel.visibleProperty());
        identityField.textProperty().bindBidirectional(model.identityProperty());
        passphraseField.textProperty().bindBidirectional(model.passphraseProperty());
        identityButton.setOnAction(e -> {
            String f = model.identityProperty().get();
            Path start = f.isBlank() ? Path.of(System.getProperty("user.home")) : Path.of(f.strip()).getParent();
            dialogs.chooseTextFile("The key file of a recipient", start).ifPresent(p -> {
                model.identityProperty().set(p.toString());
                startButton.requestFocus();
            });
        });
        model.lockProperty().addListener((o, a, b) -> {
            if (stage != null) {
                javafx.application.Platform.runLater(stage::sizeToScene);
            }
        });
        // a key that did not open it: try again without choosing the archive again
        model.keyRefusedProperty().addListener((o, a, refused) -> {
            if (refused) {
                focusKey();
            }
        });
    }

    /** Focuses what the archive still needs to open (the passphrase or key file); false when nothing. */
    private boolean focusKey() {
        if (passphraseField.isVisible()) {
            passphraseField.requestFocus();
            return true;
        }
        if (identityField.isVisible()) {
            identityField.requestFocus();
            identityField.selectAll();
            return true;
        }
        return false;
    }

    /**
     * Starts the import (as the Import button does); for an encrypted archive still without its
     * key or passphrase (a dropped file), focuses the field that asks for it instead.
     */
    public void start() {
        if (!model.validProperty().get()) {
            focusKey();
            return;
        }
        model.start(r -> {
            dialogs.notify("Imported " + r.container() + "/" + r.name());
            onDone.accept(r);
        });
    }

    /** Shows the dialog as a window of its own, modal to {@code owner}. */
    public void show(Window owner) {
        stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle("Import an archive - docker-checkpoint");
        Scene scene = new Scene(root);
        scene.getStylesheets().add(Resources.stylesheet());
        stage.setScene(scene);
        TransferViews.stopOnClose(stage, model.transfer(), errorLabel.textProperty(), lockLabel.textProperty());
        stage.show();
        if (!focusKey()) {
            fileField.requestFocus();
        }
    }

    private void close() {
        if (stage != null) {
            stage.close();
        }
    }
}
