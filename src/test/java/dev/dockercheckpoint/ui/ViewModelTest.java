package dev.dockercheckpoint.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.ui.browser.CheckpointBrowserViewModel;
import dev.dockercheckpoint.ui.checkpoint.CheckpointDialogViewModel;
import dev.dockercheckpoint.ui.containers.ContainersViewModel;
import dev.dockercheckpoint.ui.main.MainViewModel;
import dev.dockercheckpoint.ui.restore.RestoreDialogViewModel;
import dev.dockercheckpoint.ui.services.DialogService;
import dev.dockercheckpoint.ui.services.TaskExecutor;
import dev.dockercheckpoint.ui.system.SystemViewModel;
import dev.dockercheckpoint.ui.verify.VerificationViewModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** View-model logic with a recording service, on the calling thread. */
class ViewModelTest {
    private final FakeCheckpointService service = new FakeCheckpointService();
    private final TaskExecutor now = TaskExecutor.currentThread();

    static final class RecordingDialogs implements DialogService {
        final List<String> errors = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> clipboard = new ArrayList<>();
        boolean answer = true;
        int questions;

        @Override
        public void showError(String title, Throwable error) {
            errors.add(title + ": " + error.getMessage());
        }

        @Override
        public boolean confirm(String title, String question) {
            questions++;
            return answer;
        }

        @Override
        public void notify(String text) {
            notes.add(text);
        }

        @Override
        public Optional<Path> chooseDirectory(String title, Path initial) {
            return Optional.empty();
        }

        @Override
        public void copyToClipboard(String text) {
            clipboard.add(text);
        }
    }

    private CheckpointDialogViewModel checkpointVm() {
        return new CheckpointDialogViewModel(service, now, "web", Path.of("/tmp/docker-checkpoints"),
                service.report());
    }

    @Test
    void checkpointDialogDefaultsAreTheSeeds() {
        CheckpointDialogViewModel vm = checkpointVm();
        assertEquals("checkpoint1", vm.nameProperty().get());
        assertEquals("/tmp/docker-checkpoints", vm.dirProperty().get());
        assertEquals(new CheckpointRequest("web", "checkpoint1", Path.of("/tmp/docker-checkpoints"),
                new CheckpointOptions(true, true, true, false)), vm.toRequest());
        assertTrue(vm.validProperty().get());
    }

    @Test
    void nameIsValidatedAsTypedWithTheReason() {
        CheckpointDialogViewModel vm = checkpointVm();
        vm.nameProperty().set("a/b");
        assertEquals("The checkpoint name contains '/'.", vm.nameErrorProperty().get());
        assertFalse(vm.validProperty().get());
        vm.nameProperty().set("");
        assertEquals("The checkpoint name is empty.", vm.nameErrorProperty().get());
        vm.nameProperty().set("-x");
        assertTrue(vm.nameErrorProperty().get().contains("starts with '-'"));
        vm.nameProperty().set("x".repeat(129));
        assertTrue(vm.nameErrorProperty().get().contains("longer than 128"));
        vm.nameProperty().set("nightly.v2");
        assertEquals("", vm.nameErrorProperty().get());
        assertTrue(vm.validProperty().get());
        vm.dirProperty().set("relative");
        assertFalse(vm.validProperty().get());
        assertTrue(vm.dirErrorProperty().get().contains("absolute"));
    }

    @Test
    void everyOptionMapsToTheRequest() {
        CheckpointDialogViewModel vm = checkpointVm();
        vm.leaveRunningProperty().set(false);
        assertEquals(new CheckpointOptions(false, true, true, false), vm.toRequest().options());
        vm.tcpProperty().set(false);
        assertEquals(new CheckpointOptions(false, false, true, false), vm.toRequest().options());
        vm.fileLocksProperty().set(false);
        assertEquals(new CheckpointOptions(false, false, false, false), vm.toRequest().options());
    }

    @Test
    void preDumpIsDisabledWithTheReasonWhenTheKernelCannot() {
        CheckpointDialogViewModel vm = checkpointVm();
        assertFalse(vm.preDumpAvailableProperty().get());
        assertTrue(vm.preDumpReasonProperty().get().contains("CONFIG_MEM_SOFT_DIRTY"));
        vm.preDumpProperty().set(true);
        assertFalse(vm.toRequest().options().preDump(), "never requested when unsupported");

        service.dirtyTracking = true;
        CheckpointDialogViewModel capable = checkpointVm();
        assertTrue(capable.preDumpAvailableProperty().get());
        capable.preDumpProperty().set(true);
        assertTrue(capable.toRequest().options().preDump());
    }

