package dev.dockercheckpoint.ui.services;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.dockercheckpoint.core.CheckpointStore;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the application remembers between runs (window size, last used checkpoint directory, the
 * theme: {@code LIGHT}, {@code DARK} or {@code SYSTEM} to follow the desktop), in {@code $XDG_CONFIG_HOME/docker-checkpoint/settings.json} (default {@code ~/.config}).
 */
public final class Settings {
    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

    /** The saved values. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Values(double width, double height, String lastDir, String theme) {
        /** The theme followed when none was chosen: the desktop's. */
        public static final String DEFAULT_THEME = "SYSTEM";

        public Values(double width, double height, String lastDir) {
            this(width, height, lastDir, DEFAULT_THEME);
        }

        public static Values defaults() {
            return new Values(1100, 720, CheckpointStore.DEFAULT_BASE.toString(), DEFAULT_THEME);
        }

        public Values withSize(double w, double h) {
            return new Values(w, h, lastDir, theme);
        }

        public Values withLastDir(String dir) {
            return new Values(width, height, dir, theme);
        }

        public Values withTheme(String t) {
            return new Values(width, height, lastDir, t);
        }
    }

    private final Path file;

    public Settings(Path file) {
        this.file = file;
    }

    /** The settings file of this user. */
    public static Settings forUser() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return new Settings(config.resolve("docker-checkpoint").resolve("settings.json"));
    }

    public Path file() {
        return file;
    }

    public Values load() {
        if (!Files.isRegularFile(file)) {
            return Values.defaults();
        }
        try {
            Values v = Json.mapper().readValue(file.toFile(), Values.class);
            Values d = Values.defaults();
            return new Values(v.width() >= 400 ? v.width() : d.width(), v.height() >= 300 ? v.height() : d.height(),
                    v.lastDir() == null || v.lastDir().isBlank() ? d.lastDir() : v.lastDir(),
                    v.theme() == null || v.theme().isBlank() ? d.theme() : v.theme());
        } catch (IOException e) {
            LOG.warn("ignoring unreadable settings {}: {}", file, e.getMessage());
            return Values.defaults();
        }
    }

    public void save(Values values) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), values);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot save settings {}: {}", file, e.getMessage());
        }
    }
}
