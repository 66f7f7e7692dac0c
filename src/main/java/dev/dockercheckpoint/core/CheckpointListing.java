package dev.dockercheckpoint.core;

import dev.dockercheckpoint.core.CheckpointStore.Stored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The complete checkpoints of a store, their summaries and the details of one. */
final class CheckpointListing {
    private CheckpointListing() {
    }

    /** Complete checkpoints under the base directory of {@code store}, sorted by container then name. */
    static List<Stored> list(CheckpointStore store) {
        List<Stored> result = new ArrayList<>();
        try (SafeDir b = store.openBase(false)) {
            if (b == null) {
                return result;
            }
            for (String container : b.names()) {
                if (Names.problem(container) != null || b.kind(container) != SafeDir.Kind.DIRECTORY) {
                    continue;
                }
                try (SafeDir c = b.dir(container, SafeDir.Create.NO, "container directory")) {
                    for (String name : c.names()) {
                        if (Names.problem(name) != null || c.kind(name) != SafeDir.Kind.DIRECTORY) {
                            continue;
                        }
                        try (SafeDir d = c.dir(name, SafeDir.Create.NO, "checkpoint directory")) {
                            if (d != null && d.kind(Manifest.FILE_NAME) == SafeDir.Kind.FILE) {
                                result.add(CheckpointStore.stored(container, name, d));
                            }
                        } catch (DcpException e) {
                            // unreadable or unsafe entries are not listed
                        }
                    }
                } catch (DcpException e) {
                    // an unsafe container directory is not listed
                }
            }
        }
        return result;
    }

    /** Summary of a stored checkpoint (size is the total of its files). */
    static CheckpointSummary summary(Stored stored) {
        long size;
        try {
            size = Posix.treeSize(stored.dir());
        } catch (IOException e) {
            size = -1;
        }
        return new CheckpointSummary(stored.container(), stored.name(), stored.dir(), stored.manifest().createdAt(),
                size, stored.manifest().options(), stored.manifest().downtimeMillis(), stored.manifest().incomplete(),
                IntegrityCheck.status(stored.dir()));
    }

    /**
     * The manifest and files (with sizes, sorted by name; hidden ones, temporary or the record of
     * the last integrity check, left out) of the checkpoint {@code stored}.
     */
    static CheckpointDetails details(Stored stored) {
        List<CheckpointDetails.FileEntry> files = new ArrayList<>();
        try (var walk = Files.walk(stored.dir())) {
            for (Path p : walk.sorted().toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && !p.getFileName().toString().startsWith(".")) {
                    files.add(new CheckpointDetails.FileEntry(stored.dir().relativize(p).toString(), Files.size(p)));
                }
            }
        } catch (IOException e) {
            throw StoreFiles.io("cannot list " + stored.dir(), e);
        }
        return new CheckpointDetails(summary(stored), stored.manifest(), files);
    }
}
