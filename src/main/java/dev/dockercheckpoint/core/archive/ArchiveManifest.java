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

    /** One entry: {@code type} is "file" or "symlink"; size and sha256 for files, target for links. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, String type, Long size, String sha256, String target) {
        public static final String FILE = "file";
        public static final String SYMLINK = "symlink";

        static Entry file(String path, long size, String sha256) {
            return new Entry(path, FILE, size, sha256, null);
        }

        static Entry symlink(String path, String target) {
            return new Entry(path, SYMLINK, null, null, target);
        }
    }
}
