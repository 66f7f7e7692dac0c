package dev.dockercheckpoint.ui;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.CheckResult;
import dev.dockercheckpoint.core.CheckpointDetails;
import dev.dockercheckpoint.core.CheckpointOptions;
import dev.dockercheckpoint.core.CheckpointRequest;
import dev.dockercheckpoint.core.CheckpointResult;
import dev.dockercheckpoint.core.CheckpointSummary;
import dev.dockercheckpoint.core.ContainerSummary;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.RestoreRequest;
import dev.dockercheckpoint.core.RestoreResult;
import dev.dockercheckpoint.core.VerificationReport;
import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.core.ManifestFixtures;
import dev.dockercheckpoint.protocol.HelloInfo;
import dev.dockercheckpoint.ui.services.CheckpointService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A recording stand-in for the helper, for tests of view-model logic and of the views' behaviour.
 * (The real helper, Docker and CRIU are exercised by the end-to-end GUI test.)
 */
public final class FakeCheckpointService implements CheckpointService {
    public final List<CheckpointRequest> checkpoints = new CopyOnWriteArrayList<>();
    public final List<RestoreRequest> restores = new CopyOnWriteArrayList<>();
    public final List<String> deleted = new CopyOnWriteArrayList<>();
    public final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
    public volatile List<ContainerSummary> containers = new ArrayList<>();
    public volatile List<CheckpointSummary> stored = new ArrayList<>();
    public volatile boolean dirtyTracking = false;
    public volatile DcpException helloFailure;
    public volatile DcpException checkpointFailure;
    public volatile boolean verificationPasses = true;
    /** Each migration asked for: the request and the engine it was to go to. */
    public record Migration(dev.dockercheckpoint.core.MigrationRequest request, String to) {
    }

    public final List<Migration> migrations = new CopyOnWriteArrayList<>();
    public volatile DcpException migrationFailure;
    /** When set, a migration waits at its restore until this opens, or until it is cancelled. */
    public volatile java.util.concurrent.CountDownLatch migrationGate;
    /** Opens once a migration waits at its gate. */
    public final java.util.concurrent.CountDownLatch migrationWaiting = new java.util.concurrent.CountDownLatch(1);
    /** The base directories the fake helper serves. */
    public volatile List<String> baseDirs = List.of("/tmp/docker-checkpoints", "/var/lib/docker-checkpoint/checkpoints");
    public volatile List<HelloInfo.EngineInfo> engines = List.of(new HelloInfo.EngineInfo("default",
            "unix:///var/run/docker.sock"));
    public volatile String selectedEngine = "default";
    /** The containers of the engine called "second", when it is picked (null: the same as the default's). */
    public volatile List<ContainerSummary> secondContainers;

    public static ContainerSummary container(String name, String state) {
        return new ContainerSummary(Integer.toHexString(name.hashCode()) + "0123456789abcdef", name, "dcp-busybox",
                state, "running".equals(state) ? "Up 5 minutes" : "Exited (0)", Instant.now().minusSeconds(300));
    }

    public static CheckpointSummary stored(String container, String name) {
        return new CheckpointSummary(container, name, Path.of("/tmp/docker-checkpoints", container, name),
                Instant.parse("2026-11-28T10:00:00Z"), 250_000, CheckpointOptions.defaults(), 120.5);
    }

    public DoctorReport report() {
        return new DoctorReport(List.of(
                new DoctorReport.Item("docker", "Docker engine reachable", true,
                        "Docker 20.10.24 (API 1.41) at unix:///var/run/docker.sock", ""),
                new DoctorReport.Item("criu", "CRIU 4.2 or newer", true, "/usr/sbin/criu 4.2.1", ""),
                DoctorReport.Item.warnUnless(dirtyTracking, "mem-dirty-track", "Memory dirty tracking (pre-dump)",
                        dirtyTracking ? "available" : "missing: the kernel lacks CONFIG_MEM_SOFT_DIRTY",
                        "use a kernel with CONFIG_MEM_SOFT_DIRTY=y")));
    }

    @Override
    public void selectEngine(String name) {
        if (engines.stream().noneMatch(e -> e.name().equals(name))) {
            helloFailure = new dev.dockercheckpoint.core.DcpException(dev.dockercheckpoint.core.ErrorCode.INVALID_INPUT,
                    "the helper serves no engine called " + name, "pick one it serves");
            return;
        }
        selectedEngine = name;
    }

    @Override
    public HelloInfo hello() {
        if (helloFailure != null) {
            throw helloFailure;
        }
        return new HelloInfo(1, "test", "alice", report(), baseDirs, engines, selectedEngine);
    }