    @Test
    void checkpointRunsWithProgressAndLogTailThenReportsDone() {
        CheckpointDialogViewModel vm = checkpointVm();
        vm.nameProperty().set("cp7");
        AtomicReference<Object> done = new AtomicReference<>();
        vm.start(done::set, e -> done.set(e));
        assertNotNull(done.get());
        assertEquals(1, service.checkpoints.size());
        assertEquals("cp7", service.checkpoints.getFirst().name());
        assertEquals(1.0, vm.progress().progressProperty().get());
        assertEquals(List.of("(00.000000) Version: 4.2.1", "(00.200000) Dumping finished successfully"), vm.logTail());
        assertFalse(vm.progress().runningProperty().get());
    }

    @Test
    void checkpointFailureIsReported() {
        service.checkpointFailure = new DcpException(ErrorCode.CRIU_FAILED, "CRIU could not checkpoint", "use -tcp");
        CheckpointDialogViewModel vm = checkpointVm();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        vm.start(r -> { }, failed::set);
        assertEquals("CRIU could not checkpoint", failed.get().getMessage());
        assertEquals("failed", vm.progress().phaseProperty().get());
        assertTrue(vm.validProperty().get(), "can be retried");
    }

    @Test
    void restoreDialogDefaultsAndFlagsANameInUse() {
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        service.stored.add(FakeCheckpointService.stored("db", "nightly"));
        RestoreDialogViewModel vm = new RestoreDialogViewModel(service, now, Path.of("/tmp/docker-checkpoints"),
                () -> List.of("web", "web-restored", "db"));
        vm.load("db", "nightly");
        assertEquals("db", vm.selectedProperty().get().container());
        assertEquals("db-restored", vm.newNameProperty().get());
        assertTrue(vm.validProperty().get());
        vm.selectedProperty().set(service.stored.getFirst());
        assertEquals("web-restored", vm.newNameProperty().get(), "default follows the chosen checkpoint");
        assertTrue(vm.nameErrorProperty().get().contains("already exists"));
        assertFalse(vm.validProperty().get());
        vm.newNameProperty().set("web 2");
        assertTrue(vm.nameErrorProperty().get().contains("a space"));
        vm.newNameProperty().set("web2");
        vm.nameEditedByUser();
        assertTrue(vm.validProperty().get());
        vm.selectedProperty().set(service.stored.get(1));
        assertEquals("web2", vm.newNameProperty().get(), "a typed name is kept");
    }

    private static final Path TMP = Path.of("/tmp/docker-checkpoints");
    private static final Path VAR = Path.of("/var/lib/docker-checkpoint/checkpoints");

    @Test
    void checkpointDialogOffersTheHelpersDirectoriesOnly() {
        CheckpointDialogViewModel vm = new CheckpointDialogViewModel(service, now, "web", VAR, List.of(TMP, VAR),
                service.report());
        assertEquals(List.of(TMP.toString(), VAR.toString()), vm.dirChoices());
        assertEquals(VAR.toString(), vm.dirProperty().get());
        assertTrue(vm.validProperty().get());
        vm.dirProperty().set("/srv/elsewhere");
        assertEquals("The helper serves only /tmp/docker-checkpoints, /var/lib/docker-checkpoint/checkpoints.",
                vm.dirErrorProperty().get());
        assertFalse(vm.validProperty().get());
        vm.dirProperty().set(TMP.toString());
        assertTrue(vm.validProperty().get());
        assertEquals(TMP, vm.toRequest().baseDir());
    }

    @Test
    void restoreDialogListsTheCheckpointsOfTheChosenDirectory() {
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        service.stored.add(new dev.dockercheckpoint.core.CheckpointSummary("web", "nightly", VAR.resolve("web/nightly"),
                java.time.Instant.parse("2026-11-28T11:00:00Z"), 1000, CheckpointOptions.defaults(), 10.0));
        RestoreDialogViewModel vm = new RestoreDialogViewModel(service, now, TMP, List.of(TMP, VAR), List::of);
        vm.load("web", null);
        assertEquals(List.of("cp1"), vm.checkpoints().stream().map(c -> c.name()).toList());
        vm.dirProperty().set(VAR);
        assertEquals(List.of("nightly"), vm.checkpoints().stream().map(c -> c.name()).toList());
        assertEquals("nightly", vm.selectedProperty().get().name(), "the container asked for is chosen again");
        assertEquals(VAR, vm.toRequest().baseDir());
        assertEquals(List.of(TMP, VAR), vm.dirChoices());
    }

