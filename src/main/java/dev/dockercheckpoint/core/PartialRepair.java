package dev.dockercheckpoint.core;

import static dev.dockercheckpoint.core.CheckpointStore.PARTIAL_MARKER;
import static dev.dockercheckpoint.core.StoreFiles.io;
import static dev.dockercheckpoint.core.StoreFiles.readManifest;
import static dev.dockercheckpoint.core.StoreFiles.writeManifest;

import dev.dockercheckpoint.core.CheckpointStore.Outcome;
import dev.dockercheckpoint.core.CheckpointStore.Repaired;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/** The repair of a temporary checkpoint directory that an interrupted operation left in a store. */
final class PartialRepair {
    private PartialRepair() {
    }

    /**
     * Keeps the finished dump in {@code partial} (renamed into place, marked incomplete with
     * {@code reason}) or removes it; leaves alone what is not this user's private directory. See
     * {@link CheckpointStore#repairPartial}.
     */
    static Repaired repair(CheckpointStore store, String container, String partial, Predicate<Path> finishedDump,
            String reason) {
        Names.requireValid("container name", container);
        SafeDir.requireName(partial);
        Path where = store.base().resolve(container).resolve(partial);
        int marker = partial.indexOf(PARTIAL_MARKER);
        if (!partial.startsWith(".") || marker < 0) {
            return new Repaired(Outcome.LEFT, where, "not a temporary checkpoint directory");
        }
        try (SafeDir b = store.openBase(false)) {
            if (b == null) {
                return new Repaired(Outcome.ABSENT, where, null);
            }
            try (SafeDir c = b.dir(container, SafeDir.Create.NO, "container directory")) {
                if (c == null) {
                    return new Repaired(Outcome.ABSENT, where, null);
                }
                SafeDir.Kind kind = c.kind(partial);
                if (kind == SafeDir.Kind.ABSENT) {
                    return new Repaired(Outcome.ABSENT, where, null);
                }
                if (kind != SafeDir.Kind.DIRECTORY) {
                    return new Repaired(Outcome.LEFT, where, kind == SafeDir.Kind.LINK ? "it is a symbolic link"
                            : "it is not a directory");
                }
                String name = partial.substring(1, marker);
                try (SafeDir p = c.dir(partial, SafeDir.Create.NO, "temporary checkpoint directory")) {
                    if (!partial.startsWith(PARTIAL_MARKER + "deleting-", marker) && Names.problem(name) == null
                            && p.kind(Manifest.FILE_NAME) == SafeDir.Kind.FILE && finishedDump.test(p.path())) {
                        try {
                            Manifest m = readManifest(p);
                            writeManifest(p, m.withIncomplete(m.incomplete() != null ? reason : null));
                            c.makePrivate(partial);
                            String target = freeName(c, name);
                            c.rename(partial, c, target);
                            return new Repaired(Outcome.KEPT, c.path().resolve(target), null);
                        } catch (IOException | DcpException e) {
                            // unreadable: it cannot be restored; removed below
                        }
                    }
                }
                try {
                    c.deleteTree(partial);
                } catch (IOException e) {
                    throw io("cannot remove incomplete checkpoint " + where, e);
                }
                return new Repaired(Outcome.REMOVED, where, null);
            }
        } catch (DcpException e) {
            if (e.code() == ErrorCode.UNSAFE_DIRECTORY || e.code() == ErrorCode.INVALID_INPUT) {
                return new Repaired(Outcome.LEFT, where, e.getMessage());
            }
            throw e;
        }
    }

    /** {@code name}, or {@code name-recovered[-N]} when a checkpoint of that name exists already. */
    private static String freeName(SafeDir containerDir, String name) {
        String n = name;
        for (int i = 1; containerDir.kind(n) != SafeDir.Kind.ABSENT; i++) {
            n = name + "-recovered" + (i == 1 ? "" : "-" + i);
        }
        return n;
    }
}
