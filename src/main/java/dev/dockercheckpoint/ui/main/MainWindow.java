package dev.dockercheckpoint.ui.main;

import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.ui.DesktopNotifier;
import dev.dockercheckpoint.ui.Icons;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.Resources;
import dev.dockercheckpoint.ui.archive.ArchiveDrop;
import dev.dockercheckpoint.ui.archive.ExportDialog;
import dev.dockercheckpoint.ui.archive.ExportDialogViewModel;
import dev.dockercheckpoint.ui.archive.ImportDialog;
import dev.dockercheckpoint.ui.archive.ImportDialogViewModel;
import dev.dockercheckpoint.ui.browser.CheckpointBrowserView;
import dev.dockercheckpoint.ui.browser.ContentsWindow;
import dev.dockercheckpoint.ui.browser.CheckpointBrowserViewModel;
import dev.dockercheckpoint.ui.checkpoint.CheckpointDialog;
import dev.dockercheckpoint.ui.checkpoint.CheckpointDialogViewModel;
import dev.dockercheckpoint.ui.containers.ContainersView;
import dev.dockercheckpoint.ui.containers.ContainersViewModel;
import dev.dockercheckpoint.ui.migrate.MigrateDialog;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel;
import dev.dockercheckpoint.ui.restore.RestoreDialog;
import dev.dockercheckpoint.ui.restore.RestoreDialogViewModel;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.DialogService;
import dev.dockercheckpoint.ui.services.Settings;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import dev.dockercheckpoint.ui.system.SystemView;
import dev.dockercheckpoint.ui.system.SystemViewModel;
import dev.dockercheckpoint.ui.theme.DesktopPreference;
import dev.dockercheckpoint.ui.theme.ThemeChoice;
import dev.dockercheckpoint.ui.theme.Themes;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The main window: sidebar (Containers, Checkpoints, System), the three views, the status bar,
 * and a pane that says exactly what to do when the helper cannot be reached. Opens the dialogs.
 */
public final class MainWindow {
    /** Opens a CRIU log of a stored checkpoint in a viewer window. */
    public interface LogOpener {
        void open(Stage owner, Path dir, CheckpointSummary checkpoint, String log);
    }

    @FXML
    private BorderPane root;
    @FXML
    private ToggleGroup nav;
    @FXML
    private ToggleButton containersButton;
    @FXML
    private ToggleButton checkpointsButton;
    @FXML
    private ToggleButton systemButton;
    @FXML
    private StackPane content;
    @FXML
    private VBox problemPane;
    @FXML
    private Label problemTitle;
    @FXML
    private Label problemHint;
    @FXML
    private Button retryButton;
    @FXML
    private VBox enginePane;
    @FXML
    private ComboBox<String> enginePicker;
    @FXML
    private Label connectionLabel;
    @FXML
    private Label versionsLabel;

    private final Stage stage;
    private final CheckpointService service;
    private final TaskExecutor executor;
    private final DialogService dialogs;
    private final Settings settings;
    private final LogOpener logOpener;
    private final MainViewModel model;
    private final ContainersViewModel containers;
    private final CheckpointBrowserViewModel browser;
    private final SystemViewModel system;
    private final Themes themes;
    private final DesktopNotifier notifier;
    private final ResultBanner result = new ResultBanner();
    /** The operation the banner shows (a late size answer for an older one is dropped). */
    private Object shownResult;
    private Settings.Values values;
    private Node containersNode;
    private Node browserNode;
    private Node systemNode;

    public MainWindow(Stage stage, CheckpointService service, TaskExecutor executor,
            Function<Stage, DialogService> dialogs, Settings settings, Path socket, LogOpener logOpener) {
        this(stage, service, executor, dialogs, settings, socket, logOpener, Themes.forDesktop(settings),
                DesktopNotifier.forDesktop());
    }