    @Test
    void browserTakesTheHelpersDirectoriesAndShowsTheFirstWhenItsOwnIsNotServed() {
        CheckpointBrowserViewModel vm = new CheckpointBrowserViewModel(service, now, new RecordingDialogs(),
                Path.of("/srv/old"));
        vm.setDirChoices(List.of(TMP, VAR));
        assertEquals(TMP, vm.dirProperty().get());
        assertEquals(List.of(TMP, VAR), vm.dirChoices());
        vm.dirProperty().set(VAR);
        vm.setDirChoices(List.of(TMP, VAR));
        assertEquals(VAR, vm.dirProperty().get(), "a served directory stays chosen");
        vm.setDirChoices(List.of());
        assertEquals(List.of(TMP, VAR), vm.dirChoices(), "an older helper that names none changes nothing");
    }

    @Test
    void restoreFeedsTheVerificationPanelStepByStep() {
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        RestoreDialogViewModel vm = new RestoreDialogViewModel(service, now, Path.of("/tmp/docker-checkpoints"),
                List::of);
        vm.load("web", "cp1");
        List<String> seen = new ArrayList<>();
        vm.verification().steps().addListener((javafx.collections.ListChangeListener<VerificationViewModel.Step>)
                c -> {
                    while (c.next()) {
                        c.getAddedSubList().stream().filter(s -> s.state() == VerificationViewModel.State.PASSED)
                                .forEach(s -> seen.add(s.name()));
                    }
                });
        vm.start(r -> { }, e -> { });
        assertEquals(VerificationViewModel.CHECKS, seen, "each check turns green in order");
        assertEquals("done: CRIU restored the processes in 238.1 ms", vm.progress().phaseProperty().get());
        assertEquals(VerificationViewModel.Verdict.PASSED, vm.verification().verdictProperty().get());
        assertEquals("web-restored", service.restores.getFirst().newName());
    }

    @Test
    void failedCheckShowsWhyAndRunAgainReverifies() {
        service.verificationPasses = false;
        VerificationViewModel vm = new VerificationViewModel(service, now);
        vm.reset("web-restored");
        vm.runAgain();
        assertEquals(VerificationViewModel.Verdict.FAILED, vm.verdictProperty().get());
        assertEquals(VerificationViewModel.State.FAILED, vm.steps().get(1).state());
        assertEquals("PID 0 does not exist", vm.steps().get(1).detail());
        assertTrue(vm.summaryProperty().get().startsWith("1 of 5 checks failed"));
        service.verificationPasses = true;
        vm.runAgain();
        assertEquals(VerificationViewModel.Verdict.PASSED, vm.verdictProperty().get());
    }

