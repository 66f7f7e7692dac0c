package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What is known of a stored checkpoint's integrity without reading its files: {@code recorded}
 * (checksums present, not checked since), {@code verified} (every file matched them at
 * {@code checkedAt}, and none has changed since), {@code damaged} (a file is missing, added, of
 * another size, or failed the last check; {@code damaged} names them) or {@code none} (made
 * without checksums, by an older version).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Integrity(State state, Instant checkedAt, List<Damage> damaged) {
    public Integrity {
        damaged = damaged == null || damaged.isEmpty() ? null : List.copyOf(damaged);
    }

    public enum State {
        @JsonProperty("recorded")
        RECORDED,
        @JsonProperty("verified")
        VERIFIED,
        @JsonProperty("damaged")
        DAMAGED,
        @JsonProperty("none")
        NONE;

        /** The word the protocol and the command line use. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A file that does not match its checksum, and how: "differs from ...", "is missing", "was added"... */
    public record Damage(String path, String problem) {
        @Override
        public String toString() {
            return path + " " + problem;
        }
    }

    public static Integrity of(State state) {
        return new Integrity(state, null, null);
    }

    /** The damage in one line: the first few files, then how many more. */
    public static String describe(List<Damage> damaged) {
        if (damaged == null || damaged.isEmpty()) {
            return "";
        }
        List<String> parts = damaged.stream().limit(3).map(Damage::toString).toList();
        return String.join("; ", parts) + (damaged.size() > 3 ? "; and " + (damaged.size() - 3) + " more" : "");
    }
}
