package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Manifest;
import dev.dockercheckpoint.engine.JournalEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a user gets back is what the container had: every kind of file in its writable layer,
 * files from the same instant as its memory, every process (or a refusal naming the missing
 * ones), a stopped original that stays stopped, and a checkpoint that is never lost.
 * The workloads run as root: root on these machines lacks CAP_SYS_RESOURCE, so CRIU cannot dump
 * processes of another uid.
 */
@Tag("e2e")
class FaithfulCheckpointE2ETest extends BaseDirE2E {

    @Test
    void everyKindOfFileTravelsAsWhatItIs() throws Exception {
        // an image whose /opt/old holds a file: the container replaces the directory (opaque in overlay)
        String builder = E2E.name("layered-src");
        E2E.runContainer(builder, E2E.BUSYBOX, "sh", "-c", "mkdir -p /opt/old && echo image > /opt/old/from-image"
                + " && echo ready && sleep 1000");
        E2E.waitForLine(builder, "ready", Duration.ofSeconds(20));
        String image = "dcp-e2e-layered:latest";
        E2E.run(List.of("docker", "commit", builder, image));
        E2E.remove(builder);

        String script = String.join("; ",
                "mkfifo -m 0640 /tmp/pipe",
                "exec 3<>/tmp/pipe",
                "echo hard > /tmp/h1", "ln /tmp/h1 /tmp/h2", "exec 4</tmp/h1",
                "mknod /tmp/null c 1 3", "mknod /tmp/loop b 7 0",
                "dd if=/dev/zero of=/tmp/sparse bs=1 count=1 seek=64M 2>/dev/null",
                "echo owned > /tmp/owned", "chown 1234:5678 /tmp/owned", "chmod 4751 /tmp/owned",
                "touch -d '2001-02-03 04:05:06' /tmp/owned",
                "echo x > /tmp/xattr",
                "rm -rf /opt/old", "mkdir /opt/old", "echo new > /opt/old/new",
                "rm /etc/group",
                "ln -s /tmp/h1 /tmp/symlink",
                "i=0; while true; do if read -t 0.1 line <&3; then echo got-$line; fi; echo n-$i; i=$((i+1)); done");
        String app = E2E.name("files");
        String id = E2E.runContainer(app, image, "sh", "-c", script);
        E2E.waitForNumber(app, "n-", 3, Duration.ofSeconds(20));
        int pid = E2E.docker().inspectContainerCmd(id).exec().getState().getPid();
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(Path.of("/proc/" + pid + "/root/tmp/xattr"),
                UserDefinedFileAttributeView.class);
        xattrs.write("checkpoint.test", StandardCharsets.UTF_8.encode("kept"));
        String statBefore = stat(app);
        for (String expected : List.of("pipe fifo 640", "null character special file", "loop block special file",
                "owned regular file 4751 1234:5678", "981173106", "symlink symbolic link", "one-inode")) {
            assertTrue(statBefore.contains(expected), expected + " in\n" + statBefore);
        }

        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        E2E.remove(app);
        String restored = E2E.name("files-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", restored, "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());

        assertEquals(statBefore, stat(restored), "types, modes, owners, times, sizes and links are the same");
        assertEquals("hard\n", E2E.exec(restored, "cat", "/tmp/h2").output());
        assertEquals("new\n", E2E.exec(restored, "ls", "/opt/old").output(),
                "the replaced directory hides what the image had in it");
        assertTrue(E2E.exec(restored, "ls", "/etc/group").exitCode() != 0, "the deleted file stays deleted");
        String du = E2E.exec(restored, "du", "-k", "/tmp/sparse").output();
        assertTrue(Long.parseLong(du.split("\\s+")[0]) < 1024, "the sparse file keeps its hole: " + du);
        int newPid = E2E.docker().inspectContainerCmd(restored).exec().getState().getPid();
        UserDefinedFileAttributeView restoredXattrs = Files.getFileAttributeView(
                Path.of("/proc/" + newPid + "/root/tmp/xattr"), UserDefinedFileAttributeView.class);
        ByteBuffer buf = ByteBuffer.allocate(64);
        restoredXattrs.read("checkpoint.test", buf);
        assertEquals("kept", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        // the restored process still holds the named pipe: what is written into it comes out
        E2E.exec(restored, "sh", "-c", "echo ping > /tmp/pipe");
        E2E.waitForLine(restored, "got-ping", Duration.ofSeconds(20));
        E2E.run(List.of("docker", "rmi", "-f", image));
    }

    /** Type, mode, owner, size, link count, device numbers and mtime of the special files, one line each. */
    private static String stat(String container) throws InterruptedException {
        return E2E.exec(container, "sh", "-c", "cd /tmp && stat -c '%n %F %a %u:%g %s %h %t,%T %Y' pipe h1 h2 null"
                + " loop sparse owned xattr symlink && [ \"$(stat -c %i h1)\" = \"$(stat -c %i h2)\" ] && echo"
                + " one-inode").output();
    }

    @Test
    void filesAreFromTheSameInstantAsMemory() throws Exception {
        // the process appends as fast as it can: files saved after the dump would be ahead of its memory
        String app = E2E.name("instant");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c",
                "exec 3>>/tmp/grow; i=0; while true; do echo $i >&3; i=$((i+1)); done");
        Thread.sleep(1500);
        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        assertTrue(E2E.running(app), "leave-running keeps the original running");
        Manifest m = new CheckpointStore(base).open(app, "checkpoint1").manifest();
        assertNotNull(m.timingsMillis().get(Manifest.FROZEN_TIMING), m.timingsMillis().toString());
        assertTrue(dump.out().contains("Application downtime"), dump.toString());

        String restored = E2E.name("instant-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", restored, "-dir", base.toString());
        assertEquals(0, restore.exit(), "a file that kept growing after the freeze restores: " + restore);
        Thread.sleep(500);
        E2E.docker().killContainerCmd(restored).exec(); // stop it before reading its file, or it keeps writing
        // every number exactly once and in order: the restored process continued where the file ended
        List<Long> numbers = new ArrayList<>();
        String upper = E2E.engine().docker().inspectContainer(restored).path("GraphDriver").path("Data").path("UpperDir").asText();
        String content = Files.readString(Path.of(upper, "tmp", "grow"));
        Matcher lines = Pattern.compile("(?m)^(\\d+)$").matcher(content);
        while (lines.find()) {
            numbers.add(Long.parseLong(lines.group(1)));
        }
        assertTrue(numbers.size() > 1000, "the file grew: " + numbers.size());
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(i, numbers.get(i), "line " + i + " of the restored container's file");
        }
    }

