package dev.dockercheckpoint.ui.logviewer;

import dev.dockercheckpoint.core.LogPage;
import dev.dockercheckpoint.core.LogPages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/** A {@link LogSource} reading a local file directly (tests, benchmarks, logs the user can read). */
public final class FileLogSource implements LogSource {
    private final Path file;
    private final String name;

    public FileLogSource(Path file) {
        this(file, String.valueOf(file.getFileName()));
    }

    public FileLogSource(Path file, String name) {
        this.file = Objects.requireNonNull(file, "file");
        this.name = Objects.requireNonNull(name, "name");
    }

    public Path file() {
        return file;
    }

    @Override
    public LogPage read(long offset, int maxLines) throws IOException {
        return LogPages.read(file, name, offset, maxLines);
    }

    @Override
    public String toString() {
        return "FileLogSource[" + file + "]";
    }
}
