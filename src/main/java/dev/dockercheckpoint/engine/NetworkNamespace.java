package dev.dockercheckpoint.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A container's network namespace as CRIU must see it. When the OCI spec names the namespace
 * (Docker's bridge networks), runc tells CRIU it is external ({@code extRootNetNS}) at dump and
 * hands the new container's namespace to CRIU at restore. When it has none (network mode none,
 * and every mode from Docker 28), runc creates the namespace and passes it to CRIU as an empty
 * one: the dump holds no network namespace. runc 1.1 (Docker 20.10) restores such a dump into a
 * namespace it sets up itself, loopback up; runc 1.3 (Docker 28) has CRIU make a new, empty one,
 * loopback down. On Docker 28 the dump therefore gives the namespace the external mark through a
 * CRIU config file of its own ({@code CRIU_CONFIG_FILE}), and the restore supplies a holder's
 * namespace for it.
 */
final class NetworkNamespace {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetworkNamespace.class);
    /** The key runc gives the container's network namespace when it passes it to CRIU. */
    static final String EXTERNAL_KEY = "extRootNetNS";

    private NetworkNamespace() {
    }

    /** Whether the bundle's OCI spec asks runc to create a new network namespace (no path given). */
    static boolean madeByRunc(Path bundle) {
        if (bundle == null) {
            return false;
        }
        Path spec = bundle.resolve("config.json");
        try {
            if (!Files.isRegularFile(spec, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            return madeByRunc(Json.mapper().readTree(Files.readAllBytes(spec)));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean madeByRunc(JsonNode spec) {
        for (JsonNode ns : spec.path("linux").path("namespaces")) {
            if ("network".equals(ns.path("type").asText()) && ns.path("path").asText("").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the CRIU images in {@code dir} hold the network namespace as external (its key is in a netns image). */
    static boolean externalInImages(Path dir) {
        byte[] key = EXTERNAL_KEY.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (var files = Files.newDirectoryStream(dir, "netns-*.img")) {
            for (Path f : files) {
                byte[] b = Files.readAllBytes(f);
                for (int i = 0; i + key.length <= b.length; i++) {
                    if (java.util.Arrays.equals(b, i, i + key.length, key, 0, key.length)) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * Brings up the loopback of process {@code pid}'s network namespace ({@code nsenter} and
     * {@code ip}); a failure is logged, the restore stands.
     */
    static void loopbackUp(ProcessRunner runner, int pid) {
        if (pid <= 0) {
            return;
        }
        try {
            ProcessResult r = runner.run(java.util.List.of("nsenter", "--target", Integer.toString(pid), "--net", "ip",
                    "link", "set", "lo", "up"), java.time.Duration.ofSeconds(10));
            if (!r.ok()) {
                LOG.warn("cannot bring up the loopback of the restored container: {}", r.lastMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot bring up the loopback of the restored container: {}", e.getMessage());
        }
    }

    /** The CRIU config line that marks the network namespace of process {@code pid} external. */
    static String externalMark(int pid) throws IOException {
        Object ino = Files.getAttribute(Path.of("/proc", Integer.toString(pid), "ns", "net"), "unix:ino");
        return "external net[" + ino + "]:" + EXTERNAL_KEY;
    }
}
