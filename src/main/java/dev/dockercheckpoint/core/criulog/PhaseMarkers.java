package dev.dockercheckpoint.core.criulog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The messages on INFO lines that {@link CriuLogAnalyzer} looks for, as data: the markers that move
 * the {@link PhaseTimeline}, tell the kind of log or say it succeeded, and the few plain lines that
 * are causes. Taken from the captured logs (src/test/resources/criulogs). A marker is a message
 * prefix: it matches the text after the timestamp.
 */
final class PhaseMarkers {
    /**
     * A message prefix; {@code kind} (when not null) tells the kind of log, {@code dumpPhase} and
     * {@code restorePhase} the phase it starts in each kind, {@code success} that the run succeeded.
     */
    record Marker(byte[] text, LogKind kind, Phase dumpPhase, Phase restorePhase, boolean success) {
        /** The phase this marker starts in a log of {@code logKind}; null when none. */
        Phase phase(LogKind logKind) {
            if (logKind == LogKind.RESTORE) {
                return restorePhase;
            } else if (logKind.isDump()) {
                return dumpPhase;
            }
            return dumpPhase == null ? restorePhase : restorePhase == null ? dumpPhase : null;
        }
    }

    private static final List<Marker> MARKERS = List.of(
            // kind only
            new Marker(ascii("Dumping processes (pid:"), LogKind.DUMP, null, null, false),
            new Marker(ascii("Enforcing memory tracking for pre-dump"), LogKind.PRE_DUMP, null, null, false),
            new Marker(ascii("Reading image tree"), LogKind.RESTORE, null, null, false),
            // dump
            dump("freezing cgroup", Phase.FREEZING),
            dump("freezer.state=", Phase.FREEZING),
            dump("cgroup.freeze=", Phase.FREEZING),
            dump("freezing processes", Phase.FREEZING),
            dump("SEIZE ", Phase.FREEZING),
            dump("Seized task", Phase.FREEZING),
            dump("Running network-lock scripts", Phase.FREEZING),
            new Marker(ascii("net: Lock network"), null, Phase.FREEZING, null, false),
            dump("Dumping task (pid:", Phase.DUMPING_PROCESSES),
            dump("Collecting mappings (pid:", Phase.DUMPING_PROCESSES),
            dump("Collecting fds (pid:", Phase.DUMPING_PROCESSES),
            dump("Dumping core (pid:", Phase.DUMPING_PROCESSES),
            dump("Dumping mm (pid:", Phase.DUMPING_PROCESSES),
            dump("Dumping task cwd", Phase.DUMPING_PROCESSES),
            dump("mnt: Dumping mountpoints", Phase.DUMPING_PROCESSES),
            dump("Dumping pstree (pid:", Phase.DUMPING_PROCESSES),
            dump("Dump NET namespace", Phase.DUMPING_PROCESSES),
            dump("Dump UTS namespace", Phase.DUMPING_PROCESSES),
            dump("Dump IPC namespace", Phase.DUMPING_PROCESSES),
            dump("Namespaces dump complete", Phase.DUMPING_PROCESSES),
            dump("Writing image inventory", Phase.DUMPING_PROCESSES),
            dump("Running post-dump scripts", Phase.DUMPING_PROCESSES),
            dump("Dumping opened files (pid:", Phase.DUMPING_FILES),
            dump("Dumping file-locks", Phase.DUMPING_FILES),
            dump("inet: Dumping inet socket", Phase.DUMPING_FILES),
            dump("unix: Dumping unix socket", Phase.DUMPING_FILES),
            dump("unix: Dumping external sockets", Phase.DUMPING_FILES),
            dump("tcp: Dumping TCP connection", Phase.DUMPING_FILES),
            dump("Dumping pages (type:", Phase.DUMPING_MEMORY),
            dump("page-xfer: Transferring pages", Phase.DUMPING_MEMORY),
            new Marker(ascii("Pre-dumping tasks' memory"), LogKind.PRE_DUMP, Phase.DUMPING_MEMORY, null, false),
            dump("Unfreezing tasks into", Phase.UNFREEZING),
            new Marker(ascii("Dumping finished successfully"), LogKind.DUMP, Phase.FINISHING, null, true),
            new Marker(ascii("Pre-dumping finished successfully"), LogKind.PRE_DUMP, Phase.FINISHING, null,
                    true),
            // restore
            restore("Wait until namespaces are created", Phase.PREPARING),
            restore("Running setup-namespaces scripts", Phase.PREPARING),
            restore("Restoring namespaces", Phase.PREPARING),
            restore("mnt: Restoring mount namespace", Phase.PREPARING),
            restore("Running post-setup-namespaces scripts", Phase.PREPARING),
            restore("Preparing info about shared resources", Phase.PREPARING),
            restore("Forking task with", Phase.FORKING),
            restore("Restoring children in", Phase.FORKING),
            restore("Restoring resources", Phase.RESTORING_RESOURCES),
            restore("Running post-restore scripts", Phase.RESUMING),
            restore("Run late stage hook", Phase.RESUMING),
            restore("Running pre-resume scripts", Phase.RESUMING),
            new Marker(ascii("Restore finished successfully"), LogKind.RESTORE, null, Phase.FINISHING, true),
            restore("Running post-resume scripts", Phase.FINISHING),
            // both
            new Marker(ascii("net: Unlock network"), null, Phase.UNFREEZING, Phase.RESUMING, false),
            new Marker(ascii("Running network-unlock scripts"), null, Phase.UNFREEZING, Phase.RESUMING, false),
            new Marker(ascii("Writing stats"), null, Phase.FINISHING, Phase.FINISHING, false));

    /** pr_msg lines carry no level (nor a timestamp); these few are causes (criu/tty.c). */
    private static final byte[][] PLAIN_CAUSES = {
            ascii("Task attached to shell terminal")};

    /** The markers by the first byte of their text, so that most lines are ruled out by one look. */
    private static final Marker[][] BY_FIRST_BYTE = byFirstByte(MARKERS);

    private PhaseMarkers() {
    }

    private static Marker dump(String text, Phase phase) {
        return new Marker(ascii(text), LogKind.DUMP, phase, null, false);
    }

    private static Marker restore(String text, Phase phase) {
        return new Marker(ascii(text), LogKind.RESTORE, null, phase, false);
    }

    private static Marker[][] byFirstByte(List<Marker> all) {
        Marker[][] table = new Marker[128][];
        for (Marker m : all) {
            int c = m.text()[0];
            Marker[] old = table[c];
            Marker[] now = old == null ? new Marker[1] : Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = m;
            table[c] = now;
        }
        return table;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The marker that the message in {@code buf[from, end)} starts with, or null. */
    static Marker find(byte[] buf, int from, int end) {
        if (from >= end) {
            return null;
        }
        int c = buf[from];
        Marker[] candidates = c > 0 ? BY_FIRST_BYTE[c] : null;
        if (candidates != null) {
            for (Marker m : candidates) {
                if (LineClassifier.startsWith(buf, from, end, m.text())) {
                    return m;
                }
            }
        }
        return null;
    }

    /** True when the line in {@code buf[s, e)} is one of the plain lines that are causes. */
    static boolean isPlainCause(byte[] buf, int s, int e) {
        for (byte[] plain : PLAIN_CAUSES) {
            if (LineClassifier.startsWith(buf, s, e, plain)) {
                return true;
            }
        }
        return false;
    }
}