    @Test
    void aProcessOutsideInitsTreeIsRefusedByNameUnlessAllowed() throws Exception {
        String app = E2E.name("exec");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "n-", 1, Duration.ofSeconds(20));
        E2E.run(List.of("docker", "exec", "-d", app, "sleep", "4242"));
        Thread.sleep(300);

        E2E.Cli refused = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("sleep 4242") && refused.err().contains("outside its init's process tree"),
                refused.toString());
        assertTrue(refused.err().contains("-allow-lost-processes"), "the hint says how to proceed: " + refused);
        assertTrue(E2E.running(app), "a refused checkpoint leaves the container running");
        assertFalse(Files.exists(base.resolve(app).resolve("checkpoint1")));

        E2E.Cli allowed = E2E.cli("-container", app, "-dir", base.toString(), "-allow-lost-processes");
        assertEquals(0, allowed.exit(), allowed.toString());
        Manifest m = new CheckpointStore(base).open(app, "checkpoint1").manifest();
        assertNotNull(m.lostProcesses(), "container.json records what was left out");
        assertTrue(m.lostProcesses().getFirst().endsWith("sleep 4242"), m.lostProcesses().toString());
        assertTrue(m.options().allowLostProcesses());
        assertTrue(allowed.out().contains("Left out"), allowed.toString());
    }

    @Test
    void aContainerWithRestartAlwaysStaysStoppedAndOnlyTheRestoredCopyRuns() throws Exception {
        String app = E2E.name("always");
        E2E.track(app);
        String id = E2E.docker().createContainerCmd(E2E.BUSYBOX).withName(app)
                .withCmd("sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")
                        .withRestartPolicy(RestartPolicy.alwaysRestart())).exec().getId();
        E2E.docker().startContainerCmd(id).exec();
        E2E.waitForNumber(app, "n-", 2, Duration.ofSeconds(20));

        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        assertTrue(dump.out().contains("is stopped"), dump.toString());
        Thread.sleep(2000); // Docker would have restarted it by now
        InspectContainerResponse original = E2E.docker().inspectContainerCmd(id).exec();
        assertEquals("exited", original.getState().getStatus());
        assertEquals(0, original.getRestartCount(), "Docker did not start the original again");
        assertEquals("always", original.getHostConfig().getRestartPolicy().getName(), "the policy is put back");

        String restored = E2E.name("always-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", restored, "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        Thread.sleep(1000);
        assertEquals("exited", E2E.status(app), "one copy runs: the restored one");
        assertTrue(E2E.running(restored));
        assertEquals("always", E2E.docker().inspectContainerCmd(restored).exec().getHostConfig().getRestartPolicy()
                .getName());
    }

    @Test
    void aContainerRunWithInitRestoresIntoANewContainer() throws Exception {
        String app = E2E.name("init");
        E2E.track(app);
        String id = E2E.docker().createContainerCmd(E2E.BUSYBOX).withName(app)
                .withCmd("sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withInit(true)).exec().getId();
        E2E.docker().startContainerCmd(id).exec();
        E2E.waitForNumber(app, "n-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long last = E2E.numbers(app, "n-").getLast();
        E2E.remove(app);

        String restored = E2E.name("init-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", restored, "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        assertTrue(E2E.docker().inspectContainerCmd(restored).exec().getHostConfig().getInit());
        E2E.waitForNumber(restored, "n-", last + 3, Duration.ofSeconds(20));
        assertEquals(last + 1, E2E.numbers(restored, "n-").getFirst(), "it continues, it does not start again");
    }

    @Test
    void aStoppingDumpInterruptedBeforeItsEndIsKeptRestorableAndEveryRestoreLogStays() throws Exception {
        String app = E2E.name("kept");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "n-", 2, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        long last = E2E.numbers(app, "n-").getLast();
        E2E.remove(app);
        // what a helper killed between CRIU's end and the rename leaves: the finished dump in its
        // temporary directory, with the container.json written before the dump
        Path done = base.resolve(app).resolve("checkpoint1");
        Path partial = done.resolveSibling(".checkpoint1" + CheckpointStore.PARTIAL_MARKER + "0badcafe");
        Files.move(done, partial);
        Manifest m = CheckpointStore.readManifest(partial.resolve(Manifest.FILE_NAME));
        CheckpointStore.writeJson(partial.resolve(Manifest.FILE_NAME), m.withIncomplete("interrupted"));

        try (HelperProcess helper = new HelperProcess().serving(base)) {
            // and its journal entry, which names the temporary directory as its own
            helper.plantJournalEntry(JournalEntry.checkpoint(m.containerId(), app, base, "checkpoint1",
                    partial.getFileName().toString()));
            helper.start();
            helper.awaitLog("repaired: kept the finished dump", Duration.ofSeconds(60));
            assertEquals(List.of(), helper.journal(), "the repaired entry is removed");
        }
        assertFalse(Files.exists(partial));
        E2E.Cli list = E2E.cli("list", "-dir", base.toString());
        assertTrue(list.out().contains("INCOMPLETE") && list.out().contains("helper stopped"), list.toString());

        String first = E2E.name("kept-restored");
        E2E.Cli restore = E2E.cli("-restore", "-container", app, "-new-name", first, "-dir", base.toString());
        assertEquals(0, restore.exit(), "an incomplete checkpoint with a finished dump restores: " + restore);
        E2E.waitForNumber(first, "n-", last + 2, Duration.ofSeconds(20));
        String second = E2E.name("kept-again");
        Thread.sleep(1100); // restore logs are named by the second they were last written
        E2E.Cli again = E2E.cli("-restore", "-container", app, "-new-name", second, "-dir", base.toString());
        assertEquals(0, again.exit(), again.toString());
        try (var files = Files.list(done)) {
            List<String> logs = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("restore"))
                    .filter(n -> n.endsWith(".log")).sorted().toList();
            assertEquals(2, logs.size(), "the earlier restore's log is kept beside the latest: " + logs);
            assertTrue(logs.contains("restore.log"), logs.toString());
        }
    }

    @Test
    void aRestoredContainerIsCheckpointedAndRestoredAgain() throws Exception {
        String app = E2E.name("twice");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.2; done");
        E2E.waitForNumber(app, "n-", 2, Duration.ofSeconds(20));
        assertEquals(0, E2E.cli("-container", app, "-dir", base.toString(), "-leave-running=false").exit());
        String first = E2E.name("twice-1");
        assertEquals(0, E2E.cli("-restore", "-container", app, "-new-name", first, "-dir", base.toString()).exit());
        E2E.waitForNumber(first, "n-", 0, Duration.ofSeconds(20)); // its log starts with the restore
        long seen = E2E.waitForNumber(first, "n-", E2E.numbers(first, "n-").getFirst() + 2, Duration.ofSeconds(20));

        // the restored container (on Docker 28+ in its holder's namespace) is checkpointed like any other
        E2E.Cli dump = E2E.cli("-container", first, "-dir", base.toString(), "-leave-running=false");
        assertEquals(0, dump.exit(), dump.toString());
        Manifest m = new CheckpointStore(base).open(first, "checkpoint1").manifest();
        assertEquals("none", m.spec().networkMode(), "the checkpoint describes the original's network, not the holder");
        long last = E2E.numbers(first, "n-").getLast();
        assertTrue(last >= seen);
        String second = E2E.name("twice-2");
        E2E.Cli restore = E2E.cli("-restore", "-container", first, "-new-name", second, "-dir", base.toString());
        assertEquals(0, restore.exit(), restore.toString());
        E2E.waitForNumber(second, "n-", last + 2, Duration.ofSeconds(20));
        assertEquals(last + 1, E2E.numbers(second, "n-").getFirst(), "the second restore continues too");
    }
}
