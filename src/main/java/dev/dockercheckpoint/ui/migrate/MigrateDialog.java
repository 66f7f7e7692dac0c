package dev.dockercheckpoint.ui.migrate;

import dev.dockercheckpoint.core.MigrationResult;
import dev.dockercheckpoint.protocol.HelloInfo.EngineInfo;
import dev.dockercheckpoint.ui.Dialogs;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.Part;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.Stage;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.StageState;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.Status;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javafx.util.StringConverter;

/** The migrate dialog: a thin view over {@link MigrateDialogViewModel}. */
public final class MigrateDialog {
    @FXML
    private Label containerLabel;
    @FXML
    private Label sourceLabel;
    @FXML
    private ComboBox<EngineInfo> targetBox;
    @FXML
    private TextField newNameField;
    @FXML
    private Label nameError;
    @FXML
    private Label explanationLabel;
    @FXML
    private HBox stagesBox;
    @FXML
    private ProgressBar progressBar;
    @FXML
    private Label phaseLabel;
    @FXML
    private VBox resultPane;
    @FXML
    private Label headlineLabel;
    @FXML
    private Label downtimeLabel;
    @FXML
    private HBox downtimeBar;
    @FXML
    private HBox partsBox;
    @FXML
    private Label afterwordLabel;
    @FXML
    private Button switchButton;
    @FXML
    private VBox errorPane;
    @FXML
    private Label errorTitleLabel;
    @FXML
    private Label errorMessageLabel;
    @FXML
    private Label errorHintLabel;
    @FXML
    private Button cancelButton;
    @FXML
    private Button startButton;

    /** The dialog's own styles, beside the application's. */
    public static final String STYLESHEET = Resources.url("migrate/migrate-dialog.css").toExternalForm();

    private final MigrateDialogViewModel model;
    private final Consumer<MigrationResult> onDone;
    private final BiConsumer<String, String> onSwitch;
    private final Parent root;
    private javafx.stage.Stage stage;

    /**
     * {@code onDone}: after a migration succeeded; {@code onSwitch}: the user asks the window to
     * show the engine the copy runs on (its name, the copy's name).
     */
    public MigrateDialog(MigrateDialogViewModel model, Consumer<MigrationResult> onDone,
            BiConsumer<String, String> onSwitch) {
        this.model = model;
        this.onDone = onDone;
        this.onSwitch = onSwitch;
        this.root = Resources.load("migrate/MigrateDialog.fxml", this);
    }

    public Parent root() {
        return root;
    }

