package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import dev.dockercheckpoint.core.Names;
import dev.dockercheckpoint.core.ProgressListener;
import dev.dockercheckpoint.core.archive.VolumeArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named volumes' contents that travel with a checkpoint ({@code volumes/<name>.tar} in its
 * directory, Podman's layout): where a volume's contents are for an export, and their return
 * into a volume of that name before a restore creates its container.
 */
public final class Volumes {
    private static final Logger LOG = LoggerFactory.getLogger(Volumes.class);
    static final String DIR = "volumes";

    private Volumes() {
    }

    /** The directory holding volume {@code name}'s contents on the engine, or null when it has no such volume. */
    public static Path mountpoint(Docker docker, String name) {
        JsonNode volume = docker.getJson("/volumes/" + Docker.encode(name));
        if (volume == null) {
            return null;
        }
        String mountpoint = volume.path("Mountpoint").asText("");
        if (mountpoint.isEmpty()) {
            throw new DcpException(ErrorCode.UNSUPPORTED, "volume " + name + " has no mountpoint on this host"
                    + " (driver " + volume.path("Driver").asText("?") + ")",
                    "only volumes of the local driver can travel with a checkpoint");
        }
        return Path.of(mountpoint);
    }

    /**
     * For each {@code volumes/<name>.tar} of the checkpoint in {@code dir}: creates the volume and
     * fills it when the engine has none of that name (or has it empty); leaves a volume that holds
     * data as it is. Returns the warnings for the restore's result.
     */
    static List<String> restore(Docker docker, Path dir, ProgressListener listener) {
        Path volumes = dir.resolve(DIR);
        List<String> warnings = new ArrayList<>();
        if (!Files.isDirectory(volumes, LinkOption.NOFOLLOW_LINKS)) {
            return warnings;
        }
        List<Path> tars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(volumes, "*.tar")) {
            entries.forEach(tars::add);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + volumes + ": " + e.getMessage(),
                    "check that the checkpoint is complete");
        }
        tars.sort(null);
        for (Path tar : tars) {
            String file = tar.getFileName().toString();
            String name = file.substring(0, file.length() - ".tar".length());
            if (Names.problem(name) != null || !Files.isRegularFile(tar, LinkOption.NOFOLLOW_LINKS)) {
                warnings.add(warn(listener, "volumes/" + file + " of the checkpoint is not a volume's copy: left out"));
                continue;
            }
            boolean created = false;
            Path mountpoint = mountpoint(docker, name);
            if (mountpoint == null) {
                LOG.info("docker volume create {}", name);
                JsonNode answer = docker.postJson("/volumes/create", Json.mapper().createObjectNode().put("Name", name));
                created = true;
                String mp = answer == null ? "" : answer.path("Mountpoint").asText("");
                mountpoint = mp.isEmpty() ? mountpoint(docker, name) : Path.of(mp);
            } else if (!empty(mountpoint)) {
                warnings.add(warn(listener, "volume " + name + " already exists and holds data: left as it is"
                        + " (the checkpoint's copy of it is not restored)"));
                continue;
            }
            listener.phase("filling volume " + name + " from the checkpoint", 0.1);
            try (InputStream in = Files.newInputStream(tar, LinkOption.NOFOLLOW_LINKS)) {
                int n = VolumeArchive.extract(in, mountpoint, "volume " + name);
                LOG.info("volume {}: {} entries restored into {}", name, n, mountpoint);
            } catch (IOException | RuntimeException e) {
                if (created) {
                    remove(docker, name);
                } else {
                    clear(mountpoint);
                }
                if (e instanceof DcpException d) {
                    throw d;
                }
                throw new DcpException(ErrorCode.IO_ERROR, "cannot fill volume " + name + " at " + mountpoint + ": "
                        + e.getMessage(), "check free space on the engine's data root; nothing was restored");
            }
        }
        return warnings;
    }

    private static String warn(ProgressListener listener, String warning) {
        listener.phase("warning: " + warning, 0.1);
        LOG.warn("{}", warning);
        return warning;
    }

    private static boolean empty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read " + dir + ": " + e.getMessage(),
                    "check the volume's mountpoint (docker volume inspect)");
        }
    }

    /** Removes what a failed fill wrote into an existing, formerly empty volume. */
    private static void clear(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot clear {}: {}", dir, e.getMessage());
        }
    }

    private static void remove(Docker docker, String name) {
        LOG.info("docker volume rm {}", name);
        try {
            docker.client().removeVolumeCmd(name).exec();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove volume {}: {}", name, e.getMessage());
        }
    }
}
