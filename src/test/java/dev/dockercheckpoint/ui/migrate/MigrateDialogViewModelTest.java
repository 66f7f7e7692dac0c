package dev.dockercheckpoint.ui.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.FakeCheckpointService;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.Stage;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.StageState;
import dev.dockercheckpoint.ui.migrate.MigrateDialogViewModel.Status;
import dev.dockercheckpoint.ui.services.CheckpointService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The migrate dialog's logic without a window: the targets, the stages as the helper's phases arrive, the texts. */
class MigrateDialogViewModelTest {
    private static final List<HelloInfo.EngineInfo> ENGINES = List.of(
            new HelloInfo.EngineInfo("system", "unix:///var/run/docker.sock"),
            new HelloInfo.EngineInfo("current", "unix:///run/dcp-engine2/docker.sock"),
            new HelloInfo.EngineInfo("netns", "unix:///run/dcp-netns/docker.sock"));

    @Test
    void theTargetsAreTheHelpersOtherEnginesAndTheSentenceNamesThePickedOne() {
        var vm = new MigrateDialogViewModel(new FakeCheckpointService(), TaskExecutor.currentThread(), "web", "current",
                ENGINES, Path.of("/srv/checkpoints"));
        assertEquals(List.of("system", "netns"), vm.targets().stream().map(HelloInfo.EngineInfo::name).toList());
        assertEquals("current (unix:///run/dcp-engine2/docker.sock)", vm.sourceProperty().get());
        assertTrue(vm.explanationProperty().get().contains("until its copy runs on system;"));
        vm.targetProperty().set(vm.targets().get(1));
        assertTrue(vm.explanationProperty().get().contains("until its copy runs on netns;"));
        assertEquals(Path.of("/srv/checkpoints"), vm.toRequest().baseDir());
        assertEquals("web", vm.toRequest().copyName(), "no new name: the same");
        vm.newNameProperty().set("  web2 ");
        assertEquals("web2", vm.toRequest().copyName());
        assertTrue(vm.toRequest().options().leaveRunning(), "the original stays (frozen) until its copy runs");
    }

    @Test
    void withoutAnotherEngineNothingCanStart() {
        var vm = new MigrateDialogViewModel(new FakeCheckpointService(), TaskExecutor.currentThread(), "web", "system",
                ENGINES.subList(0, 1), Path.of("/srv/checkpoints"));
        assertTrue(vm.targets().isEmpty());
        assertFalse(vm.validProperty().get());
        assertEquals("The helper serves no other engine to migrate to.", vm.explanationProperty().get());
    }

    /**
     * The phases the helper sends for a migration between two of its engines (engine/Migration
     * with the checkpointer's and the restorer's phases scaled into it), and the stage each marks.
     */
    private static final Object[][] PHASES = {
        {"checking current", 0.01, Stage.DUMP}, {"copying image dcp-busybox from unix:///x", 0.011, Stage.DUMP},
        {"inspecting container", 0.028, Stage.DUMP}, {"freezing the container", 0.058, Stage.DUMP},
        {"saving the writable layer (container frozen)", 0.096, Stage.DUMP}, {"dumping with CRIU", 0.134, Stage.DUMP},
        {"writing container.json", 0.362, Stage.DUMP}, {"reading checkpoint", 0.41, Stage.TRANSFER},
        {"creating container web", 0.452, Stage.TRANSFER}, {"applying filesystem changes", 0.53, Stage.TRANSFER},
        {"handing the images to Docker", 0.608, Stage.TRANSFER}, {"restoring with CRIU", 0.66, Stage.RESTORE},
        // reported late, from an earlier stage: the marker does not move back
        {"writing container.json", 0.362, Stage.RESTORE},
        {"verifying", 0.816, Stage.VERIFY}, {"confirming the copy on current", 0.93, Stage.VERIFY},
        {"removing the original (frozen)", 0.95, Stage.VERIFY},
    };

    @Test
    void eachPhaseOfTheHelpersMigrationMarksItsStageAndTheMarkerOnlyMovesOn() {
        List<List<StageState>> seen = new ArrayList<>();
        MigrateDialogViewModel[] vm = new MigrateDialogViewModel[1];
        // a service that knows migrate only: it reports the phases, then fails
        CheckpointService service = (CheckpointService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CheckpointService.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("migrate")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    ProgressListener listener = (ProgressListener) args[2];
                    for (Object[] p : PHASES) {
                        listener.phase((String) p[0], (double) p[1]);
                        seen.add(Arrays.stream(Stage.values()).map(s -> vm[0].stageProperty(s).get()).toList());
                    }
                    throw new IllegalStateException("stops here");
                });
        vm[0] = new MigrateDialogViewModel(service, TaskExecutor.currentThread(), "web", "system", ENGINES,
                Path.of("/srv/checkpoints"));
        vm[0].start(r -> { });
        for (int i = 0; i < PHASES.length; i++) {
            Stage active = (Stage) PHASES[i][2];
            List<StageState> states = seen.get(i);
            for (Stage s : Stage.values()) {
                StageState expected = s.ordinal() < active.ordinal() ? StageState.DONE
                        : s == active ? StageState.ACTIVE : StageState.PENDING;
                assertEquals(expected, states.get(s.ordinal()), PHASES[i][0] + ": " + s);
            }
        }
        assertEquals(Status.FAILED, vm[0].statusProperty().get());
        assertEquals(StageState.FAILED, vm[0].stageProperty(Stage.VERIFY).get(), "the stage it failed in");
        assertEquals("The migration failed.", vm[0].errorTitleProperty().get());
        assertEquals("Stops here.", vm[0].errorMessageProperty().get());
        assertEquals("", vm[0].errorHintProperty().get());
        assertTrue(vm[0].validProperty().get(), "it may be tried again");
    }

    @Test
    void durationsAndSentences() {
        assertEquals("812 ms", MigrateDialogViewModel.millis(812));
        assertEquals("1.00 s", MigrateDialogViewModel.millis(1000));
        assertEquals("12.35 s", MigrateDialogViewModel.millis(12_345));
        assertEquals("A container named web exists.", MigrateDialogViewModel.sentence("a container named web exists"));
        assertEquals("Run it again.", MigrateDialogViewModel.sentence("Run it again."));
        assertEquals("", MigrateDialogViewModel.sentence(" "));
    }
}
