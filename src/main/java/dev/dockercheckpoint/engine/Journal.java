package dev.dockercheckpoint.engine;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Posix;
import dev.dockercheckpoint.core.SafeDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of operations in flight: one JSON file per operation, {@code <dir>/<id>.json}
 * (0600, in a directory of this user's that no one else can write to, reached without following
 * links), written before the operation's first change to the host, rewritten as it makes more
 * (a freeze, a suspended restart policy, a process started) and removed when it ends. After a
 * crash, the entries left are exactly what needs repair ({@link Recovery}); nothing else on the
 * host is touched.
 */
public final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /** The journal of the helper and of the root command line, unless the helper is given another state directory. */
    public static final Path DEFAULT_DIR = Path.of("/var/lib/docker-checkpoint/journal");
    /** No journal: nothing is written (tests, and engines that never change the host). */
    public static final Journal NONE = new Journal(null);
    private static final Pattern FILE = Pattern.compile("[0-9a-z-]{1,80}\\.json");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration WATCH = Duration.ofMillis(100);

    private final Path dir;
    /** The engine whose entries this view writes and reads (null: every entry). */
    private final String host;
    /** Whether entries without an engine (older ones, and the root command line's) belong to this view. */
    private final boolean takesUnstamped;

    private Journal(Path dir) {
        this(dir, null, true);
    }

    private Journal(Path dir, String host, boolean takesUnstamped) {
        this.dir = dir;
        this.host = host;
        this.takesUnstamped = takesUnstamped;
    }

    /**
     * The part of this journal that belongs to the Docker engine at {@code host}: entries it
     * writes carry the host, and it reads only entries with that host (and, when {@code isDefault},
     * those that name none). The helper keeps one such view per engine in one directory.
     */
    public Journal forHost(String host, boolean isDefault) {
        return new Journal(dir, host, isDefault);
    }

    /** The journal kept in {@code dir} (created when the first entry is written). */
    public static Journal at(Path dir) {
        return new Journal(dir.toAbsolutePath().normalize());
    }

    /** Its directory, or null for {@link #NONE}. */
    public Path dir() {
        return dir;
    }

    /**
     * Writes {@code entry} (with a new id and this process as its owner) and returns its handle;
     * the operation may change the host once this returns. Fails when it cannot be written.
     */
    public Entry begin(JournalEntry entry) {
        String id = Long.toString(System.currentTimeMillis(), 36) + "-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(RANDOM.nextInt());
        JournalEntry stamped = host == null ? entry : entry.withDockerHost(host);
        Entry e = new Entry(stamped.withId(id, JournalEntry.Pid.of(ProcessHandle.current())));
        e.write();
        return e;
    }

    /** The entries on disk, oldest first; unreadable files are logged and left where they are. */
    public List<JournalEntry> entries() {
        List<JournalEntry> result = new ArrayList<>();
        if (dir == null) {
            return result;
        }
        try (SafeDir d = open(false)) {
            if (d == null) {
                return result;
            }
            for (String name : d.names()) {
                if (!FILE.matcher(name).matches() || d.kind(name) != SafeDir.Kind.FILE) {
                    continue;
                }
                try (InputStream in = d.read(name)) {
                    JournalEntry e = Json.mapper().readValue(in, JournalEntry.class);
                    if (e.id() == null || !name.equals(e.id() + ".json") || e.format() != JournalEntry.FORMAT) {
                        LOG.warn("ignoring journal file {}: not an entry of this version", d.path().resolve(name));
                        continue;
                    }
                    if (host == null || host.equals(e.dockerHost()) || (e.dockerHost() == null && takesUnstamped)) {
                        result.add(e);
                    }
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("ignoring unreadable journal file {}: {}", d.path().resolve(name), ex.getMessage());
                }
            }
        }
        result.sort(Comparator.comparing(JournalEntry::started, Comparator.nullsFirst(Comparator.naturalOrder())));
        return result;
    }

    /** Removes the entry {@code id} (its operation is over, or repaired). */
    public void remove(String id) {
        if (dir == null) {
            return;
        }
        String name = id + ".json";
        if (!FILE.matcher(name).matches()) {
            throw new IllegalArgumentException("bad journal id " + id);
        }
        try (SafeDir d = open(false)) {
            if (d != null) {
                d.deleteTree(name);
            }
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot remove journal entry " + dir.resolve(name) + ": "
                    + e.getMessage(), "check " + dir);
        }
    }

    private SafeDir open(boolean create) {
        return SafeDir.openBase(dir, Posix.currentUid(), create, "the journal must be a directory of root's that"
                + " only root can change; remove it, it is recreated");
    }

    /** The journal entry of one operation, kept up to date as it goes; closed (removed) at its end. */
    public final class Entry implements AutoCloseable {
        private JournalEntry entry;
        private boolean ended;
        private final Set<Long> watched = ConcurrentHashMap.newKeySet();

        private Entry(JournalEntry entry) {
            this.entry = entry;
        }

        public synchronized JournalEntry entry() {
            return entry;
        }

        /** Records a change before the operation makes it. */
        public synchronized void update(UnaryOperator<JournalEntry> change) {
            if (ended) {
                return;
            }
            JournalEntry next = change.apply(entry);
            if (!next.equals(entry)) {
                entry = next;
                write();
            }
        }

        /**
         * Records that a change was undone; a failure to write it is only logged (the entry then
         * says more than is left to repair, and the repair checks before it acts).
         */
        public void note(UnaryOperator<JournalEntry> change) {
            try {
                update(change);
            } catch (DcpException e) {
                LOG.warn("cannot update journal entry {}: {}", entry().id(), e.getMessage());
            }
        }

        private synchronized void write() {
            if (dir == null) {
                return;
            }
            try (SafeDir d = open(true)) {
                d.writeAtomically(entry.id() + ".json", out -> Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValue(out, entry));
            } catch (DcpException e) {
                throw new DcpException(e.code(), "cannot write the journal of operations in flight: " + e.getMessage(),
                        e.hint(), e);
            }
        }

        /** Leaves the entry on disk for the next start's repair (the operation left something to repair). */
        public synchronized void keep() {
            ended = true;
        }

        /** The operation is over: its entry is removed (unless {@link #keep() kept}). */
        @Override
        public synchronized void close() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                remove(entry.id());
            } catch (RuntimeException e) {
                LOG.warn("cannot remove journal entry {}: {}", entry.id(), e.getMessage());
            }
        }

        /**
         * {@code runner}, recording every process it starts, and the processes those start in
         * turn (runc's CRIU), before they can change anything.
         */
        public ProcessRunner recording(ProcessRunner runner) {
            if (dir == null) {
                return runner;
            }
            return new ProcessRunner() {
                @Override
                public ProcessResult run(List<String> command, Duration timeout) {
                    return run(command, Map.of(), timeout);
                }

                @Override
                public ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout) {
                    return runner.run(command, extraEnv, timeout, Entry.this::started);
                }

                @Override
                public ProcessResult run(List<String> command, Map<String, String> extraEnv, Duration timeout,
                        Consumer<ProcessHandle> started) {
                    return runner.run(command, extraEnv, timeout, h -> {
                        Entry.this.started(h);
                        started.accept(h);
                    });
                }
            };
        }

        private void started(ProcessHandle process) {
            record(process);
            // runc starts CRIU a moment later: its descendants are recorded while it runs
            Thread.ofVirtual().name("journal-watch").start(() -> {
                while (process.isAlive()) {
                    process.descendants().forEach(this::record);
                    try {
                        Thread.sleep(WATCH);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private void record(ProcessHandle process) {
            if (!watched.add(process.pid())) {
                return;
            }
            JournalEntry.Pid pid = JournalEntry.Pid.of(process);
            if (pid != null) {
                try {
                    update(e -> e.withProcess(pid));
                } catch (DcpException e) {
                    LOG.warn("cannot record process {} in the journal: {}", pid.pid(), e.getMessage());
                }
            }
        }
    }
}