    /** {@code themes}: the look (light, dark, the desktop's); {@code notifier}: notifications when away. */
    public MainWindow(Stage stage, CheckpointService service, TaskExecutor executor,
            Function<Stage, DialogService> dialogs, Settings settings, Path socket, LogOpener logOpener,
            Themes themes, DesktopNotifier notifier) {
        this.themes = themes;
        this.notifier = notifier;
        this.stage = stage;
        this.service = service;
        this.executor = executor;
        this.dialogs = dialogs.apply(stage);
        this.settings = settings;
        this.logOpener = logOpener;
        this.values = settings.load();
        this.model = new MainViewModel(service, executor, socket);
        this.containers = new ContainersViewModel(service, executor);
        this.browser = new CheckpointBrowserViewModel(service, executor, this.dialogs, Path.of(values.lastDir()));
        this.system = new SystemViewModel(service, executor);
    }

    /** Builds the scene on {@code stage} and connects to the helper. */
    public Scene show() {
        themes.apply();
        Parent view = Resources.load("main/MainView.fxml", this);
        Scene scene = new Scene(view, values.width(), values.height());
        scene.getStylesheets().add(Resources.stylesheet());
        installShortcuts(scene);
        installArchiveActions(scene);
        stage.setScene(scene);
        stage.setTitle("docker-checkpoint");
        stage.getIcons().setAll(Resources.icons());
        stage.focusedProperty().addListener((o, a, focused) -> {
            if (focused) {
                themes.recheckDesktop(executor, DesktopPreference::askAgain);
            }
        });
        stage.setOnHidden(e -> {
            settings.save(settings.load().withSize(stage.getWidth(), stage.getHeight()).withLastDir(values.lastDir()));
            containers.stop();
        });
        stage.show();
        connect();
        return scene;
    }

    @FXML
    private void initialize() {
        containersButton.setId("navContainers");
        checkpointsButton.setId("navCheckpoints");
        systemButton.setId("navSystem");
        Icons.on(containersButton, Icons.CONTAINERS);
        Icons.on(checkpointsButton, Icons.CHECKPOINTS);
        Icons.on(systemButton, Icons.SYSTEM);
        Icons.on(retryButton, Icons.REFRESH);
        root.setTop(menuBar());
        VBox center = new VBox(result, content);
        VBox.setVgrow(content, Priority.ALWAYS);
        VBox.setMargin(result, new javafx.geometry.Insets(8, 12, 0, 12));
        // the views give way to the banner and the status bar rather than push them out
        content.setMinHeight(0);
        center.setMinHeight(0);
        javafx.scene.shape.Rectangle clip = new javafx.scene.shape.Rectangle();
        clip.widthProperty().bind(content.widthProperty());
        clip.heightProperty().bind(content.heightProperty());
        content.setClip(clip);
        root.setCenter(center);
        browser.groups().addListener((javafx.collections.ListChangeListener<Object>) c -> containers
                .lastCheckpoints().refresh(dirChoices()));
        problemPane.setId("problemPane");
        problemTitle.setId("problemTitle");
        problemHint.setId("problemHint");
        retryButton.setId("retryButton");
        connectionLabel.setId("connectionStatus");
        versionsLabel.setId("versionsStatus");
        containersNode = new ContainersView(containers, row -> openCheckpointDialog(row.name()),
                row -> openRestoreDialog(row == null ? null : row.name(), null),
                row -> openMigrateDialog(row.name())).root();
        CheckpointBrowserView browserView = new CheckpointBrowserView(browser, dialogs,
                s -> openRestoreDialog(s.container(), s.name()),
                (s, log) -> logOpener.open(stage, browser.dirProperty().get(), s, log),
                s -> ContentsWindow.open(stage, service, executor, browser.dirProperty().get(), s));
        browserView.setArchiveActions(this::openExportDialog, () -> openImportDialog(null));
        browserNode = browserView.root();
        systemNode = new SystemView(system).root();
        content.getChildren().addAll(0, java.util.List.of(containersNode, browserNode, systemNode));
        nav.selectedToggleProperty().addListener((o, a, t) -> {
            if (t == null) {
                a.setSelected(true); // one view is always shown
                return;
            }
            showView(t);
        });
        showView(containersButton);
        connectionLabel.textProperty().bind(model.connectionProperty());
        model.connectedProperty().addListener((o, a, c) -> {
            if (c) {
                connectionLabel.getStyleClass().add("status-connected");
            } else {
                connectionLabel.getStyleClass().remove("status-connected");
            }
        });
        versionsLabel.textProperty().bind(model.versionsProperty());
        problemTitle.textProperty().bind(model.problemProperty());
        problemHint.textProperty().bind(model.problemHintProperty());
        problemPane.visibleProperty().bind(model.problemProperty().isNotEmpty());
        problemPane.managedProperty().bind(problemPane.visibleProperty());
        retryButton.setOnAction(e -> connect());
        enginePicker.setId("enginePicker");
        enginePicker.setItems(model.engines());
        enginePicker.setTooltip(new javafx.scene.control.Tooltip(
                "The Docker engines the helper serves (its configuration lists them)"));
        enginePane.visibleProperty().bind(javafx.beans.binding.Bindings.size(model.engines()).greaterThan(1));
        enginePane.managedProperty().bind(enginePane.visibleProperty());
        model.engineProperty().addListener((o, a, name) -> enginePicker.getSelectionModel().select(name));
        enginePicker.setOnAction(e -> {
            String picked = enginePicker.getSelectionModel().getSelectedItem();
            if (picked != null && !picked.equals(model.engineProperty().get())) {
                containers.stop();
                model.selectEngine(picked, this::connected);
            }
        });
    }