    @FXML
    private void initialize() {
        targetBox.setId("migrateTarget");
        newNameField.setId("migrateNewName");
        nameError.setId("migrateNameError");
        explanationLabel.setId("migrateExplanation");
        stagesBox.setId("migrateStages");
        progressBar.setId("migrateProgress");
        phaseLabel.setId("migratePhase");
        resultPane.setId("migrateResult");
        headlineLabel.setId("migrateHeadline");
        downtimeLabel.setId("migrateDowntime");
        downtimeBar.setId("migrateDowntimeBar");
        partsBox.setId("migrateParts");
        afterwordLabel.setId("migrateAfterword");
        switchButton.setId("migrateSwitch");
        errorPane.setId("migrateError");
        errorTitleLabel.setId("migrateErrorTitle");
        errorMessageLabel.setId("migrateErrorMessage");
        errorHintLabel.setId("migrateErrorHint");
        cancelButton.setId("cancelMigrate");
        startButton.setId("startMigrate");

        containerLabel.textProperty().bind(model.containerProperty());
        sourceLabel.textProperty().bind(model.sourceProperty());
        targetBox.setItems(model.targets());
        targetBox.setConverter(new StringConverter<>() {
            @Override
            public String toString(EngineInfo e) {
                return MigrateDialogViewModel.describe(e);
            }

            @Override
            public EngineInfo fromString(String text) {
                return null;
            }
        });
        targetBox.valueProperty().bindBidirectional(model.targetProperty());
        newNameField.textProperty().bindBidirectional(model.newNameProperty());
        newNameField.setPromptText("the same: " + model.containerProperty().get());
        nameError.textProperty().bind(model.nameErrorProperty());
        nameError.visibleProperty().bind(model.nameErrorProperty().isNotEmpty());
        nameError.managedProperty().bind(nameError.visibleProperty());
        Dialogs.markInvalidOnError(newNameField, model.nameErrorProperty());
        explanationLabel.textProperty().bind(model.explanationProperty());
        var locked = model.statusProperty().isEqualTo(Status.RUNNING).or(model.statusProperty()
                .isEqualTo(Status.SUCCEEDED));
        targetBox.disableProperty().bind(locked);
        newNameField.disableProperty().bind(locked);

        for (Stage s : Stage.values()) {
            Label label = new Label(s.label());
            label.setId("stage-" + s.name().toLowerCase(Locale.ROOT));
            label.getStyleClass().add("migrate-stage");
            label.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(label, Priority.ALWAYS);
            mark(label, model.stageProperty(s).get());
            model.stageProperty(s).addListener((o, a, state) -> mark(label, state));
            stagesBox.getChildren().add(label);
        }
        progressBar.progressProperty().bind(model.progress().progressProperty());
        phaseLabel.textProperty().bind(model.progress().phaseProperty());
        // the phase while it runs, and how it ended when it failed; the result says the rest
        phaseLabel.visibleProperty().bind(model.statusProperty().isEqualTo(Status.RUNNING)
                .or(model.statusProperty().isEqualTo(Status.FAILED)));
        phaseLabel.managedProperty().bind(phaseLabel.visibleProperty());

        headlineLabel.textProperty().bind(model.headlineProperty());
        downtimeLabel.textProperty().bind(model.downtimeProperty());
        afterwordLabel.textProperty().bind(model.afterwordProperty());
        model.parts().addListener((ListChangeListener<Part>) c -> renderParts());
        switchButton.textProperty().bind(Bindings.concat("Show engine ", model.copyEngineProperty()));
        switchButton.setOnAction(e -> {
            onSwitch.accept(model.copyEngineProperty().get(), model.copyName());
            close();
        });
        resultPane.visibleProperty().bind(model.statusProperty().isEqualTo(Status.SUCCEEDED));
        resultPane.managedProperty().bind(resultPane.visibleProperty());

        errorTitleLabel.textProperty().bind(model.errorTitleProperty());
        errorMessageLabel.textProperty().bind(model.errorMessageProperty());
        errorHintLabel.textProperty().bind(model.errorHintProperty());
        errorHintLabel.visibleProperty().bind(model.errorHintProperty().isNotEmpty());
        errorHintLabel.managedProperty().bind(errorHintLabel.visibleProperty());
        errorPane.visibleProperty().bind(model.statusProperty().isEqualTo(Status.FAILED));
        errorPane.managedProperty().bind(errorPane.visibleProperty());
        // the window grows and shrinks with what it shows
        model.statusProperty().addListener((o, a, s) -> {
            if (stage != null) {
                // the panes just shown get their skins and styles first: sized before that, the
                // window would be measured without them and cut the result off
                stage.getScene().getRoot().applyCss();
                stage.getScene().getRoot().layout();
                stage.sizeToScene();
                // sizeToScene measures wrapping labels on one line each; once the window has its
                // width, it grows to what the texts need wrapped at that width
                Platform.runLater(this::growToWrappedContent);
            }
        });

        startButton.disableProperty().bind(model.validProperty().not());
        startButton.visibleProperty().bind(model.statusProperty().isNotEqualTo(Status.SUCCEEDED));
        startButton.managedProperty().bind(startButton.visibleProperty());
        startButton.textProperty().bind(Bindings.when(model.statusProperty().isEqualTo(Status.FAILED))
                .then("Try again").otherwise("Migrate"));
        startButton.setOnAction(e -> model.start(onDone));
        cancelButton.textProperty().bind(Bindings.when(model.progress().runningProperty()).then("Stop")
                .otherwise("Close"));
        cancelButton.setOnAction(e -> {
            if (model.progress().runningProperty().get()) {
                model.cancel();
            } else {
                close();
            }
        });
    }

    private static void mark(Label label, StageState state) {
        for (StageState s : StageState.values()) {
            label.getStyleClass().remove("stage-" + s.name().toLowerCase(Locale.ROOT));
        }
        label.getStyleClass().add("stage-" + state.name().toLowerCase(Locale.ROOT));
    }

    /** The downtime's parts: a bar split in proportion, and each part's name and time below it. */
    /** Grows the window when its content, wrapped at the window's width, is taller than the window. */
    private void growToWrappedContent() {
        if (stage == null || !stage.isShowing()) {
            return;
        }
        Parent root = stage.getScene().getRoot();
        root.applyCss();
        root.layout();
        double need = root.prefHeight(stage.getScene().getWidth());
        double have = stage.getScene().getHeight();
        if (need > have + 0.5) {
            stage.setHeight(stage.getHeight() + Math.ceil(need - have));
        }
    }

    private void renderParts() {
        downtimeBar.getChildren().clear();
        partsBox.getChildren().clear();
        for (Part p : model.parts()) {
            Region segment = new Region();
            segment.getStyleClass().addAll("downtime-segment", "downtime-" + p.name());
            segment.setMinWidth(p.millis() > 0 ? 3 : 0);
            segment.prefWidthProperty().bind(downtimeBar.widthProperty().multiply(p.share()));
            downtimeBar.getChildren().add(segment);
            Region swatch = new Region();
            swatch.getStyleClass().addAll("downtime-swatch", "downtime-" + p.name());
            Label legend = new Label(p.name() + " " + MigrateDialogViewModel.millis(p.millis()), swatch);
            legend.setId("part-" + p.name());
            legend.getStyleClass().add("downtime-legend");
            partsBox.getChildren().add(legend);
        }
    }

    /** Shows the dialog as a window of its own, modal to {@code owner}. */
    public void show(Window owner) {
        stage = Dialogs.modal(owner, "Migrate " + model.containerProperty().get() + " - docker-checkpoint", root,
                STYLESHEET);
        stage.setOnCloseRequest(e -> {
            if (model.progress().runningProperty().get()) {
                e.consume(); // stays open while the container is frozen; closing asks to stop
                model.cancel();
            }
        });
        stage.show();
        targetBox.requestFocus();
    }

    private void close() {
        if (stage != null) {
            stage.close();
        }
    }
}
