package dev.dockercheckpoint.core.criulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One example line per pattern. Lines marked "captured" are copied from the logs in
 * src/test/resources/criulogs; the others are in CRIU's log format with the message copied from the
 * CRIU source file named beside them (or from a CRIU log quoted in a public report, as noted).
 */
class KnowledgeBaseTest {
    private static final KnowledgeBase KB = KnowledgeBase.standard();

    /** pattern id, kind of log, the line, a text the rendered explanation or fix must contain. */
    static Stream<Arguments> examples() {
        return Stream.of(
                // captured: dump-tcp-without-flag.log:1167
                Arguments.of("tcp-established", LogKind.DUMP, "(00.076359) Error (criu/sk-inet.c:200): inet: Connected"
                        + " TCP socket, consider using --tcp-established option.", "-tcp"),
                // captured: restore-tcp-without-flag.log:1083
                Arguments.of("tcp-in-image", LogKind.RESTORE, "(00.211087)      8: Error (criu/sk-inet.c:912): inet:"
                        + " Connected TCP socket in image", "--tcp-established"),
                // criu/sk-inet.c can_dump_inet_sk(): pr_err("In-flight connection (l) for %x\n")
                Arguments.of("tcp-in-flight", LogKind.DUMP, "(00.076359) Error (criu/sk-inet.c:172): inet: In-flight"
                        + " connection (l) for 49394", "skip-in-flight"),
                // criu/sk-inet.c: pr_err("In-flight connections can be ignored with the --%s option.\n", SK_INFLIGHT_PARAM)
                Arguments.of("tcp-in-flight", LogKind.DUMP, "(00.076360) Error (criu/sk-inet.c:174): inet: In-flight"
                        + " connections can be ignored with the --skip-in-flight option.", "accept()"),
                // criu/sk-inet.c can_dump_ipproto(): pr_err("Unsupported proto %d for socket %x\n"); 262 = MPTCP
                Arguments.of("unsupported-socket", LogKind.DUMP, "(00.076359) Error (criu/sk-inet.c:108): inet:"
                        + " Unsupported proto 262 for socket 49394", "Multipath TCP"),
                // criu/sk-unix.c __dump_external_socket(): "External socket is used. Consider using --" USK_EXT_PARAM " option."
                Arguments.of("external-unix-socket", LogKind.DUMP, "(00.284038) Error (criu/sk-unix.c:1032): unix:"
                        + " External socket is used. Consider using --ext-unix-sk option.", "docker.sock"),
                // criu/sk-unix.c open_unixsk_standalone()
                Arguments.of("external-unix-socket-restore", LogKind.RESTORE, "(00.204566)     11: Error"
                        + " (criu/sk-unix.c:2060): unix: External socket found in image. Consider using the"
                        + " --ext-unix-sk option to allow restoring it.", "ext-unix-sk"),
                // captured: dump-file-locks-without-flag.log:802
                Arguments.of("file-locks", LogKind.DUMP, "(00.320992) Error (criu/file-lock.c:110): Some file locks are"
                        + " hold by dumping tasks! You can try --file-locks to dump them.", "-file-locks"),
                // criu/file-lock.c dump_file_locks(): pr_err("Unresolved lock found pid %d ino %ld\n")
                Arguments.of("lock-held-outside", LogKind.DUMP, "(00.320992) Error (criu/file-lock.c:101): Unresolved"
                        + " lock found pid 4242 ino 1234567", "pid 4242"),
                // captured: predump-runc-output.txt (runc refuses the pre-dump)
                Arguments.of("dirty-tracking-off", LogKind.UNKNOWN, "time=\"2026-11-28T13:03:40Z\" level=error"
                        + " msg=\"CRIU is missing features\"", "-pre-dump=false"),
                // criu/kerndat.c kerndat_get_dirty_track(): pr_err("Tracking memory is not available\n")
                Arguments.of("dirty-tracking-off", LogKind.PRE_DUMP, "(00.008950) Error (criu/kerndat.c:502): Tracking"
                        + " memory is not available", "CONFIG_MEM_SOFT_DIRTY"),
                // criu/files-ext.c dump_unsupp_fd(): "Can't dump file %d of that type [%o] (%s %s)"; 195 = NVIDIA
                Arguments.of("gpu-device", LogKind.DUMP, "(00.190000) Error (criu/files-ext.c:96): Can't dump file 5 of"
                        + " that type [20666] (chr 195:0)", "NVIDIA"),
                Arguments.of("unsupported-file", LogKind.DUMP, "(00.190000) Error (criu/files-ext.c:96): Can't dump file"
                        + " 7 of that type [20600] (chr 240:0)", "descriptor 7"),
                // criu/image.c check_inventory_plugins(): pr_err("Missing required plugin: %s\n")
                Arguments.of("missing-plugin", LogKind.RESTORE, "(00.041731) Error (criu/image.c:138): Missing required"
                        + " plugin: amdgpu_plugin", "amdgpu_plugin"),
                // criu/plugin.c cr_lib_load(): pr_err("Unable to load %s: %s\n", path, dlerror())
                Arguments.of("plugin-failed", LogKind.DUMP, "(00.010000) Error (criu/plugin.c:139): Unable to load"
                        + " /usr/lib/criu/cuda_plugin.so: libcuda.so.1: cannot open shared object file", "plugin"),
                // a CRIU log quoted in AMD's ROCm CRIU notes; text of criu/files-reg.c dump_ghost_remap()
                Arguments.of("ghost-limit", LogKind.DUMP, "(00.104296) Error (criu/files-reg.c:1031): Can't dump ghost"
                        + " file /dev/shm/nccl-tsD6S7 of 1052672 size, increase limit", "ghost-limit"),
                // criu/files-reg.c dump_ghost_remap(), the path as the kernel has it: spaces included
                Arguments.of("ghost-limit", LogKind.DUMP, "(00.104296) Error (criu/files-reg.c:1031): Can't dump ghost"
                        + " file /tmp/x of 12345 size, increase limit", "above 12345 bytes"),
                Arguments.of("ghost-limit", LogKind.DUMP, "(00.104296) Error (criu/files-reg.c:1031): Can't dump ghost"
                        + " file /var/lib/app/old log.txt of 20480000 size, increase limit", "/var/lib/app/old log.txt"),
                // criu/files-reg.c create_link_remap(): "Can't create link remap for %s. Use " LREMAP_PARAM " option."
                Arguments.of("link-remap", LogKind.DUMP, "(00.120000) Error (criu/files-reg.c:1122): Can't create link"
                        + " remap for /tmp/data.db. Use link-remap option.", "/tmp/data.db"),
                Arguments.of("link-remap", LogKind.DUMP, "(00.120000) Error (criu/files-reg.c:1122): Can't create link"
                        + " remap for /srv/My Files/cache.bin. Use link-remap option.", "--link-remap"),
                // criu/fsnotify.c check_open_handle(): LOG_PREFIX "fsnotify: ", pr_err("\tCan't dump that handle\n")
                Arguments.of("inotify-watch", LogKind.DUMP, "(00.083150) Error (criu/fsnotify.c:284): fsnotify: \tCan't"
                        + " dump that handle", "inotify"),
                Arguments.of("inotify-watch", LogKind.DUMP, "(00.083150) Error (criu/fsnotify.c:284): fsnotify: Can't"
                        + " dump that handle", "stop the process"),
                // criu/files-reg.c open_path(): pr_err("File %s has bad size %" PRIu64 " (expect %" PRIu64 ")\n")
                Arguments.of("file-size-changed", LogKind.RESTORE, "(00.160126)      1: Error (criu/files-reg.c:2179):"
                        + " File tmp/app.log has bad size 8192 (expect 4096)", "4096 bytes"),
                // criu/files-reg.c open_path(): pr_err("File %s has bad mode 0%o (expect 0%o)\n")
                Arguments.of("file-mode-changed", LogKind.RESTORE, "(00.160126)      1: Error (criu/files-reg.c:2186):"
                        + " File tmp/app.sock has bad mode 0100644 (expect 0100600)", "0100600"),
                // captured: restore-missing-file.log:656
                Arguments.of("missing-file", LogKind.RESTORE, "(00.160126)      1: Error (criu/files-reg.c:2353): Can't"
                        + " open file tmp/lockfile on restore: No such file or directory", "tmp/lockfile"),
                // criu/files-reg.c do_open_reg_noseek_flags(): pr_perror("Can't open file %s on restore")
                Arguments.of("file-permission", LogKind.RESTORE, "(00.160126)      1: Error (criu/files-reg.c:2353):"
                        + " Can't open file data/db.lock on restore: Permission denied", "data/db.lock"),
                // a CRIU 4.x log quoted in AMD's ROCm CRIU notes; text of criu/mount.c validate_mounts()
                Arguments.of("external-mount", LogKind.DUMP, "(00.150425) Error (criu/mount.c:753): mnt:"
                        + " 730:./etc/hosts doesn't have a proper root mount", "./etc/hosts"),
                // a CRIU log quoted in checkpoint-restore/criu issue #81 (criu/mount.c)
                Arguments.of("external-mount-restore", LogKind.RESTORE, "(00.058310) Error (mount.c:2385): No mapping"
                        + " for /mnt/mesos/sandbox mountpoint", "/mnt/mesos/sandbox"),
                // criu/tty.c tty_verify_active_pairs(): pr_err("Found dangling tty with sid %d pgid %d (%s) on peer fd %d.\n")
                Arguments.of("shell-job", LogKind.DUMP, "(00.249728) Error (criu/tty.c:1925): tty: Found dangling tty"
                        + " with sid 1 pgid 1 (pts) on peer fd 0.", "-t"),
                // criu/tty.c pr_msg (no level, no timestamp)
                Arguments.of("shell-job", LogKind.DUMP, "Task attached to shell terminal. Consider using --shell-job"
                        + " option. More details on http://criu.org/Simple_loop", "terminal"),
                // criu/seize.c freeze_processes(): "Unable to freeze cgroup %s (%lu x %lums attempts, timeout: %us)"
                Arguments.of("freezer-timeout", LogKind.DUMP, "(10.067372) Error (criu/seize.c:641): Unable to freeze"
                        + " cgroup /sys/fs/cgroup/freezer/docker/fd80 (100 x 100ms attempts, timeout: 10s)", "state D"),
                // criu/cr-dump.c alarm_handler(): pr_err("Timeout reached. Try to interrupt: %d\n")
                Arguments.of("freezer-timeout", LogKind.DUMP, "(10.000100) Error (criu/cr-dump.c:2001): Timeout"
                        + " reached. Try to interrupt: 0", "timeout"),
                // criu/cr-restore.c fork_with_pid(): pr_perror("Can't fork for %d", pid) with EEXIST
                Arguments.of("pid-in-use", LogKind.RESTORE, "(00.058376) Error (criu/cr-restore.c:1455): Can't fork"
                        + " for 1: File exists", "pid"),
                // criu/cr-restore.c restore_task_with_children(): pr_err("Pid %d do not match expected %d\n")
                Arguments.of("pid-in-use", LogKind.RESTORE, "(00.058700)      7: Error (criu/cr-restore.c:1800): Pid"
                        + " 31 do not match expected 7", "original container"),
                // criu/sk-inet.c inet_bind(): pr_perror("Can't bind inet socket (id %d)", ...) with EADDRINUSE
                Arguments.of("address-in-use", LogKind.RESTORE, "(00.211087)      8: Error (criu/sk-inet.c:1101): inet:"
                        + " Can't bind inet socket (id 12): Address already in use", "port"),
                // criu/cgroup.c move_in_cgroup(): pr_perror("Can't move into %s (%d/%d)", aux, err, fd)
                Arguments.of("cgroup-move", LogKind.RESTORE, "(00.160617)      1: Error (criu/cgroup.c:1320): cg: Can't"
                        + " move into unified//docker/2f92/cgroup.procs (-1/-1): No such file or directory",
                        "unified//docker/2f92/cgroup.procs"),
                // criu/image.c img_check_magic(): pr_err("Magic doesn't match for %s\n")
                Arguments.of("image-corrupt", LogKind.RESTORE, "(00.041731) Error (criu/image.c:626): Magic doesn't"
                        + " match for /tmp/cp1/pstree.img", "CRIU version"),
                // criu/protobuf.c do_pb_read_one(): pr_err("Unexpected EOF on %s\n")
                Arguments.of("image-corrupt", LogKind.RESTORE, "(00.041731) Error (criu/protobuf.c:72): Unexpected EOF"
                        + " on /tmp/cp1/core-1.img", "cut short"),
                // criu/image.c check_img_inventory(): pr_err("Need to set the --tcp-close options.\n")
                Arguments.of("flag-mismatch", LogKind.RESTORE, "(00.041700) Error (criu/image.c:82): Need to set the"
                        + " --tcp-close options.", "tcp-close"),
                // a CRIU log quoted in AMD's ROCm CRIU notes (criu/bfd.c)
                // criu/seize.c freezer_wait_processes(): pr_warn("Unexpected process %d in the freezer cgroup (status 0x%x)\n")
                Arguments.of("lost-process", LogKind.DUMP, "(00.077131) Warn  (criu/seize.c:404): Unexpected process"
                        + " 30012 in the freezer cgroup (status 0x8057f)", "-allow-lost-processes"),
                Arguments.of("lost-process", LogKind.DUMP, "(00.077131) Warn (criu/seize.c:404): Unexpected process 1234"
                        + " in the freezer cgroup (status 0x137f)", "docker exec"),
                // criu/cr-dump.c dump_task_rlimits(): pr_perror("Can't get rlimit %d", res)
                Arguments.of("rlimit-permission", LogKind.DUMP, "(00.083210) Error (criu/cr-dump.c:388): Can't get"
                        + " rlimit 0: Operation not permitted", "CAP_SYS_RESOURCE"),
                // criu/servicefd.c init_service_fd(): pr_perror("Can't get rlimit")
                Arguments.of("rlimit-permission", LogKind.DUMP, "(00.000900) Error (criu/servicefd.c:91): Can't get"
                        + " rlimit: Operation not permitted", "grep CapBnd /proc/self/status"),
                Arguments.of("rlimit-permission", LogKind.DUMP, "(00.083210) Error (criu/cr-dump.c:388): prlimit64(1234,"
                        + " 7) failed: Operation not permitted", "uid 0 and gid 0"),
                // criu/mount-v2.c: LOG_PREFIX "mnt-v2: ", pr_perror("Can't remount %s with MS_PRIVATE", ...)
                Arguments.of("mount-v2-remount", LogKind.RESTORE, "(00.051873)      1: Error (criu/mount-v2.c:277):"
                        + " mnt-v2: Can't remount /tmp/.criu.mntns.BkLm7Q/mnt-0000000213 with MS_PRIVATE: No such file or"
                        + " directory", "mntns-compat-mode"),
                Arguments.of("mount-v2-remount", LogKind.RESTORE, "(00.051873) Error (criu/mount-v2.c:414): mnt-v2:"
                        + " Can't remount /tmp/.criu.mntns.x1/mnt-0000000021 with MS_PRIVATE: No such file or directory",
                        "--init"),
                Arguments.of("no-space", LogKind.DUMP, "(00.300000) Error (criu/bfd.c:131): bfd: Error flushing image:"
                        + " No space left on device", "space"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("examples")
    void eachPatternMatchesItsExampleAndExplainsIt(String id, LogKind kind, String text, String mentioned) {
        LogLine line = CriuLogParser.parseLine(1, text);
        Optional<PatternMatch> m = KB.match(line, kind);
        assertTrue(m.isPresent(), "no pattern for " + text);
        assertEquals(id, m.get().pattern().id());
        String rendered = m.get().explanation() + " " + m.get().fix();
        assertTrue(rendered.contains(mentioned), "expected '" + mentioned + "' in: " + rendered);
        assertFalse(rendered.matches("(?s).*\\{\\d\\}.*"), "unrendered placeholder: " + rendered);
    }

    @Test
    void everyPatternHasAnExample() {
        Set<String> tested = examples().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        Set<String> all = KB.patterns().stream().map(DiagnosisPattern::id).collect(Collectors.toSet());
        assertEquals(all, tested);
        assertTrue(all.size() >= 20, "at least 20 patterns, got " + all.size());
    }

    @Test
    void patternsAreWellFormed() {
        Set<String> ids = new HashSet<>();
        for (DiagnosisPattern p : KB.patterns()) {
            assertTrue(ids.add(p.id()), "duplicate id " + p.id());
            assertTrue(p.id().matches("[a-z0-9-]+"), p.id());
            assertFalse(p.explanation().isBlank(), p.id());
            assertFalse(p.fix().isBlank(), p.id());
            assertTrue(p.criuSource().startsWith("criu/"), p.id());
            if (p.fixKind() == FixKind.OPTION) {
                assertNotNull(p.option(), "an OPTION fix names its option: " + p.id());
            }
            if (p.option() != null) {
                assertTrue(p.option().startsWith("-") && p.fix().contains(p.option()), p.id());
            }
        }
        assertNotNull(KB.byId("missing-file").orElse(null));
        assertTrue(KB.byId("nope").isEmpty());
    }

    @Test
    void scopeKeepsDumpPatternsOutOfRestoreLogs() {
        LogLine dumpText = CriuLogParser.parseLine(1, "(00.076359) Error (criu/sk-inet.c:200): inet: Connected TCP socket,"
                + " consider using --tcp-established option.");
        assertTrue(KB.match(dumpText, LogKind.RESTORE).isEmpty());
        LogLine restoreText = CriuLogParser.parseLine(1, "(00.1) Error (criu/sk-inet.c:1101): inet: Can't bind inet"
                + " socket (id 12): Address already in use");
        assertTrue(KB.match(restoreText, LogKind.DUMP).isEmpty());
        assertTrue(KB.match(restoreText, LogKind.UNKNOWN).isPresent(), "an unknown log takes every pattern");
        assertTrue(Applies.DUMP.covers(LogKind.PRE_DUMP));
        assertFalse(Applies.RESTORE.covers(LogKind.PRE_DUMP));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump-success-tcp.log", "dump-success-locks.log", "restore-success-tcp.log"})
    void noPatternFiresOnAnyLineOfASuccessfulRun(String name) throws IOException {
        List<String> lines = Files.readAllLines(CriuLogParserTest.LOGS.resolve(name), StandardCharsets.UTF_8);
        LogKind kind = name.startsWith("dump") ? LogKind.DUMP : LogKind.RESTORE;
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = CriuLogParser.parseLine(i + 1, lines.get(i));
            Optional<PatternMatch> m = KB.match(l, kind);
            assertTrue(m.isEmpty(), name + ":" + (i + 1) + " matched " + m.map(x -> x.pattern().id()).orElse("")
                    + ": " + lines.get(i));
        }
    }

    @Test
    void harmlessLinesAreNotCausesAndMatchNothing() {
        for (String text : List.of(
                // captured in every log of src/test/resources/criulogs
                "(00.066803) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
                "(00.189148) Warn  (compel/arch/x86/src/lib/infect.c:419): Will restore 29901 with interrupted system call",
                "(00.058374) Warn  (criu/cr-restore.c:1050): Set CLONE_PARENT | CLONE_NEWPID but it might cause restore"
                        + " problem,because not all kernels support such clone flags combinations!",
                "(00.162205) Error (criu/cgroup.c:2055): cg: cgroupd: recv req error: No such file or directory")) {
            LogLine l = CriuLogParser.parseLine(1, text);
            assertNotNull(KnownNoise.harmless(l.message(), true), text);
            assertTrue(KB.match(l, LogKind.UNKNOWN).isEmpty(), text);
        }
        // the cgroupd line is noise only after a failed restore
        assertEquals(null, KnownNoise.harmless("cg: cgroupd: recv req error: No such file or directory", false));
    }

    @Test
    void theHarmlessRlimitLineStaysHarmlessAndTheRealOneIsNotSwallowed() {
        // every captured log: CRIU's own open-files limit, printed on success too
        LogLine nofile = CriuLogParser.parseLine(70, "(00.256185) Error (criu/util.c:1534): rlimit: Can't setup"
                + " RLIMIT_NOFILE for self: Operation not permitted");
        assertEquals("rlimit-nofile", new LineClassifier().classify(nofile).harmless().id());
        assertTrue(KB.match(nofile, LogKind.DUMP).isEmpty(), "the harmless line is no cause");
        // a process of another uid: the same missing capability, but the dump fails
        LogLine get = CriuLogParser.parseLine(400, "(00.083210) Error (criu/cr-dump.c:388): Can't get rlimit 0:"
                + " Operation not permitted");
        assertFalse(new LineClassifier().classify(get).isHarmless());
        assertEquals("rlimit-permission", KB.match(get, LogKind.DUMP).orElseThrow().pattern().id());
    }

    @Test
    void aWarningOnlyPatternExplainsTheWarningButNeverAFailure() {
        DiagnosisPattern lost = KB.byId("lost-process").orElseThrow();
        assertTrue(lost.warningOnly());
        assertTrue(KB.patterns().stream().filter(DiagnosisPattern::warningOnly).allMatch(p -> p == lost),
                "only lost-process is a warning-only pattern");
        LogLine warn = CriuLogParser.parseLine(ComposedLogs.LOST_PROCESS_LINE, "(00.077131) Warn  (criu/seize.c:404):"
                + " Unexpected process 30012 in the freezer cgroup (status 0x8057f)");
        assertTrue(KB.match(warn, LogKind.DUMP).isPresent());
        assertTrue(KB.matchCause(warn, LogKind.DUMP).isEmpty());
    }

    @Test
    void missingGroupsRenderAsQuestionMarks() {
        DiagnosisPattern p = new DiagnosisPattern("x", "X", java.util.regex.Pattern.compile("a(b)?"), Applies.BOTH,
                "got {1} and {2}; {x} stays", "fix {1}", FixKind.UNKNOWN, null, "criu/x.c");
        KnowledgeBase kb = new KnowledgeBase(List.of(p));
        PatternMatch m = kb.match(CriuLogParser.parseLine(1, "(0.1) Error (criu/x.c:1): ab"), LogKind.DUMP).orElseThrow();
        assertEquals("got b and ?; {x} stays", m.explanation());
        assertEquals("fix b", m.fix());
        PatternMatch none = kb.match(CriuLogParser.parseLine(1, "(0.1) Error (criu/x.c:1): a"), LogKind.DUMP).orElseThrow();
        assertEquals("fix ", none.fix());
    }
}
