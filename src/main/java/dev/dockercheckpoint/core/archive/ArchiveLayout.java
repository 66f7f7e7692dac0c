package dev.dockercheckpoint.core.archive;

import java.util.Set;

/**
 * Where a checkpoint directory's files go in an archive, in Podman's layout: the CRIU images
 * (and anything else CRIU wrote) under {@code checkpoint/}; the container's metadata and
 * filesystem changes at the top ({@code config.dump}, {@code spec.dump}, {@code network.status},
 * {@code stats-dump}, {@code rootfs-diff.tar}, {@code deleted.files}, {@code volumes/}), with our
 * {@code container.json}, the CRIU logs and the manifest beside them.
 */
final class ArchiveLayout {
    static final String CHECKPOINT_DIR = "checkpoint";
    static final String CHECKPOINT_PREFIX = CHECKPOINT_DIR + "/";
    static final String CONFIG_DUMP = "config.dump";
    static final String SPEC_DUMP = "spec.dump";
    static final String NETWORK_STATUS = "network.status";
    static final String STATS_DUMP = "stats-dump";
    static final String ROOTFS_DIFF = "rootfs-diff.tar";
    static final String DELETED_FILES = "deleted.files";
    static final String VOLUMES = "volumes";
    static final String MANIFEST = "docker-checkpoint-manifest.json";
    /** CRIU images a checkpoint cannot be restored without. */
    static final java.util.List<String> REQUIRED_IMAGES = java.util.List.of("inventory.img", "pstree.img");

    /** Single files kept at the archive's top, under the same name as in the checkpoint directory. */
    private static final Set<String> TOP_FILES = Set.of(dev.dockercheckpoint.core.Manifest.FILE_NAME, CONFIG_DUMP,
            SPEC_DUMP, NETWORK_STATUS, STATS_DUMP, ROOTFS_DIFF, DELETED_FILES, "devshm-checkpoint.tar", "dump.log",
            "restore.log", "stats-restore", dev.dockercheckpoint.core.Checksums.FILE_NAME);
    /** Podman's metadata: made from container.json at export, kept at import only for Podman's archives. */
    static final Set<String> PODMAN_METADATA = Set.of(CONFIG_DUMP, SPEC_DUMP, NETWORK_STATUS);
    /** Directories kept at the archive's top. */
    private static final Set<String> TOP_DIRS = Set.of(VOLUMES);

    private ArchiveLayout() {
    }

    private static boolean topFile(String name) {
        return TOP_FILES.contains(name) || (name.startsWith("restore-") && name.endsWith(".log"));
    }

    /** The archive path of a file of a checkpoint directory ({@code rel}: relative, '/'-separated). */
    static String archivePath(String rel) {
        int slash = rel.indexOf('/');
        String first = slash < 0 ? rel : rel.substring(0, slash);
        if ((slash < 0 && topFile(rel)) || TOP_DIRS.contains(first)) {
            return rel;
        }
        return CHECKPOINT_PREFIX + rel;
    }

    /**
     * The path in the checkpoint directory of an archive entry (a normalized relative path), or null
     * when the entry is no part of the layout (it is then left out).
     */
    static String checkpointPath(String archivePath) {
        if (archivePath.equals(CHECKPOINT_DIR)) {
            return "";
        }
        if (archivePath.startsWith(CHECKPOINT_PREFIX)) {
            return archivePath.substring(CHECKPOINT_PREFIX.length());
        }
        int slash = archivePath.indexOf('/');
        String first = slash < 0 ? archivePath : archivePath.substring(0, slash);
        if ((slash < 0 && topFile(archivePath)) || TOP_DIRS.contains(first)) {
            return archivePath;
        }
        return null;
    }
}