    @Override
    public List<ContainerSummary> listContainers(boolean all) {
        List<ContainerSummary> listed = "second".equals(selectedEngine) && secondContainers != null
                ? secondContainers : containers;
        return all ? listed : listed.stream().filter(c -> "running".equals(c.state())).toList();
    }

    @Override
    public AutoCloseable subscribe(Consumer<String> onChange) {
        subscribers.add(onChange);
        return () -> subscribers.remove(onChange);
    }

    /** Simulates a Docker event. */
    public void fire(String name) {
        subscribers.forEach(s -> s.accept(name));
    }

    @Override
    public CheckpointResult checkpoint(CheckpointRequest request, ProgressListener listener) {
        checkpoints.add(request);
        listener.phase("inspecting container", 0.02);
        listener.phase("dumping with CRIU", 0.1);
        listener.logLine("(00.000000) Version: 4.2.1");
        listener.logLine("(00.200000) Dumping finished successfully");
        if (checkpointFailure != null) {
            throw checkpointFailure;
        }
        listener.phase("done", 1.0);
        Manifest m = ManifestFixtures.fullManifest();
        Manifest renamed = new Manifest(m.formatVersion(), request.name(), request.container(), m.containerId(),
                Instant.now(), m.spec(), request.options(), m.timingsMillis(), m.versions(), m.filesystem(), null,
                m.dumpStats());
        stored.add(new CheckpointSummary(request.container(), request.name(), request.baseDir().resolve(
                request.container()).resolve(request.name()), Instant.now(), 1000, request.options()));
        return new CheckpointResult(request.baseDir().resolve(request.container()).resolve(request.name()), renamed);
    }

    @Override
    public RestoreResult restore(RestoreRequest request, ProgressListener listener) {
        restores.add(request);
        listener.phase("restoring with CRIU", 0.5);
        listener.phase("verifying", 0.8);
        VerificationReport report = verify(request.newName(), listener);
        return new RestoreResult(request.newName(), "f".repeat(64), null, Map.of("total", 300L), report,
                new dev.dockercheckpoint.core.criulog.CriuStats("restore", null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, 390L, 238_115L, null, null, 81L));
    }

