package dev.dockercheckpoint.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.dockercheckpoint.core.Integrity.Damage;
import dev.dockercheckpoint.core.Integrity.State;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a checkpoint's checksums ({@link Checksums}) and checks its files against them.
 *
 * <p>Files are hashed with {@link Sha256} (native where it loads), a few at a time on threads of
 * their own (a checkpoint's memory image is gigabytes, its other files small). Nothing is
 * followed: a symbolic link is recorded as a link, and a link found where a file was recorded is
 * damage. A check of a stored checkpoint leaves its result in a hidden file beside the checksums
 * ({@value #CHECK_RECORD}), so that a listing says "verified" without reading the files again
 * (until a file changes: its modification time is then newer than the check).
 */
public final class IntegrityCheck {
    /** The result of the last check of a stored checkpoint (hidden: never covered, never exported). */
    public static final String CHECK_RECORD = ".integrity-check.json";
    private static final int CHUNK = 1 << 20;
    private static final int MAX_CHECKSUMS_BYTES = 16 << 20;
    private static final long REPORT_EVERY_NANOS = 500_000_000L;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private IntegrityCheck() {
    }

    /** The last check of a stored checkpoint, and which checksums file it was made against. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CheckRecord(Instant checkedAt, State state, List<Damage> damaged, String checksumsSha256) {
    }

    /** An entry found in a checkpoint directory. */
    private record Found(String path, boolean file, boolean link, long size, Instant modified, String target) {
        long modifiedMillis() {
            return modified.toEpochMilli();
        }
    }

    // ---------------------------------------------------------------- recording

    /**
     * Hashes every file of the checkpoint in {@code dir} that checksums cover, and every link;
     * {@code listener} hears the progress as phases between {@code from} and {@code to}. Never
     * cancelled: a checkpoint's files are hashed once they are written, whatever happens.
     */
    public static Checksums record(Path dir, ProgressListener listener, double from, double to) {
        // the time before anything is read: a file modified later is newer than its record
        // (an export then reads it again rather than trusting its recorded sum)
        Instant started = Instant.now();
        Map<String, Found> found = scanOrFail(dir);
        List<Found> files = found.values().stream().filter(Found::file).toList();
        Map<String, Hashed> hashes = hashAll(dir, files, new Meter("recording checksums", listener, from, to, files,
                false));
        List<Checksums.Entry> entries = new ArrayList<>();
        for (Found f : found.values()) {
            if (f.link()) {
                entries.add(Checksums.Entry.symlink(f.path(), f.target()));
            } else if (f.file()) {
                Hashed h = hashes.get(f.path());
                entries.add(Checksums.Entry.file(f.path(), h.bytes(), h.sha256(), f.modified()));
            } else {
                throw new DcpException(ErrorCode.IO_ERROR, "the checkpoint holds " + dir.resolve(f.path())
                        + ", which is neither a file, a directory nor a symbolic link",
                        "nothing but CRIU and docker-checkpoint should write into a checkpoint directory");
            }
        }
        return new Checksums(Checksums.FORMAT, Checksums.VERSION, Checksums.ALGORITHM, started, entries);
    }

    // ---------------------------------------------------------------- checking

    /**
     * The checksums file of the checkpoint in {@code dir}, or null when it has none (made by an
     * older version). A file that cannot be used is {@link ErrorCode#CHECKPOINT_DAMAGED}.
     */
    public static Checksums read(Path dir) {
        byte[] raw = readChecksumsBytes(dir);
        return raw == null ? null : Checksums.parse(raw);
    }

    /**
     * Checks every file of the stored checkpoint in {@code dir} against its checksums; the result
     * is also left for listings ({@link #status}). Progress goes to {@code listener} as phases
     * between {@code from} and {@code to}; its cancel stops the check ({@link ErrorCode#CANCELLED}).
     */
    public static IntegrityReport verifyStored(Path dir, ProgressListener listener, double from, double to) {
        byte[] raw = readChecksumsBytes(dir);
        if (raw == null) {
            return IntegrityReport.none();
        }
        Instant started = Instant.now();
        IntegrityReport report;
        try {
            report = verify(dir, Checksums.parse(raw), listener, from, to);
        } catch (DcpException e) {
            if (e.code() != ErrorCode.CHECKPOINT_DAMAGED) {
                throw e;
            }
            report = new IntegrityReport(State.DAMAGED, 0, 0, List.of(new Damage(Checksums.FILE_NAME,
                    e.getMessage().substring(e.getMessage().indexOf(':') + 2))), started, 0);
        }
        try {
            StoreFiles.writeJson(dir.resolve(CHECK_RECORD), new CheckRecord(report.checkedAt(), report.state(),
                    report.damaged(), Sha256.hex(raw)));
        } catch (DcpException e) {
            // the check stands; only the listing will not know of it
        }
        return report;
    }

    /** Checks the files in {@code dir} against {@code expected} (see {@link #verifyStored}). */
    public static IntegrityReport verify(Path dir, Checksums expected, ProgressListener listener, double from,
            double to) {
        Instant started = Instant.now();
        long t = System.nanoTime();
        Map<String, Found> found = scanOrFail(dir);
        Map<String, Checksums.Entry> actual = new LinkedHashMap<>();
        found.values().forEach(f -> actual.put(f.path(), entryOf(f, null)));
        List<Damage> damaged = new ArrayList<>(compare(expected, actual));
        java.util.Set<String> bad = new java.util.HashSet<>(damaged.stream().map(Damage::path).toList());
        List<Found> toHash = expected.entries().stream().filter(e -> !e.isLink() && !bad.contains(e.path()))
                .map(e -> found.get(e.path())).toList();
        Map<String, Hashed> hashes = hashAll(dir, toHash, new Meter("checking integrity", listener, from, to, toHash,
                true));
        Map<String, Checksums.Entry> hashed = new LinkedHashMap<>();
        long bytes = 0;
        for (Found f : toHash) {
            Hashed h = hashes.get(f.path());
            hashed.put(f.path(), Checksums.Entry.file(f.path(), h.bytes(), h.sha256()));
            bytes += h.bytes();
        }
        Checksums subset = new Checksums(expected.format(), expected.version(), expected.algorithm(),
                expected.recordedAt(), expected.entries().stream().filter(e -> hashed.containsKey(e.path())).toList());
        damaged.addAll(compare(subset, hashed));
        damaged.sort(Comparator.comparing(Damage::path));
        return new IntegrityReport(damaged.isEmpty() ? State.VERIFIED : State.DAMAGED, expected.entries().size(),
                bytes, damaged, started, (System.nanoTime() - t) / 1_000_000);
    }

    /**
     * How {@code actual} (entries by path; a file's SHA-256 may be null when not hashed, then only
     * its size is compared) differs from {@code expected}: entries missing, added, of another kind,
     * size, target or SHA-256. Entries that checksums do not cover are ignored.
     */
    public static List<Damage> compare(Checksums expected, Map<String, Checksums.Entry> actual) {
        List<Damage> damaged = new ArrayList<>();
        Map<String, Checksums.Entry> left = new TreeMap<>();
        actual.forEach((path, e) -> {
            if (Checksums.covers(path)) {
                left.put(path, e);
            }
        });
        for (Checksums.Entry want : expected.entries()) {
            Checksums.Entry got = left.remove(want.path());
            String problem = problem(want, got);
            if (problem != null) {
                damaged.add(new Damage(want.path(), problem));
            }
        }
        left.forEach((path, got) -> damaged.add(new Damage(path, got.isLink()
                ? "was added (a symbolic link to " + got.link() + " that the checksums do not list)"
                : got.size() == null ? "was added (not a regular file; the checksums do not list it)"
                        : "was added (the checksums do not list it)")));
        return damaged;
    }

    private static String problem(Checksums.Entry want, Checksums.Entry got) {
        if (got == null) {
            return "is missing";
        }
        if (want.isLink()) {
            if (!got.isLink()) {
                return "is no longer the symbolic link to " + want.link() + " that was recorded";
            }
            return want.link().equals(got.link()) ? null
                    : "points to " + got.link() + ", not to " + want.link() + " as recorded";
        }
        if (got.isLink()) {
            return "is a symbolic link (to " + got.link() + "), where a file was recorded";
        }
        if (got.size() == null) {
            return "is not a regular file";
        }
        if (!want.size().equals(got.size())) {
            return "is " + got.size() + " bytes, " + want.size() + " were recorded";
        }
        if (got.sha256() != null && !got.sha256().equals(want.sha256())) {
            return "differs from the SHA-256 recorded when the checkpoint was made";
        }
        return null;
    }

    /**
     * The refusal of a damaged checkpoint: one line naming the files (the first three), and every
     * one in the details when there are more.
     */
    public static DcpException damagedError(String what, List<Damage> damaged, String hint) {
        return new DcpException(ErrorCode.CHECKPOINT_DAMAGED, what + " is damaged: " + Integrity.describe(damaged),
                hint, damaged.size() > 3 ? damaged.stream().map(Damage::toString).toList() : List.of(), null, null);
    }

    /**
     * The checksums of the checkpoint in {@code dir} for a reader that hashes its files itself as
     * it reads them (an export), after a check of what is there (no file missing, added or of
     * another size); null when the checkpoint has none. A damaged checkpoint is refused as
     * {@code what}, with {@code hint}.
     */
    public static Recorded beforeReading(Path dir, String what, String hint) {
        Checksums expected = read(dir);
        if (expected == null) {
            return null;
        }
        Map<String, Checksums.Entry> actual = new LinkedHashMap<>();
        scanOrFail(dir).values().forEach(f -> actual.put(f.path(), entryOf(f, null)));
        List<Damage> damaged = compare(expected, actual);
        if (!damaged.isEmpty()) {
            throw damagedError(what, damaged, hint);
        }
        return new Recorded(expected, what, hint);
    }

    /** The checksums a reader compares each file with as it has hashed it (see {@link #beforeReading}). */
    public static final class Recorded {
        private final Map<String, Checksums.Entry> byPath;
        private final Instant recordedAt;
        private final String what;
        private final String hint;

        private Recorded(Checksums checksums, String what, String hint) {
            this.byPath = checksums.byPath();
            this.recordedAt = checksums.recordedAt();
            this.what = what;
            this.hint = hint;
        }

        /**
         * The SHA-256 recorded for the file at {@code rel} when it still looks as it did then: of
         * the recorded size, and with the modification time it had when it was hashed ({@code
         * modified}, to the nanosecond: no clock is compared with another); for checksums of an
         * earlier version, which have no time per file, modified no later than they were recorded.
         * Null otherwise (not covered, changed since, or no time recorded), when it has to be read
         * to be known. Nothing is read: a file changed in place with its time set back is not
         * noticed here (a reader of the copy that hashes it, an import, notices it).
         */
        public String unchanged(String rel, long size, Instant modified) {
            Checksums.Entry want = byPath.get(rel);
            if (want == null || want.isLink() || want.size() != size) {
                return null;
            }
            if (want.modified() != null) {
                return want.modified().equals(modified) ? want.sha256() : null;
            }
            return recordedAt == null || modified.isAfter(recordedAt) ? null : want.sha256();
        }

        /** Refuses the file at {@code rel} when it was recorded with another size or SHA-256. */
        public void check(String rel, long size, String sha256) {
            Checksums.Entry want = byPath.get(rel);
            if (want == null) {
                return; // not covered (a log), or found missing or added before
            }
            String problem = problem(want, Checksums.Entry.file(rel, size, sha256));
            if (problem != null) {
                throw damagedError(what, List.of(new Damage(rel, problem)), hint);
            }
        }
    }

    // ---------------------------------------------------------------- listing

    /**
     * What can be said of the checkpoint in {@code dir} without reading its files: its checksums
     * file is read, its files' sizes and times are compared with it and with the last check.
     */
    public static Integrity status(Path dir) {
        byte[] raw;
        Checksums expected;
        try {
            raw = readChecksumsBytes(dir);
            if (raw == null) {
                return Integrity.of(State.NONE);
            }
            expected = Checksums.parse(raw);
        } catch (DcpException e) {
            return new Integrity(State.DAMAGED, null, List.of(new Damage(Checksums.FILE_NAME,
                    e.code() == ErrorCode.CHECKPOINT_DAMAGED ? e.getMessage().substring(e.getMessage().indexOf(':')
                            + 2) : "cannot be read")));
        }
        Map<String, Found> found;
        try {
            found = scan(dir);
        } catch (IOException e) {
            return Integrity.of(State.RECORDED);
        }
        Map<String, Checksums.Entry> actual = new LinkedHashMap<>();
        found.values().forEach(f -> actual.put(f.path(), entryOf(f, null)));
        List<Damage> damaged = compare(expected, actual);
        if (!damaged.isEmpty()) {
            return new Integrity(State.DAMAGED, null, damaged);
        }
        CheckRecord last = readRecord(dir);
        if (last == null || last.checkedAt() == null || !Sha256.hex(raw).equals(last.checksumsSha256())) {
            return Integrity.of(State.RECORDED);
        }
        if (last.state() == State.DAMAGED) {
            return new Integrity(State.DAMAGED, last.checkedAt(), last.damaged());
        }
        long checked = last.checkedAt().toEpochMilli();
        boolean unchanged = found.values().stream().filter(Found::file).allMatch(f -> f.modifiedMillis() <= checked);
        return last.state() == State.VERIFIED && unchanged ? new Integrity(State.VERIFIED, last.checkedAt(), null)
                : Integrity.of(State.RECORDED);
    }

    private static CheckRecord readRecord(Path dir) {
        Path file = dir.resolve(CHECK_RECORD);
        try {
            if (!Files.isRegularFile(file, NOFOLLOW) || Files.size(file) > MAX_CHECKSUMS_BYTES) {
                return null;
            }
            try (var in = Files.newInputStream(file, NOFOLLOW)) {
                return Json.mapper().readValue(in, CheckRecord.class);
            }
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- files

    private static byte[] readChecksumsBytes(Path dir) {
        Path file = dir.resolve(Checksums.FILE_NAME);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
            if (!a.isRegularFile()) {
                throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, Checksums.FILE_NAME
                        + " is unusable: it is not a regular file", "make a new checkpoint");
            }
            if (a.size() > MAX_CHECKSUMS_BYTES) {
                throw new DcpException(ErrorCode.CHECKPOINT_DAMAGED, Checksums.FILE_NAME
                        + " is unusable: it is larger than " + Bytes.human(MAX_CHECKSUMS_BYTES), "make a new checkpoint");
            }
            try (var in = Files.newInputStream(file, NOFOLLOW)) {
                return in.readAllBytes();
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw StoreFiles.io("cannot read " + file, e);
        }
    }

    private static Checksums.Entry entryOf(Found f, String sha256) {
        if (f.link()) {
            return Checksums.Entry.symlink(f.path(), f.target());
        }
        return f.file() ? new Checksums.Entry(f.path(), f.size(), sha256, null)
                : new Checksums.Entry(f.path(), null, null, null);
    }

    private static Map<String, Found> scanOrFail(Path dir) {
        try {
            return scan(dir);
        } catch (IOException e) {
            throw StoreFiles.io("cannot read " + dir, e);
        }
    }

    /** The covered entries of {@code dir} by relative path, sorted; directories are descended, never links. */
    private static Map<String, Found> scan(Path dir) throws IOException {
        Map<String, Found> found = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                String rel = rel(dir, d);
                return rel.isEmpty() || Checksums.covers(rel) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(dir, file);
                if (Checksums.covers(rel)) {
                    found.put(rel, new Found(rel, attrs.isRegularFile(), attrs.isSymbolicLink(), attrs.size(),
                            attrs.lastModifiedTime().toInstant(),
                            attrs.isSymbolicLink() ? Files.readSymbolicLink(file).toString() : null));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    private static String rel(Path dir, Path p) {
        return dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    /** A file's SHA-256 and the bytes it was computed over. */
    private record Hashed(String sha256, long bytes) {
    }

    /**
     * Hashes {@code files}, largest first, on up to four threads (no more than the processors);
     * the meter hears every chunk and may cancel.
     */
    private static Map<String, Hashed> hashAll(Path dir, List<Found> files, Meter meter) {
        Map<String, Hashed> result = new ConcurrentHashMap<>();
        if (files.isEmpty()) {
            return result;
        }
        ConcurrentLinkedQueue<Found> queue = new ConcurrentLinkedQueue<>(files.stream()
                .sorted(Comparator.comparingLong(Found::size).reversed()).toList());
        int threads = Math.max(1, Math.min(Math.min(4, Runtime.getRuntime().availableProcessors()), files.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "sha256-check");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    byte[] buf = new byte[CHUNK];
                    for (Found f; (f = queue.poll()) != null && !meter.stopped(); ) {
                        result.put(f.path(), hash(dir.resolve(f.path()), buf, meter));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            meter.stop();
            throw new DcpException(ErrorCode.CANCELLED, meter.what + " interrupted", "");
        } catch (ExecutionException e) {
            meter.stop();
            if (e.getCause() instanceof DcpException d) {
                throw d;
            }
            if (e.getCause() instanceof IOException io) {
                throw StoreFiles.io("cannot read a file of " + dir, io);
            }
            throw new IllegalStateException("hashing failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (meter.cancelled.get()) {
            throw new DcpException(ErrorCode.CANCELLED, meter.what + " cancelled", "");
        }
        meter.done();
        return result;
    }

    private static Hashed hash(Path file, byte[] buf, Meter meter) throws IOException {
        MessageDigest md = Sha256.newDigest();
        long total = 0;
        ByteBuffer bb = ByteBuffer.wrap(buf);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW)) {
            for (int n; (n = ch.read(bb.clear())) >= 0; ) {
                md.update(buf, 0, n);
                total += n;
                if (meter.add(n)) {
                    break;
                }
            }
        }
        return new Hashed(HexFormat.of().formatHex(md.digest()), total);
    }

    /** Bytes hashed so far, told to the listener as a phase at most twice a second; polls its cancel. */
    private static final class Meter {
        final String what;
        private final ProgressListener listener;
        private final double from;
        private final double to;
        private final long total;
        private final boolean cancellable;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong lastReport = new AtomicLong(System.nanoTime());
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean stopped = new AtomicBoolean();

        Meter(String what, ProgressListener listener, double from, double to, List<Found> files, boolean cancellable) {
            this.what = what;
            this.listener = listener;
            this.from = from;
            this.to = to;
            this.total = files.stream().mapToLong(Found::size).sum();
            this.cancellable = cancellable;
            listener.phase(what + " (" + files.size() + " files, " + Bytes.human(total) + ")", from);
        }

        /** Counts {@code n} bytes; true when the work is to stop. */
        boolean add(long n) {
            long d = done.addAndGet(n);
            long now = System.nanoTime();
            long last = lastReport.get();
            if (now - last > REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
                listener.phase(what + ": " + Bytes.human(d) + " of " + Bytes.human(total), from + (to - from)
                        * Math.min(1.0, d / (double) Math.max(1, total)));
            }
            if (cancellable && listener.isCancelled()) {
                cancelled.set(true);
                stopped.set(true);
            }
            return stopped.get();
        }

        boolean stopped() {
            return stopped.get();
        }

        void stop() {
            stopped.set(true);
        }

        void done() {
            listener.phase(what + ": " + Bytes.human(done.get()) + " hashed", to);
        }
    }
}
