package dev.dockercheckpoint.core.criulog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Known CRIU failures and their fixes. The regexes are built from the exact texts CRIU 4.x prints
 * (source file named in each pattern) and from the logs captured on this project's test host;
 * patterns are tried in order, so specific ones come before general ones. A few patterns explain a
 * warning of a run that went on ({@link DiagnosisPattern#warningOnly()}): they are shown beside that
 * warning, never as the cause of a failure.
 */
public final class KnowledgeBase {
    private static final KnowledgeBase STANDARD = new KnowledgeBase(standardPatterns());

    private final List<DiagnosisPattern> patterns;

    public KnowledgeBase(List<DiagnosisPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The built-in patterns. */
    public static KnowledgeBase standard() {
        return STANDARD;
    }

    public List<DiagnosisPattern> patterns() {
        return patterns;
    }

    public Optional<DiagnosisPattern> byId(String id) {
        return patterns.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The first pattern of a scope covering {@code kind} whose regex is found in the line's message. */
    public Optional<PatternMatch> match(LogLine line, LogKind kind) {
        return match(line, kind, false);
    }

    /** As {@link #match}, leaving out the patterns that only explain a warning: a failure's cause. */
    public Optional<PatternMatch> matchCause(LogLine line, LogKind kind) {
        return match(line, kind, true);
    }

    private Optional<PatternMatch> match(LogLine line, LogKind kind, boolean causesOnly) {
        for (DiagnosisPattern p : patterns) {
            if (!p.applies().covers(kind) || (causesOnly && p.warningOnly())) {
                continue;
            }
            Matcher m = p.regex().matcher(line.message());
            if (m.find()) {
                return Optional.of(PatternMatch.of(p, line, m));
            }
        }
        return Optional.empty();
    }

    private static List<DiagnosisPattern> standardPatterns() {
        List<DiagnosisPattern> l = new ArrayList<>();
        // ------------------------------------------------------------------ sockets
        l.add(new DiagnosisPattern("tcp-established", "Established TCP connection",
                Pattern.compile("Connected TCP socket, consider using --tcp-established"), Applies.DUMP,
                "A process in the container has an open TCP connection. CRIU saves connections only when"
                        + " asked to (--tcp-established), because the peer sees the connection freeze.",
                "Tick \"Established TCP connections\" (-tcp, CRIU --tcp-established) and checkpoint again,"
                        + " or close the connection first.",
                FixKind.OPTION, "-tcp", "criu/sk-inet.c"));
        l.add(new DiagnosisPattern("tcp-in-image", "Checkpoint holds TCP connections, restore did not allow them",
                Pattern.compile("Connected TCP socket in image"), Applies.RESTORE,
                "The checkpoint was made with established TCP connections (--tcp-established), but the restore"
                        + " ran without that option, so CRIU refuses to recreate them: dump and restore options"
                        + " must match.",
                "Restore with -tcp (CRIU --tcp-established; docker-checkpoint writes it into"
                        + " /etc/criu/runc.conf for the restore, which a plain \"docker start --checkpoint\""
                        + " cannot). If the connections do not matter, checkpoint again with -tcp=false after"
                        + " they are closed.",
                FixKind.OPTION, "-tcp", "criu/sk-inet.c"));
        l.add(new DiagnosisPattern("tcp-in-flight", "Half-open (in-flight) TCP connections",
                Pattern.compile("In-flight connection(s can be ignored| \\(l\\) for)"), Applies.DUMP,
                "A listening socket has connection requests the application has not accept()ed yet. CRIU"
                        + " cannot save these half-open connections, even with --tcp-established.",
                "Checkpoint again when no client is connecting, or let CRIU drop them: add the line"
                        + " \"skip-in-flight\" to /etc/criu/runc.conf (CRIU --skip-in-flight); the clients"
                        + " then retry.",
                FixKind.ENVIRONMENT, null, "criu/sk-inet.c"));
        l.add(new DiagnosisPattern("unsupported-socket", "Socket protocol CRIU cannot save",
                Pattern.compile("Unsupported proto (\\d+) for socket|Unsupported socket (family|type)"
                        + "|Can't dump \\d+ inet socket|Unsupported type \\(\\d+\\) on socket"),
                Applies.BOTH,
                "A socket uses a protocol or type CRIU cannot checkpoint (the line names it; protocol 262"
                        + " is Multipath TCP, 132 is SCTP). Some runtimes open MPTCP sockets by default, e.g. Go programs"
                        + " built with newer Go versions.",
                "No option fixes this. Make the application use plain TCP (for Go: GODEBUG=multipathtcp=0;"
                        + " or disable MPTCP on the host with sysctl net.mptcp.enabled=0) and start the"
                        + " container again.",
                FixKind.NOT_FIXABLE, null, "criu/sk-inet.c"));
        l.add(new DiagnosisPattern("external-unix-socket", "Connected to a unix socket outside the container",
                Pattern.compile("External socket is used\\. Consider using --ext-unix-sk"
                        + "|Can't dump half of stream unix connection|Can't dump name-less external socket"),
                Applies.DUMP,
                "A process holds a unix socket connected to something outside the container, typically a"
                        + " bind-mounted /var/run/docker.sock or another host daemon's socket. CRIU can save"
                        + " only its own half of such a connection, and never for stream sockets.",
                "No option fixes a stream connection to the outside: close it before the checkpoint (stop"
                        + " the client that talks to docker.sock, or remove the bind mount).",
                FixKind.NOT_FIXABLE, null, "criu/sk-unix.c"));
        l.add(new DiagnosisPattern("external-unix-socket-restore", "Checkpoint holds an external unix socket",
                Pattern.compile("External socket found in image"), Applies.RESTORE,
                "The checkpoint was made with --ext-unix-sk and holds a socket connected outside the"
                        + " container; the restore ran without that option.",
                "Restore with the same CRIU options as the dump (add \"ext-unix-sk\" to"
                        + " /etc/criu/runc.conf for the restore), or checkpoint again without the outside"
                        + " connection.",
                FixKind.ENVIRONMENT, null, "criu/sk-unix.c"));
        // ------------------------------------------------------------------ locks
        l.add(new DiagnosisPattern("file-locks", "File locks held",
                Pattern.compile("Some file locks are hold by dumping tasks"), Applies.DUMP,
                "A process in the container holds a file lock (flock, fcntl or lockf). CRIU saves locks"
                        + " only when asked to (--file-locks).",
                "Tick \"File locks\" (-file-locks, CRIU --file-locks) and checkpoint again; restore with it"
                        + " too.",
                FixKind.OPTION, "-file-locks", "criu/file-lock.c"));
        l.add(new DiagnosisPattern("lock-held-outside", "Lock held by a process outside the container",
                Pattern.compile("Unresolved lock found pid (\\d+) ino (\\d+)"), Applies.DUMP,
                "A POSIX lock on a file the container uses (inode {2}) belongs to pid {1}, a process CRIU"
                        + " is not dumping: typically a host process, or another container, locking a file on"
                        + " a shared volume.",
                "No option fixes this: release the lock (stop the other process or container) and"
                        + " checkpoint again.",
                FixKind.NOT_FIXABLE, null, "criu/file-lock.c"));
        // ------------------------------------------------------------------ memory tracking
        l.add(new DiagnosisPattern("dirty-tracking-off", "Kernel without memory dirty tracking",
                Pattern.compile("Tracking memory is not available|Dirty tracking is OFF"
                        + "|(?i:criu is missing features)"),
                Applies.BOTH,
                "A pre-dump copies memory first and later only what changed; finding the changes needs the"
                        + " kernel's soft-dirty page tracking (CONFIG_MEM_SOFT_DIRTY), which this kernel does"
                        + " not have (\"criu check --feature mem_dirty_track\" fails). runc refuses the"
                        + " pre-dump with \"CRIU is missing features\".",
                "Untick \"Pre-dump\" (-pre-dump=false): a plain checkpoint works without it. Pre-dump needs"
                        + " a kernel built with CONFIG_MEM_SOFT_DIRTY=y.",
                FixKind.KERNEL, "-pre-dump", "criu/kerndat.c"));
        // ------------------------------------------------------------------ files
        l.add(new DiagnosisPattern("gpu-device", "GPU device open without a CRIU plugin",
                Pattern.compile("Can't dump file (\\d+) of that type \\[\\d+\\] \\(chr (195|226):\\d+\\)"),
                Applies.DUMP,
                "A process has a GPU device open (character device major {2}: 195 is NVIDIA, 226 is DRM)."
                        + " CRIU saves GPU state only through a device plugin (cuda_plugin, amdgpu_plugin),"
                        + " and none handled this file.",
                "Install the CRIU plugin for the GPU (and NVIDIA's cuda-checkpoint, or ROCm for AMD) in"
                        + " CRIU's plugin directory, or checkpoint a container that does not use the GPU.",
                FixKind.ENVIRONMENT, null, "criu/files-ext.c"));
        l.add(new DiagnosisPattern("unsupported-file", "Open file of a type CRIU cannot save",
                Pattern.compile("Can't dump file (\\d+) of that type \\[(\\d+)\\](?: \\(([^)]*)\\))?"),
                Applies.DUMP,
                "A process has file descriptor {1} open on something CRIU does not know how to save (mode"
                        + " {2}, {3}). Devices other"
                        + " than the usual /dev/null, /dev/zero, ttys and the like, and some anonymous files"
                        + " (io_uring, perf, some bpf objects), cannot be checkpointed.",
                "No option fixes this: stop using that device or file in the container, or provide a"
                        + " CRIU plugin that handles it.",
                FixKind.NOT_FIXABLE, null, "criu/files-ext.c"));
        l.add(new DiagnosisPattern("missing-plugin", "CRIU plugin missing at restore",
                Pattern.compile("Missing required plugin: (\\S+)"), Applies.RESTORE,
                "The checkpoint was made with the CRIU plugin {1} (for example for a GPU), which this host"
                        + " does not have.",
                "Install the same plugin ({1}) in CRIU's plugin directory (usually /usr/lib/criu) and"
                        + " restore again.",
                FixKind.ENVIRONMENT, null, "criu/image.c"));
        l.add(new DiagnosisPattern("plugin-failed", "CRIU plugin failed",
                Pattern.compile("(cuda_plugin|amdgpu_plugin): |Failed in init\\(\\d+\\) of "
                        + "|Unable to load \\S+\\.so: |Unable to restore 0x[0-9a-f]+$"),
                Applies.BOTH,
                "A CRIU device plugin (for example the GPU plugins) could not be loaded or failed while"
                        + " saving or restoring its device.",
                "Check that the plugin matches the CRIU version and the driver (e.g. cuda-checkpoint in"
                        + " PATH and a recent enough NVIDIA driver); the lines before this one name the"
                        + " plugin's own error.",
                FixKind.ENVIRONMENT, null, "criu/plugin.c"));
        // criu/files-reg.c dump_ghost_remap(): "Can't dump ghost file %s of %" PRIu64 " size, increase limit"
        l.add(new DiagnosisPattern("ghost-limit", "Deleted file too large",
                Pattern.compile("Can't dump ghost file (.+) of (\\d+) size, increase limit"), Applies.DUMP,
                "A process holds the deleted file {1} open ({2} bytes). CRIU stores the content of a"
                        + " deleted file inside the checkpoint (a \"ghost file\"), but only up to --ghost-limit"
                        + " (1 MiB by default).",
                "Raise CRIU's --ghost-limit above {2} bytes: add the line \"ghost-limit 512M\" (or more) to"
                        + " /etc/criu/runc.conf and checkpoint again; or make the application close the deleted"
                        + " file before the checkpoint.",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        // criu/files-reg.c create_link_remap(): "Can't create link remap for %s. Use " LREMAP_PARAM " option."
        l.add(new DiagnosisPattern("link-remap", "Deleted file held open",
                Pattern.compile("Can't create link remap for (.+)\\. Use link-remap option"), Applies.DUMP,
                "A process holds {1} open, but that file was deleted (or moved away) while open. CRIU can"
                        + " save such a file only by linking it back under a temporary name (--link-remap), which"
                        + " it does only when asked to. On overlayfs, the container's usual root filesystem, it"
                        + " then stores the file's content in the checkpoint instead, up to --ghost-limit.",
                "Add the line \"link-remap\" to /etc/criu/runc.conf (CRIU --link-remap) and checkpoint"
                        + " again; if CRIU then reports the file too large, raise \"ghost-limit\" there too. Or"
                        + " make the application close the deleted file before the checkpoint.",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        // criu/fsnotify.c check_open_handle(): LOG_PREFIX "fsnotify: ", pr_err("\tCan't dump that handle\n")
        l.add(new DiagnosisPattern("inotify-watch", "File watch (inotify) CRIU cannot save",
                Pattern.compile("fsnotify: \\s*Can't dump that handle"), Applies.DUMP,
                "A process watches files with inotify (file watchers: development servers, live reload,"
                        + " tail -F, configuration reloaders). CRIU saves a watch by reopening the watched file"
                        + " from its file handle, and on overlayfs, the container's root filesystem, that handle"
                        + " cannot be opened, nor could CRIU find the file's path another way.",
                "No option fixes this: stop the process that uses inotify (or turn off its file watching)"
                        + " before checkpointing. Watches on files of an overlayfs cannot be checkpointed.",
                FixKind.NOT_FIXABLE, null, "criu/fsnotify.c"));
        l.add(new DiagnosisPattern("file-size-changed", "File changed since the checkpoint",
                Pattern.compile("File (\\S+) has bad size (\\d+) \\(expect (\\d+)\\)"), Applies.RESTORE,
                "The process had {1} open at the checkpoint when it was {3} bytes long; in the new container"
                        + " it is {2} bytes. CRIU refuses to hand a process a file that changed under it.",
                "Restore into a container whose filesystem is as it was at the checkpoint (same image and"
                        + " volumes; docker-checkpoint copies the container's changed files with the"
                        + " checkpoint), or keep the file unchanged.",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        l.add(new DiagnosisPattern("file-mode-changed", "File mode changed since the checkpoint",
                Pattern.compile("File (\\S+) has bad mode (\\S+) \\(expect (\\S+)\\)"), Applies.RESTORE,
                "The process had {1} open at the checkpoint with mode {3}; in the new container its mode is"
                        + " {2}.",
                "Restore into a container where {1} has the same type and permissions as at the checkpoint.",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        l.add(new DiagnosisPattern("missing-file", "File missing at restore",
                Pattern.compile("Can't open file (\\S+) on restore: No such file or directory"), Applies.RESTORE,
                "The process had the file {1} open when it was checkpointed; it does not exist in the"
                        + " new container, so CRIU cannot reopen it.",
                "Restore into a container that has {1} (same image and volumes; docker-checkpoint restores"
                        + " the container's changed files, so a file created after the container started must"
                        + " be part of that copy or of a volume).",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        l.add(new DiagnosisPattern("file-permission", "File not accessible at restore",
                Pattern.compile("Can't open file (\\S+) on restore: Permission denied"), Applies.RESTORE,
                "The process had {1} open when it was checkpointed; in the new container it cannot be"
                        + " opened with the same access.",
                "Give {1} the owner and permissions it had at the checkpoint (check volumes and user"
                        + " namespaces).",
                FixKind.ENVIRONMENT, null, "criu/files-reg.c"));
        // ------------------------------------------------------------------ mounts
        l.add(new DiagnosisPattern("external-mount", "Mount CRIU cannot resolve",
                Pattern.compile("\\d+:(\\S+) doesn't have a proper root mount"), Applies.DUMP,
                "The container has a bind mount at {1} whose source is outside the container (a host"
                        + " file or directory, or a mount added after the container started). CRIU can"
                        + " checkpoint it only when it is declared external (--external mnt[...],"
                        + " --ext-mount-map); runc declares the mounts of the container's configuration, so"
                        + " this one was mounted some other way.",
                "Declare the mount in the container (docker run -v / --mount) instead of mounting it later,"
                        + " or unmount it before the checkpoint.",
                FixKind.ENVIRONMENT, null, "criu/mount.c"));
        l.add(new DiagnosisPattern("external-mount-restore", "External mount missing at restore",
                Pattern.compile("No mapping for (.+?) mountpoint"), Applies.RESTORE,
                "The checkpoint has an external (bind) mount at {1} that the new container does not"
                        + " provide, so CRIU has nothing to mount there (--ext-mount-map).",
                "Restore into a container with the same volumes and bind mounts as the checkpointed one.",
                FixKind.ENVIRONMENT, null, "criu/mount.c"));
        // criu/mount-v2.c: LOG_PREFIX "mnt-v2: ", pr_perror("Can't remount %s with MS_PRIVATE", ...)
        l.add(new DiagnosisPattern("mount-v2-remount", "CRIU's mount engine failed on a bind mount",
                Pattern.compile("mnt-v2: Can't remount (\\S+) with MS_PRIVATE: No such file or directory"),
                Applies.RESTORE,
                "CRIU 4 rebuilds the container's mounts with its newer mount engine (mount-v2), which loses"
                        + " some bind mounts of a single file: seen with containers started with docker run"
                        + " --init, on the bind mount of Docker's init binary (docker-init). CRIU's temporary"
                        + " mount point {1} was gone when it made it private.",
                "Restore with CRIU's older mount engine, mntns-compat-mode: docker-checkpoint adds it itself"
                        + " when it restores a container started with --init; in other cases add the line"
                        + " \"mntns-compat-mode\" to the CRIU config of the restore (/etc/criu/runc.conf) and"
                        + " restore again.",
                FixKind.ENVIRONMENT, null, "criu/mount-v2.c"));
        // ------------------------------------------------------------------ terminals
        l.add(new DiagnosisPattern("shell-job", "Process attached to a terminal",
                Pattern.compile("Found dangling tty with sid|Task attached to shell terminal"
                        + "|is not a session leader\\. Consider using --shell-job"),
                Applies.BOTH,
                "A process is attached to a terminal that belongs to something outside the checkpoint"
                        + " (a container started with -t/-it, or a process started by docker exec -it). CRIU"
                        + " handles such jobs only with --shell-job, which Docker does not pass.",
                "Start the container without a terminal (no -t), and do not leave docker exec -it sessions"
                        + " running when checkpointing.",
                FixKind.ENVIRONMENT, null, "criu/tty.c"));
        // ------------------------------------------------------------------ freezing, pids, cgroups
        // criu/seize.c freezer_wait_processes():
        // pr_warn("Unexpected process %d in the freezer cgroup (status 0x%x)\n")
        l.add(new DiagnosisPattern("lost-process", "Process left out of the checkpoint (docker exec)",
                Pattern.compile("Unexpected process (\\d+) in the freezer cgroup"), Applies.DUMP,
                "Process {1} is in the container's cgroup but is not a descendant of the container's init:"
                        + " typically a process started with docker exec, whose parent is the container"
                        + " runtime. CRIU dumps only init's process tree, so {1} is not in the checkpoint and"
                        + " will be missing after a restore, although the dump itself succeeds (expected when"
                        + " the checkpoint was made with -allow-lost-processes).",
                "Stop that process before checkpointing (end the docker exec session or command), or, if"
                        + " it may be lost, tick \"Leave out processes started with docker exec\""
                        + " (-allow-lost-processes).",
                FixKind.OPTION, "-allow-lost-processes", "criu/seize.c", true));
        // criu/cr-dump.c dump_task_rlimits(): pr_perror("Can't get rlimit %d", res);
        // criu/servicefd.c: pr_perror("Can't get rlimit")
        l.add(new DiagnosisPattern("rlimit-permission", "root lacks CAP_SYS_RESOURCE: process limits unreadable",
                Pattern.compile("(?:Can't get rlimit|prlimit(?:64)?)\\b[^:]*: Operation not permitted"),
                Applies.DUMP,
                "CRIU reads the resource limits of every process it dumps (prlimit64). For a process that"
                        + " runs as another user or group the kernel allows that only with CAP_SYS_RESOURCE, and"
                        + " root on this host lacks it: it is missing from root's capability bounding set"
                        + " (some hardened, nested or CI hosts drop it). So no container process that runs"
                        + " as a uid or gid other than 0 can be dumped here.",
                "Run the container's processes as root (uid 0 and gid 0: no USER in the image, no --user),"
                        + " or checkpoint on a host whose root has CAP_SYS_RESOURCE: as root, \"grep CapBnd"
                        + " /proc/self/status\" must have bit 24 (0x1000000) set; docker-checkpoint doctor"
                        + " checks it.",
                FixKind.ENVIRONMENT, null, "criu/cr-dump.c"));
        l.add(new DiagnosisPattern("freezer-timeout", "Processes could not be frozen in time",
                Pattern.compile("Unable to freeze cgroup|Timeout reached\\. Try to interrupt"
                        + "|Unseizable non-zombie \\d+ found"),
                Applies.DUMP,
                "CRIU could not stop all processes of the container within its timeout (10 s by default)."
                        + " A process in uninterruptible sleep (state D: waiting on NFS, FUSE or a slow disk),"
                        + " or a very busy container, keeps the freezer from finishing.",
                "Checkpoint again when the container is calmer; find processes in state D (ps -eo"
                        + " pid,stat,wchan,cmd); a longer timeout can be set with \"timeout 30\" in"
                        + " /etc/criu/runc.conf.",
                FixKind.ENVIRONMENT, null, "criu/seize.c"));
        l.add(new DiagnosisPattern("pid-in-use", "Process id already in use",
                Pattern.compile("Can't fork for (\\d+): File exists|Pid (\\d+) do not match expected (\\d+)"),
                Applies.RESTORE,
                "A restored process must get back its old pid, and that pid is taken: usually the"
                        + " original container is still running in the same pid namespace (for example with"
                        + " --pid=host), or another process got the pid.",
                "Stop the original container (or checkpoint without \"Leave running\") before restoring,"
                        + " and restore into a container with its own pid namespace.",
                FixKind.ENVIRONMENT, null, "criu/cr-restore.c"));
        l.add(new DiagnosisPattern("address-in-use", "Address already in use",
                Pattern.compile("Address already in use|EADDRINUSE"), Applies.RESTORE,
                "A socket from the checkpoint cannot be bound again because its address and port are"
                        + " taken, most often by the original container still running (checkpoint with"
                        + " \"Leave running\") with host networking or the same published port.",
                "Stop the original container before restoring, or restore into a container with its own"
                        + " network namespace.",
                FixKind.ENVIRONMENT, null, "criu/sk-inet.c"));
        l.add(new DiagnosisPattern("cgroup-move", "Cannot move into the container's cgroup",
                Pattern.compile("Can't move into (\\S+)"), Applies.RESTORE,
                "CRIU could not put a restored process into the cgroup {1}: the cgroup does not exist or"
                        + " refuses it (a different cgroup version or driver than at the checkpoint, or a"
                        + " pids limit reached).",
                "Restore on a host with the same cgroup setup (v1/v2, cgroupfs/systemd driver) as the"
                        + " checkpoint, and check the container's pids limit.",
                FixKind.ENVIRONMENT, null, "criu/cgroup.c"));
        // ------------------------------------------------------------------ images and options
        l.add(new DiagnosisPattern("image-corrupt", "Damaged or incompatible checkpoint images",
                Pattern.compile("(Head m|M)agic doesn't match for|Not supported images version"
                        + "|Unexpected EOF on|Read -?\\d+ bytes while \\d+ expected|Failed unpacking object"
                        + "|Too old image, no longer supported"),
                Applies.BOTH,
                "A checkpoint image file is cut short, damaged, or written by an incompatible CRIU"
                        + " version (files copied incompletely, a full disk during the checkpoint, or"
                        + " images from another tool).",
                "Checkpoint again and copy the checkpoint directory completely; restore with the same"
                        + " CRIU version that made it.",
                FixKind.ENVIRONMENT, null, "criu/image.c"));
        l.add(new DiagnosisPattern("flag-mismatch", "Restore options differ from the dump's",
                Pattern.compile("Need to set the --(tcp-close) options|Dumped with --(\\S+)\\. Need to set it on"
                        + " restore as well"),
                Applies.RESTORE,
                "The checkpoint was made with a CRIU option ({1}{2}) that the restore must repeat, and the"
                        + " restore ran without it.",
                "Restore with the same CRIU options as the dump (/etc/criu/runc.conf is read by both).",
                FixKind.ENVIRONMENT, null, "criu/image.c"));
        l.add(new DiagnosisPattern("no-space", "Disk full",
                Pattern.compile("No space left on device"), Applies.BOTH,
                "A write failed because the filesystem is full: the checkpoint directory during a dump,"
                        + " or the container's filesystem during a restore.",
                "Free space (a checkpoint needs about as much as the container's memory) or choose a"
                        + " checkpoint directory on a larger filesystem, then run again.",
                FixKind.ENVIRONMENT, null, "criu/bfd.c"));
        return l;
    }
}