    @Test
    void containerListFiltersAndFollowsEvents() {
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "running"),
                FakeCheckpointService.container("db", "exited")));
        ContainersViewModel vm = new ContainersViewModel(service, now);
        vm.start();
        assertEquals(2, vm.rows().size());
        assertEquals("2 containers, 1 running", vm.statusProperty().get());
        vm.filterProperty().set("WE");
        assertEquals(List.of("web"), vm.rows().stream().map(ContainersViewModel.Row::name).toList());
        vm.filterProperty().set("exited");
        assertEquals(List.of("db"), vm.rows().stream().map(ContainersViewModel.Row::name).toList());
        vm.filterProperty().set("");
        vm.selectedProperty().set(vm.rows().getFirst());
        service.containers = new ArrayList<>(List.of(FakeCheckpointService.container("web", "exited"),
                FakeCheckpointService.container("db", "exited"), FakeCheckpointService.container("cache", "running")));
        service.fire("cache");
        assertEquals(3, vm.rows().size());
        assertEquals("web", vm.selectedProperty().get().name(), "selection survives a refresh");
        assertEquals("exited", vm.selectedProperty().get().state());
    }

    @Test
    void browserGroupsDescribesAndDeletesOnlyAfterConfirmation() {
        service.stored.add(FakeCheckpointService.stored("web", "cp1"));
        service.stored.add(FakeCheckpointService.stored("web", "cp2"));
        service.stored.add(FakeCheckpointService.stored("db", "nightly"));
        RecordingDialogs dialogs = new RecordingDialogs();
        CheckpointBrowserViewModel vm = new CheckpointBrowserViewModel(service, now, dialogs,
                Path.of("/tmp/docker-checkpoints"));
        vm.refresh();
        assertEquals(List.of("web", "db"), vm.groups().stream().map(java.util.Map.Entry::getKey).toList());
        assertEquals(2, vm.groups().getFirst().getValue().size());
        vm.selectedProperty().set(service.stored.getFirst());
        assertNotNull(vm.detailsProperty().get());
        var rows = CheckpointBrowserViewModel.describe(vm.detailsProperty().get());
        assertTrue(rows.stream().anyMatch(r -> r.getKey().equals("Options")));
        assertTrue(rows.stream().anyMatch(r -> r.getKey().equals("Versions") && r.getValue().contains("CRIU")));

        dialogs.answer = false;
        vm.deleteSelected();
        assertEquals(1, dialogs.questions);
        assertTrue(service.deleted.isEmpty(), "not deleted without confirmation");
        dialogs.answer = true;
        vm.deleteSelected();
        assertEquals(List.of("web/cp1"), service.deleted);
        assertEquals(2, service.stored.size());
        assertNull(vm.selectedProperty().get());
        vm.selectedProperty().set(service.stored.getFirst());
        vm.copySelectedPath();
        assertEquals(List.of("/tmp/docker-checkpoints/web/cp2"), dialogs.clipboard);
    }

    @Test
    void mainSaysWhatToDoWhenTheHelperIsAbsentOrRefuses() {
        service.helloFailure = new DcpException(ErrorCode.HELPER_UNAVAILABLE, "helper not running",
                "start it with: sudo systemctl start docker-checkpoint.socket");
        MainViewModel vm = new MainViewModel(service, now, Path.of("/run/docker-checkpoint/helper.sock"));
        List<String> connected = new ArrayList<>();
        vm.connect(() -> connected.add("yes"));
        assertFalse(vm.connectedProperty().get());
        assertTrue(vm.problemProperty().get().contains("not running"));
        assertTrue(vm.problemHintProperty().get().contains("systemctl start docker-checkpoint.socket"));
        service.helloFailure = new DcpException(ErrorCode.PERMISSION_DENIED, "not allowed",
                "add your user to group docker");
        vm.connect(() -> connected.add("yes"));
        assertTrue(vm.problemProperty().get().startsWith("Not allowed"));
        assertTrue(vm.problemHintProperty().get().contains("group docker"));
        service.helloFailure = null;
        vm.connect(() -> connected.add("yes"));
        assertTrue(vm.connectedProperty().get());
        assertEquals("", vm.problemProperty().get());
        assertEquals(List.of("yes"), connected);
        assertEquals("Docker 20.10.24 (API 1.41)  |  CRIU 4.2.1", vm.versionsProperty().get());
    }

    @Test
    void systemSummarySaysWhetherTheHostCanWork() {
        SystemViewModel vm = new SystemViewModel(service, now);
        vm.refresh();
        assertEquals(3, vm.items().size());
        assertEquals("This host can checkpoint and restore containers (without pre-dump), with 1 warning: see below.",
                vm.summaryProperty().get());
        service.dirtyTracking = true;
        vm.refresh();
        assertTrue(vm.summaryProperty().get().startsWith("All checks passed"));
        vm.apply(new DoctorReport(List.of(
                new DoctorReport.Item("docker", "Docker engine reachable", true, "Docker 29.0", ""),
                DoctorReport.Item.warnUnless(false, "cap-sys-resource", "CAP_SYS_RESOURCE in root's bounding set",
                        "root lacks CAP_SYS_RESOURCE", "run container processes as root"))));
        assertEquals("This host can checkpoint and restore containers, with 1 warning: see below.",
                vm.summaryProperty().get());
        vm.apply(new DoctorReport(List.of(new DoctorReport.Item("docker", "Docker engine reachable", false, "no", "start"),
                DoctorReport.Item.warnUnless(false, "mem-dirty-track", "Memory dirty tracking", "missing", "kernel"))));
        assertEquals("1 check failed: see the fixes below.", vm.summaryProperty().get());
    }
}