    /** View: the theme (Light, Dark, Follow the desktop), remembered in the settings. */
    private MenuBar menuBar() {
        Menu view = new Menu("_View");
        view.setId("viewMenu");
        javafx.scene.control.ToggleGroup group = new javafx.scene.control.ToggleGroup();
        for (ThemeChoice c : ThemeChoice.values()) {
            RadioMenuItem item = Icons.on(new RadioMenuItem(c.label()), switch (c) {
                case LIGHT -> Icons.LIGHT;
                case DARK -> Icons.DARK;
                case SYSTEM -> Icons.DESKTOP;
            });
            item.setId("theme" + c.name().charAt(0) + c.name().substring(1).toLowerCase(java.util.Locale.ROOT));
            item.setToggleGroup(group);
            item.setSelected(themes.choiceProperty().get() == c);
            item.setOnAction(e -> themes.choose(c));
            view.getItems().add(item);
        }
        MenuBar bar = new MenuBar(view);
        bar.setId("menuBar");
        return bar;
    }

    /** The result banner above the views. */
    public ResultBanner resultBanner() {
        return result;
    }

    /** The look of this window. */
    public Themes themes() {
        return themes;
    }

    /** A checkpoint ended well: its result stays above the views until dismissed, with its size once read. */
    private void showCheckpointResult(CheckpointResult r) {
        shownResult = r;
        String container = r.manifest().containerName();
        String name = r.manifest().checkpointName();
        Path base = r.dir().getParent().getParent();
        result.show(false, ResultBanner.checkpointTitle(r), ResultBanner.checkpointDetail(r, null),
                "In " + r.dir(), "Open",
                () -> {
                    checkpointsButton.setSelected(true);
                    browser.show(base, container, name);
                });
        executor.execute(() -> service.details(base, container, name), d -> {
            if (shownResult == r) {
                result.detail(ResultBanner.checkpointDetail(r, d));
            }
        }, e -> {
            if (shownResult == r) {
                result.detail(ResultBanner.checkpointDetail(r, null).replace("size: reading\u2026",
                        "size unknown"));
            }
        });
        notifier.operationEnded(ResultBanner.checkpointTitle(r), ResultBanner.checkpointDetail(r, null)
                .replace("  \u00b7  size: reading\u2026", ""), false);
    }

    private void showRestoreResult(RestoreResult r) {
        shownResult = r;
        String id = r.containerId() == null ? "" : r.containerId().substring(0, Math.min(12, r.containerId()
                .length()));
        result.show(!r.verification().passed(), ResultBanner.restoreTitle(r), "Container " + r.containerName()
                + (id.isEmpty() ? "" : " (id " + id + ")") + " is running", r.restoreLog() == null ? ""
                : "CRIU log: " + r.restoreLog(), "Show", () -> {
                    containersButton.setSelected(true);
                    containers.filterProperty().set("");
                    containers.allRows().stream().filter(row -> row.name().equals(r.containerName())).findFirst()
                            .ifPresent(row -> containers.selectedProperty().set(row));
                });
        notifier.operationEnded(ResultBanner.restoreTitle(r), "Container " + r.containerName(),
                !r.verification().passed());
    }

