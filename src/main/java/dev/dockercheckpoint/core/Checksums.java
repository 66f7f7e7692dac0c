package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The content of a checkpoint's {@code checksums.json}: the size and SHA-256 of every file of the
 * checkpoint (and the target of every symbolic link, such as CRIU's {@code parent} link of a
 * pre-dump), recorded when the checkpoint was made. Which files it covers is {@link #covers}: all
 * but itself, the CRIU logs ({@code *.log}: a restore writes restore.log and renames earlier ones),
 * {@code stats-restore} (written by each restore) and hidden files (temporary files, and the record
 * of the last check). {@code container.json} is covered; the tool rewrites it only to mark a
 * checkpoint incomplete, and then records its new checksum too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Checksums(String format, int version, String algorithm, Instant recordedAt, List<Entry> entries) {
    public static final String FILE_NAME = "checksums.json";
    public static final String FORMAT = "docker-checkpoint-checksums";
    public static final int VERSION = 1;
    public static final String ALGORITHM = "SHA-256";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_PATH = 1024;

    public Checksums {
        entries = entries == null ? List.of() : entries.stream().sorted(Comparator.comparing(Entry::path)).toList();
    }

    /** Checksums of {@code entries}, recorded now. */
    public static Checksums of(List<Entry> entries) {
        return new Checksums(FORMAT, VERSION, ALGORITHM, Instant.now(), entries);
    }

    /**
     * One recorded entry, by its path relative to the checkpoint directory ('/'-separated): a file
     * with its size and SHA-256 (lower-case hex), or a symbolic link with its target. A file
     * recorded by {@link IntegrityCheck#record} also has the modification time it had then
     * ({@code modified}; absent in checksums of earlier versions and for files recorded later).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String path, Long size, String sha256, String link, Instant modified) {
        public Entry(String path, Long size, String sha256, String link) {
            this(path, size, sha256, link, null);
        }

        public static Entry file(String path, long size, String sha256) {
            return new Entry(path, size, sha256, null, null);
        }

        /** A file as it was hashed: its size, SHA-256 and modification time then. */
        public static Entry file(String path, long size, String sha256, Instant modified) {
            return new Entry(path, size, sha256, null, modified);
        }

        public static Entry symlink(String path, String target) {
            return new Entry(path, null, null, target, null);
        }

        @JsonIgnore
        public boolean isLink() {
            return link != null;
        }
    }

    /**
     * Whether a checksums file records the entry at {@code rel} (relative to the checkpoint
     * directory, '/'-separated): everything but checksums.json itself, CRIU's logs, stats-restore
     * and hidden names.
     */
    public static boolean covers(String rel) {
        if (rel.isEmpty() || rel.equals(FILE_NAME) || rel.equals("stats-restore")) {
            return false;
        }
        for (String part : rel.split("/")) {
            if (part.startsWith(".")) {
                return false;
            }
        }
        return !rel.endsWith(".log");
    }

    /** The entries by path. */
    public Map<String, Entry> byPath() {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.put(e.path(), e);
        }
        return m;
    }

    /** These checksums with {@code entry} in place of the one of its path (or added). */
    public Checksums with(Entry entry) {
        List<Entry> list = new ArrayList<>(entries.stream().filter(e -> !e.path().equals(entry.path())).toList());
        list.add(entry);
        return new Checksums(format, version, algorithm, recordedAt, list);
    }

    /**
     * Parses a checksums file; refuses one that is not JSON, of another format or algorithm, or
     * that names a path outside the checkpoint (its paths are opened when the checkpoint is checked).
     */
    public static Checksums parse(byte[] json) {
        Checksums c;
        try {
            c = Json.mapper().readValue(json, Checksums.class);
        } catch (IOException e) {
            throw invalid("it is not valid JSON");
        }
        if (c == null || !FORMAT.equals(c.format())) {
            throw invalid("it is not a " + FORMAT + " file");
        }
        if (!ALGORITHM.equals(c.algorithm())) {
            throw invalid("it uses " + c.algorithm() + ", not " + ALGORITHM);
        }
        java.util.Set<String> paths = new java.util.HashSet<>();
        for (Entry e : c.entries()) {
            String problem = problem(e);
            if (problem != null) {
                throw invalid(problem);
            }
            if (!paths.add(e.path())) {
                throw invalid("it names " + e.path() + " twice");
            }
        }
        return c;
    }

    private static String problem(Entry e) {
        String p = e.path();
        if (p == null || p.isEmpty() || p.length() > MAX_PATH || p.startsWith("/")
                || p.chars().anyMatch(ch -> Character.isISOControl(ch) || ch == '\\')) {
            return "it names an invalid path " + Names.quote(String.valueOf(p));
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return "it names a path outside the checkpoint: " + Names.quote(p);
            }
        }
        if (!covers(p)) {
            return "it names " + p + ", which checksums never cover";
        }
        if (e.isLink()) {
            return e.sha256() == null && e.size() == null ? null : "its entry " + p + " is both a link and a file";
        }
        if (e.size() == null || e.size() < 0 || e.sha256() == null || !HEX.matcher(e.sha256()).matches()) {
            return "its entry " + p + " lacks a valid size or SHA-256";
        }
        return null;
    }

    private static DcpException invalid(String why) {
        return new DcpException(ErrorCode.CHECKPOINT_DAMAGED, FILE_NAME + " is unusable: " + why,
                "the checkpoint's record of its files is damaged; make a new checkpoint");
    }
}
