package dev.dockercheckpoint.helper;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checkpoint base directories the helper has written to, so that recovery can clean them. */
final class KnownBaseDirs {
    private static final Logger LOG = LoggerFactory.getLogger(KnownBaseDirs.class);
    private final Path file;
    private final Set<Path> dirs = new LinkedHashSet<>();

    KnownBaseDirs(Path file) {
        this.file = file;
        dirs.add(CheckpointStore.DEFAULT_BASE);
        if (Files.isRegularFile(file)) {
            try {
                List<String> saved = Json.mapper().readValue(file.toFile(), new TypeReference<List<String>>() { });
                saved.forEach(s -> dirs.add(Path.of(s)));
            } catch (IOException e) {
                LOG.warn("ignoring unreadable {}: {}", file, e.getMessage());
            }
        }
    }

    synchronized List<Path> all() {
        return new ArrayList<>(dirs);
    }

    synchronized void add(Path dir) {
        if (dirs.add(dir.toAbsolutePath().normalize())) {
            try {
                Files.createDirectories(file.getParent());
                CheckpointStore.writeJson(file, dirs.stream().map(Path::toString).toList());
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot record base directory {}: {}", dir, e.getMessage());
            }
        }
    }
}