    private void showView(Object toggle) {
        containersNode.setVisible(toggle == containersButton);
        browserNode.setVisible(toggle == checkpointsButton);
        systemNode.setVisible(toggle == systemButton);
        if (toggle == checkpointsButton && model.connectedProperty().get()) {
            browser.refresh();
        }
    }

    private void connect() {
        model.connect(this::connected);
    }

    /** The helper answered (at first, or on another engine): everything shown is read again. */
    private void connected() {
        containers.start();
        containers.lastCheckpoints().refresh(dirChoices());
        browser.setDirChoices(dirChoices());
        browser.refresh();
        HelloInfo hello = model.helloProperty().get();
        containers.otherEnginesProperty().set(hello.engines().size() > 1);
        system.apply(hello.capabilities());
    }

    private void installShortcuts(Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN), () -> {
            var row = containers.selectedProperty().get();
            if (row != null) {
                openCheckpointDialog(row.name());
            }
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN),
                () -> openRestoreDialog(containers.selectedProperty().get() == null ? null
                        : containers.selectedProperty().get().name(), null));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN), () -> {
            var row = containers.selectedProperty().get();
            if (row != null && containers.canMigrateProperty().get()) {
                openMigrateDialog(row.name());
            }
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), () -> {
            containers.refresh();
            browser.refresh();
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN),
                () -> containersButton.setSelected(true));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT2, KeyCombination.SHORTCUT_DOWN),
                () -> checkpointsButton.setSelected(true));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN),
                () -> systemButton.setSelected(true));
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN), () -> {
            CheckpointSummary s = browser.selectedProperty().get();
            if (s != null) {
                logOpener.open(stage, browser.dirProperty().get(), s, "dump.log");
            }
        });
    }

    /** Ctrl+E exports the checkpoint selected in the browser, Ctrl+I imports; a file dropped on the window is imported. */
    private void installArchiveActions(Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN), () -> {
            CheckpointSummary s = browser.selectedProperty().get();
            if (s != null) {
                openExportDialog(s);
            }
        });
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN),
                () -> openImportDialog(null));
        ArchiveDrop.install(scene, file -> openImportDialog(file).start());
    }

    /** Opens the export dialog for {@code checkpoint} of the browser's directory; the file goes to the home folder. */
    public ExportDialog openExportDialog(CheckpointSummary checkpoint) {
        ExportDialogViewModel vm = new ExportDialogViewModel(service, executor, browser.dirProperty().get(), checkpoint,
                Path.of(System.getProperty("user.home")));
        ExportDialog dialog = new ExportDialog(vm, dialogs, r -> { });
        dialog.show(stage);
        return dialog;
    }

    /**
     * Opens the import dialog, into the browser's directory; with {@code file} (a dropped one) it is
     * filled in, and the caller may start at once.
     */
    public ImportDialog openImportDialog(Path file) {
        java.util.List<Path> choices = dirChoices();
        ImportDialogViewModel vm = new ImportDialogViewModel(service, executor,
                preferred(browser.dirProperty().get(), choices), choices);
        if (file != null) {
            vm.fileProperty().set(file.toString());
        }
        ImportDialog dialog = new ImportDialog(vm, dialogs, r -> {
            Path dir = Path.of(r.dir()).getParent().getParent();
            if (!dir.equals(browser.dirProperty().get())) {
                browser.dirProperty().set(dir);
            } else {
                browser.refresh();
            }
        });
        dialog.show(stage);
        return dialog;
    }

    /**
     * The base directories to offer: those the helper serves (the first is its default); an older
     * helper that does not say: the last one used.
     */
    private java.util.List<Path> dirChoices() {
        HelloInfo hello = model.helloProperty().get();
        java.util.List<Path> served = hello == null ? java.util.List.of() : hello.baseDirs().stream().map(Path::of)
                .toList();
        return served.isEmpty() ? java.util.List.of(Path.of(values.lastDir())) : served;
    }

    /** {@code wanted} when it is one of {@code choices}, else the first choice. */
    private static Path preferred(Path wanted, java.util.List<Path> choices) {
        return wanted != null && choices.contains(wanted) ? wanted : choices.getFirst();
    }

    /** Opens the checkpoint dialog for {@code container}, in the last directory used when the helper serves it. */
    public CheckpointDialog openCheckpointDialog(String container) {
        HelloInfo hello = model.helloProperty().get();
        java.util.List<Path> choices = dirChoices();
        CheckpointDialogViewModel vm = new CheckpointDialogViewModel(service, executor, container,
                preferred(Path.of(values.lastDir()), choices), choices, hello == null ? null : hello.capabilities());
        vm.expectLike(containers.lastCheckpoints().of(container));
        vm.progress().runningProperty().addListener((o, was, running) -> {
            if (was && !running && "failed".equals(vm.progress().phaseProperty().get())) {
                notifier.operationEnded("Checkpoint of " + container + " failed",
                        "docker-checkpoint shows why and what to do.", true);
            }
        });
        CheckpointDialog dialog = new CheckpointDialog(vm, dialogs, result -> {
            Path dir = result.dir().getParent().getParent();
            values = settings.load().withSize(stage.getWidth(), stage.getHeight()).withLastDir(dir.toString());
            settings.save(values);
            showCheckpointResult(result);
            if (!dir.equals(browser.dirProperty().get())) {
                browser.dirProperty().set(dir);
            } else {
                browser.refresh();
            }
            containers.refresh();
        });
        dialog.show(stage);
        return dialog;
    }

    /** Opens the restore dialog, preselecting {@code container}/{@code name} when given. */
    public RestoreDialog openRestoreDialog(String container, String name) {
        java.util.List<Path> choices = dirChoices();
        Path dir = preferred(browser.dirProperty().get(), choices);
        RestoreDialogViewModel vm = new RestoreDialogViewModel(service, executor, dir, choices, containers::names);
        vm.progress().runningProperty().addListener((o, was, running) -> {
            if (was && !running && "failed".equals(vm.progress().phaseProperty().get())) {
                notifier.operationEnded("Restore failed", "docker-checkpoint shows why and what to do.", true);
            }
        });
        RestoreDialog dialog = new RestoreDialog(vm, dialogs, result -> {
            showRestoreResult(result);
            containers.refresh();
            browser.refresh();
        });
        vm.load(container, name);
        dialog.show(stage);
        return dialog;
    }

    /**
     * Opens the migrate dialog for {@code container}, a running container of the engine shown, with
     * the helper's other engines as targets; the checkpoint goes on the way to the last directory
     * used when the helper serves it.
     */
    public MigrateDialog openMigrateDialog(String container) {
        HelloInfo hello = model.helloProperty().get();
        MigrateDialogViewModel vm = new MigrateDialogViewModel(service, executor, container,
                model.engineProperty().get() != null ? model.engineProperty().get() : hello == null ? null
                        : hello.engine(), hello == null ? java.util.List.of() : hello.engines(),
                preferred(Path.of(values.lastDir()), dirChoices()));
        MigrateDialog dialog = new MigrateDialog(vm, result -> containers.refresh(), this::showEngine);
        dialog.show(stage);
        return dialog;
    }

    /** Switches the window to the helper's engine {@code name}, selecting {@code container} there. */
    public void showEngine(String name, String container) {
        if (name == null || name.equals(model.engineProperty().get())) {
            return;
        }
        containers.stop();
        model.selectEngine(name, () -> {
            if (container != null) {
                containers.selectWhenListed(container);
            }
            connected();
        });
    }

    public ContainersViewModel containers() {
        return containers;
    }

    public CheckpointBrowserViewModel browser() {
        return browser;
    }

    public MainViewModel model() {
        return model;
    }
}