    /**
     * As the helper's migration reports it: the phases of the dump on the source, then of the
     * restore on the target, the copy's checks; the container moves from the current engine's
     * list to the target's ("second": {@link #secondContainers}).
     */
    @Override
    public dev.dockercheckpoint.core.MigrationResult migrate(dev.dockercheckpoint.core.MigrationRequest request,
            String to, ProgressListener listener) {
        migrations.add(new Migration(request, to));
        listener.phase("checking " + to, 0.01);
        listener.phase("inspecting container", 0.028);
        listener.phase("freezing the container", 0.058);
        listener.phase("dumping with CRIU", 0.134);
        listener.phase("writing container.json", 0.362);
        listener.phase("reading checkpoint", 0.41);
        listener.phase("creating container " + request.copyName(), 0.452);
        listener.phase("handing the images to Docker", 0.608);
        listener.phase("restoring with CRIU", 0.66);
        java.util.concurrent.CountDownLatch gate = migrationGate;
        if (gate != null) {
            migrationWaiting.countDown();
            try {
                while (!gate.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (listener.isCancelled()) {
                        throw new DcpException(ErrorCode.CANCELLED, "cancelled; " + request.container()
                                + " was thawed and runs on, nothing was left on " + to,
                                "nothing was kept; run it again when ready");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DcpException(ErrorCode.CANCELLED, "interrupted", "run it again");
            }
        }
        if (migrationFailure != null) {
            throw migrationFailure;
        }
        listener.phase("verifying", 0.816);
        VerificationReport report = verify(request.copyName(), listener);
        listener.phase("confirming the copy on " + to, 0.93);
        listener.phase("removing the original (frozen)", 0.95);
        listener.phase("done", 1.0);
        ContainerSummary moved = containers.stream().filter(c -> c.name().equals(request.container())).findFirst()
                .orElseThrow();
        containers = new ArrayList<>(containers.stream().filter(c -> c != moved).toList());
        if ("second".equals(to)) {
            List<ContainerSummary> there = new ArrayList<>(secondContainers == null ? List.of() : secondContainers);
            there.add(container(request.copyName(), "running"));
            secondContainers = there;
        }
        return new dev.dockercheckpoint.core.MigrationResult(request.container(), "unix:///var/run/docker.sock", to,
                request.copyName(), "c0ffee".repeat(10) + "abcd", 1243.6, Map.of(
                        dev.dockercheckpoint.core.MigrationResult.DUMP, 402L,
                        dev.dockercheckpoint.core.MigrationResult.TRANSFER, 31L,
                        dev.dockercheckpoint.core.MigrationResult.RESTORE, 811L,
                        dev.dockercheckpoint.core.MigrationResult.VERIFY, 214L), 1521, report, null);
    }

    @Override
    public VerificationReport verify(String container, ProgressListener listener) {
        List<CheckResult> checks = new ArrayList<>();
        String[] names = {"Container status", "Process running", "Docker API responds", "Logs available",
            "Stats produced"};
        for (int i = 0; i < names.length; i++) {
            boolean pass = verificationPasses || i != 1;
            CheckResult r = new CheckResult(names[i], pass, pass ? "ok " + i : "PID 0 does not exist",
                    Duration.ofMillis(3 + i));
            listener.check(r);
            checks.add(r);
        }
        return new VerificationReport(container, checks);
    }

    @Override
    public List<CheckpointSummary> listCheckpoints(Path dir) {
        return Collections.unmodifiableList(new ArrayList<>(stored.stream()
                .filter(s -> dir == null || s.dir().startsWith(dir)).toList()));
    }

    @Override
    public CheckpointDetails details(Path dir, String container, String name) {
        CheckpointSummary s = stored.stream().filter(c -> c.container().equals(container) && c.name().equals(name))
                .findFirst().orElseThrow(() -> new DcpException(ErrorCode.CHECKPOINT_NOT_FOUND, "not found", "list"));
        return new CheckpointDetails(s, ManifestFixtures.fullManifest(), List.of(
                new CheckpointDetails.FileEntry("container.json", 1500),
                new CheckpointDetails.FileEntry("dump.log", 70_000),
                new CheckpointDetails.FileEntry("pages-1.img", 73_728)));
    }

    @Override
    public LogPage readLog(Path dir, String container, String name, String log, long offset, int maxLines) {
        List<String> lines = List.of("(00.000001) Version: 4.2.1", "(00.100000) Error (criu/x.c:1): bad thing");
        return new LogPage(log, offset, offset == 0 ? lines : List.of(), offset == 0 ? 60 : offset, true, 60);
    }

    @Override
    public LogReport diagnose(Path dir, String container, String name, String log) {
        try {
            return LogReport.of(CriuLogAnalyzer.analyze(Path.of("src/test/resources/criulogs/dump-tcp-without-flag.log")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public dev.dockercheckpoint.core.CheckpointContents inspect(Path dir, String container, String name) {
        return new dev.dockercheckpoint.core.CheckpointContents(container, name, List.of(
                new dev.dockercheckpoint.core.CheckpointContents.Process(1, 0, "sh", 1, 18, 18 * 4096,
                        List.of("0: /dev/null", "1: pipe[1]")),
                new dev.dockercheckpoint.core.CheckpointContents.Process(8, 1, "sleep", 1, 16, 16 * 4096,
                        List.of("0: /dev/null"))), ManifestFixtures.fullManifest().dumpStats());
    }

    /** The checkpoints whose integrity was checked, as container/name. */
    public final List<String> integrityChecks = new CopyOnWriteArrayList<>();
    /** What the fake helper's check of a checkpoint finds damaged (empty: every file matches). */
    public volatile List<dev.dockercheckpoint.core.Integrity.Damage> damagedFiles = List.of();

    @Override
    public dev.dockercheckpoint.core.IntegrityReport verifyCheckpoint(Path dir, String container, String name,
            ProgressListener listener) {
        integrityChecks.add(container + "/" + name);
        listener.phase("checking integrity (3 files, 140.1 KiB)", 0);
        if (listener.isCancelled()) {
            throw new DcpException(ErrorCode.CANCELLED, "checking integrity cancelled", "");
        }
        listener.phase("checking integrity: 140.1 KiB hashed", 1);
        var state = damagedFiles.isEmpty() ? dev.dockercheckpoint.core.Integrity.State.VERIFIED
                : dev.dockercheckpoint.core.Integrity.State.DAMAGED;
        Instant now = Instant.now();
        // as the real helper leaves the result for the next listing
        stored.replaceAll(s -> s.container().equals(container) && s.name().equals(name)
                ? s.withIntegrity(new dev.dockercheckpoint.core.Integrity(state, now, damagedFiles)) : s);
        return new dev.dockercheckpoint.core.IntegrityReport(state, 3, 143_500, damagedFiles, now, 12);
    }

    @Override
    public void delete(Path dir, String container, String name) {
        deleted.add(container + "/" + name);
        stored.removeIf(s -> s.container().equals(container) && s.name().equals(name));
    }

    @Override
    public DoctorReport doctor() {
        return report();
    }

    /** Exports and imports asked for: "container/name compression file" and "file -> dir container/name". */
    public final List<String> transfers = new CopyOnWriteArrayList<>();
    /** While true, a transfer waits half-way (until cancelled or let go). */
    public volatile boolean holdTransfers;
    public volatile DcpException importFailure;

    /** Ten steps of progress; waits half-way while {@link #holdTransfers}; stops when cancelled. */
    private void transfer(dev.dockercheckpoint.core.TransferListener listener, long size) {
        for (int step = 1; step <= 10; step++) {
            if (step == 5) {
                while (holdTransfers && !listener.isCancelled()) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (listener.isCancelled()) {
                throw new DcpException(ErrorCode.CANCELLED, "cancelled", "");
            }
            listener.progress(size * step / 10, step / 10.0);
        }
    }

    /** The passphrase an encrypted archive opens with, and the identity file that opens one (null: none does). */
    public volatile String archivePassphrase = "correct horse battery staple";
    public volatile Path archiveIdentity;
    /** Each passphrase handed over, as the array itself: after a transfer it must be cleared. */
    public final List<char[]> passphrasesSeen = new CopyOnWriteArrayList<>();

    private static String describe(ArchiveCrypto.Encryption e) {
        return switch (e) {
            case ArchiveCrypto.Encryption.None n -> "";
            case ArchiveCrypto.Encryption.ToRecipients r -> " age:" + String.join(",", r.keys());
            case ArchiveCrypto.Encryption.WithPassphrase p -> " age:passphrase";
        };
    }

    @Override
    public dev.dockercheckpoint.protocol.ExportInfo exportCheckpoint(Path dir, String container, String name,
            String compression, boolean withVolumes, ArchiveCrypto.Encryption encryption, Path file,
            dev.dockercheckpoint.core.TransferListener listener) {
        if (encryption instanceof ArchiveCrypto.Encryption.WithPassphrase p) {
            passphrasesSeen.add(p.passphrase());
        }
        transfers.add(container + "/" + name + " " + compression + " " + file + (withVolumes ? " +volumes" : "")
                + describe(encryption));
        transfer(listener, 4_000_000);
        try {
            java.nio.file.Files.writeString(file, "archive of " + container + "/" + name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new dev.dockercheckpoint.protocol.ExportInfo(container, name, 12, 10_000_000, 4_000_000,
                compression + (encryption instanceof ArchiveCrypto.Encryption.None ? "" : ", age"), 1500);
    }

    @Override
    public dev.dockercheckpoint.protocol.ImportInfo importArchive(Path file, Path dir, String container, String name,
            ArchiveCrypto.Decryption decryption, dev.dockercheckpoint.core.TransferListener listener) {
        String key = switch (decryption) {
            case ArchiveCrypto.Decryption.None n -> "";
            case ArchiveCrypto.Decryption.WithIdentity i -> " identity " + i.file();
            case ArchiveCrypto.Decryption.WithPassphrase p -> {
                passphrasesSeen.add(p.passphrase());
                yield " passphrase";
            }
        };
        transfers.add(file + " -> " + dir + " " + container + "/" + name + key);
        // as the real decryption does: a key that does not open it fails before anything moves
        if (decryption instanceof ArchiveCrypto.Decryption.WithPassphrase p
                && !String.valueOf(p.passphrase()).equals(archivePassphrase)) {
            throw new DcpException(ErrorCode.DECRYPTION_FAILED, "the passphrase does not decrypt the archive",
                    "check the passphrase; nothing was imported");
        }
        if (decryption instanceof ArchiveCrypto.Decryption.WithIdentity i && !i.file().equals(archiveIdentity)) {
            throw new DcpException(ErrorCode.DECRYPTION_FAILED, "no identity in " + i.file()
                    + " matches the archive's 1 recipient", "pass --identity with the key file of a recipient it was"
                    + " exported to; nothing was imported");
        }
        transfer(listener, 4_000_000);
        if (importFailure != null) {
            throw importFailure;
        }
        String c = container == null ? "web" : container;
        String n = name == null ? "cp1" : name;
        stored.add(new CheckpointSummary(c, n, dir.resolve(c).resolve(n), Instant.now(), 10_000_000,
                CheckpointOptions.defaults()));
        return new dev.dockercheckpoint.protocol.ImportInfo(c, n, dir.resolve(c).resolve(n).toString(), 12, 10_000_000,
                true, "docker-checkpoint", List.of(), 900,
                "every file matches the checksums recorded when the checkpoint was made");
    }
}
