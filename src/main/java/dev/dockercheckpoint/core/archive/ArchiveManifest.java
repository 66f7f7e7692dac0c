package dev.dockercheckpoint.core.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The last entry of an archive made by {@code export}: every other entry with its type, size and
 * SHA-256 (a symbolic link with its target). An import checks each entry against it and refuses
 * an archive with an entry that is missing, added, or differs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArchiveManifest(String format, int formatVersion, String tool, Instant exportedAt, String container,
        String checkpoint, String compression, List<Entry> entries) {
    public static final String FORMAT = "docker-checkpoint-archive";
    public static final int FORMAT_VERSION = 1;

    public ArchiveManifest {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * One entry: {@code type} is "file" or "symlink"; size and sha256 for files, target for links.
     * {@code recorded} true: the file's sha256 is the one the checkpoint recorded when it was made
     * (its checksums.json), taken by the export without hashing the file again because its size
     * and time had not changed since; absent: the export hashed what it wrote.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, String type, Long size, String sha256, String target, Boolean recorded) {
        public static final String FILE = "file";
        public static final String SYMLINK = "symlink";

        public Entry {
            recorded = Boolean.TRUE.equals(recorded) ? Boolean.TRUE : null;
        }

        static Entry file(String path, long size, String sha256) {
            return new Entry(path, FILE, size, sha256, null, null);
        }

        /** A file whose sha256 comes from the checkpoint's checksums, not from reading it (see above). */
        static Entry recordedFile(String path, long size, String sha256) {
            return new Entry(path, FILE, size, sha256, null, true);
        }

        static Entry symlink(String path, String target) {
            return new Entry(path, SYMLINK, null, null, target, null);
        }

        /** Whether {@code other} describes the same content (whether its sum was read or recorded aside). */
        boolean sameAs(Entry other) {
            return java.util.Objects.equals(path, other.path) && java.util.Objects.equals(type, other.type)
                    && java.util.Objects.equals(size, other.size) && java.util.Objects.equals(sha256, other.sha256)
                    && java.util.Objects.equals(target, other.target);
        }

        /** Whether the sha256 was taken from the checkpoint's checksums rather than from the file. */
        boolean takenFromRecord() {
            return Boolean.TRUE.equals(recorded);
        }
    }
}
