package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path tmp;

    Path base;
    CheckpointStore store;

    @BeforeEach
    void setUp() {
        base = tmp.resolve("store");
        store = new CheckpointStore(base, Posix.currentUid());
    }

    // ---------------------------------------------------------------- helpers

    private static int perms(Path p) throws IOException {
        return Posix.mode(p) & 07777;
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static DcpException fails(ErrorCode expected, Executable call) {
        DcpException e = assertThrows(DcpException.class, call);
        assertEquals(expected, e.code(), e.getMessage());
        assertFalse(e.hint().isBlank(), "hint must not be empty");
        return e;
    }

    private Path commit(String container, String name) {
        CheckpointStore.Pending pending = store.create(container, name);
        pending.writeManifest(ManifestFixtures.fullManifest());
        return pending.commit();
    }

    /** Creates {@code dir} and its missing parents, each 0700 (as the store makes every level below a base). */
    private static void mkdirPrivate(Path dir) throws IOException {
        if (dir.getParent() != null && !Files.exists(dir.getParent(), NOFOLLOW)) {
            mkdirPrivate(dir.getParent());
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, Posix.DIR_PRIVATE);
    }

    // ---------------------------------------------------------------- layout, create, commit, abort

    @Test
    void layoutIsBaseContainerName() {
        assertEquals(base.toAbsolutePath().normalize(), store.base());
        assertEquals(base.resolve("myapp").resolve("cp1"), store.checkpointDir("myapp", "cp1"));

        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        assertEquals("myapp", pending.container());
        assertEquals("cp1", pending.name());
        assertEquals(base.resolve("myapp").resolve("cp1"), pending.finalDir());
        assertEquals(base.resolve("myapp"), pending.dir().getParent(), "temp dir must be a sibling");
        String tempName = pending.dir().getFileName().toString();
        assertTrue(tempName.startsWith(".cp1" + CheckpointStore.PARTIAL_MARKER), tempName);
        assertTrue(Files.isDirectory(pending.dir(), NOFOLLOW));
        assertFalse(Files.exists(pending.finalDir(), NOFOLLOW));

        Path done = pending.commit();
        assertEquals(pending.finalDir(), done);
        assertTrue(Files.isDirectory(done, NOFOLLOW));
        assertFalse(Files.exists(pending.dir(), NOFOLLOW), "temp dir must be renamed away");
    }

    @Test
    void twoPendingCheckpointsGetDistinctTempDirs() {
        CheckpointStore.Pending a = store.create("myapp", "cp1");
        CheckpointStore.Pending b = store.create("myapp", "cp1");
        assertNotEquals(a.dir(), b.dir());
        a.abort();
        b.abort();
    }

    @Test
    void pendingCheckpointIsInvisibleUntilCommit() throws IOException {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        pending.writeManifest(ManifestFixtures.fullManifest());
        Files.writeString(pending.dir().resolve("pages-1.img"), "memory");

        assertEquals(List.of(), store.list());
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.open("myapp", "cp1"));

        pending.commit();

        List<CheckpointStore.Stored> all = store.list();
        assertEquals(1, all.size());
        assertEquals("myapp", all.get(0).container());
        assertEquals("cp1", all.get(0).name());
        assertEquals(pending.finalDir(), all.get(0).dir());
        CheckpointStore.Stored opened = store.open("myapp", "cp1");
        assertEquals("memory", Files.readString(opened.dir().resolve("pages-1.img")));
    }

    @Test
    void commitMakesDirectoriesPrivateAndFilesPrivate() throws IOException {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        Path file = pending.dir().resolve("pages-1.img");
        Files.writeString(file, "memory");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path sub = pending.dir().resolve("predump");
        Files.createDirectory(sub);
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path nested = sub.resolve("pages-1.img");
        Files.writeString(nested, "older memory");
        Files.setPosixFilePermissions(nested, PosixFilePermissions.fromString("rw-rw-rw-"));
        pending.writeManifest(ManifestFixtures.fullManifest());
        assertEquals(0644, perms(file), "precondition");

        Path dir = pending.commit();

        assertEquals(0700, perms(base));
        assertEquals(0700, perms(base.resolve("myapp")));
        assertEquals(0700, perms(dir));
        assertEquals(0700, perms(dir.resolve("predump")));
        assertEquals(0600, perms(dir.resolve("pages-1.img")));
        assertEquals(0600, perms(dir.resolve("predump").resolve("pages-1.img")));
        assertEquals(0600, perms(dir.resolve(Manifest.FILE_NAME)));
        assertEquals("older memory", Files.readString(dir.resolve("predump").resolve("pages-1.img")));
    }

    @Test
    void tempDirIsPrivateBeforeCommit() throws IOException {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        assertEquals(0700, perms(pending.dir()));
        pending.abort();
    }

    @Test
    void abortDeletesTempDir() throws IOException {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        Files.createDirectories(pending.dir().resolve("a/b"));
        Files.writeString(pending.dir().resolve("a/b/file"), "x");

        pending.abort();

        assertFalse(Files.exists(pending.dir(), NOFOLLOW));
        assertFalse(Files.exists(pending.finalDir(), NOFOLLOW));
        assertEquals(List.of(), children(base.resolve("myapp")));
        // the name is free again
        store.create("myapp", "cp1").abort();
    }

    @Test
    void abortAfterCommitKeepsTheCheckpoint() {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        pending.writeManifest(ManifestFixtures.fullManifest());
        Path dir = pending.commit();
        pending.abort();
        assertTrue(Files.isRegularFile(dir.resolve(Manifest.FILE_NAME)));
        assertThrows(IllegalStateException.class, pending::commit);
    }

    @Test
    void commitDoesNotChangePermissionsThroughSymlinks() throws IOException {
        Path outsideFile = Files.writeString(tmp.resolve("outside.txt"), "outside");
        Files.setPosixFilePermissions(outsideFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path outsideDir = Files.createDirectory(tmp.resolve("outside-dir"));
        Files.setPosixFilePermissions(outsideDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        Files.createSymbolicLink(pending.dir().resolve("file-link"), outsideFile);
        Files.createSymbolicLink(pending.dir().resolve("dir-link"), outsideDir);

        Path dir = pending.commit();

        assertEquals(0644, perms(outsideFile));
        assertEquals(0755, perms(outsideDir));
        assertTrue(Files.isSymbolicLink(dir.resolve("file-link")));
    }

    @Test
    void abortDoesNotDeleteThroughSymlinks() throws IOException {
        Path outsideDir = Files.createDirectory(tmp.resolve("outside-dir"));
        Path precious = Files.writeString(outsideDir.resolve("precious"), "keep");
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        Files.createSymbolicLink(pending.dir().resolve("dir-link"), outsideDir);
        Files.createSymbolicLink(pending.dir().resolve("file-link"), precious);

        pending.abort();

        assertFalse(Files.exists(pending.dir(), NOFOLLOW));
        assertEquals("keep", Files.readString(precious));
    }

    @Test
    void takenNameIsRefusedAndExistingContentIsUntouched() throws IOException {
        CheckpointStore.Pending first = store.create("myapp", "cp1");
        Files.writeString(first.dir().resolve("pages-1.img"), "original");
        first.writeManifest(ManifestFixtures.fullManifest());
        Path dir = first.commit();
        String manifestBefore = Files.readString(dir.resolve(Manifest.FILE_NAME));

        DcpException e = fails(ErrorCode.CHECKPOINT_EXISTS, () -> store.create("myapp", "cp1"));
        assertTrue(e.getMessage().contains("myapp/cp1"), e.getMessage());

        assertEquals(List.of("cp1"), children(base.resolve("myapp")), "no temp dir may be left behind");
        assertEquals(List.of(Manifest.FILE_NAME, "pages-1.img"), children(dir));
        assertEquals("original", Files.readString(dir.resolve("pages-1.img")));
        assertEquals(manifestBefore, Files.readString(dir.resolve(Manifest.FILE_NAME)));
    }

    @Test
    void commitRefusesWhenTheNameAppearedMeanwhile() throws IOException {
        CheckpointStore.Pending pending = store.create("myapp", "cp1");
        Files.writeString(pending.dir().resolve("pages-1.img"), "mine");
        mkdirPrivate(pending.finalDir());
        Files.writeString(pending.finalDir().resolve("theirs"), "theirs");

        fails(ErrorCode.CHECKPOINT_EXISTS, pending::commit);

        assertEquals(List.of("theirs"), children(pending.finalDir()));
        pending.abort();
        assertFalse(Files.exists(pending.dir(), NOFOLLOW));
    }

    @Test
    void invalidNamesAreRefusedBeforeAnythingIsCreated() {
        fails(ErrorCode.INVALID_INPUT, () -> store.create("../evil", "cp1"));
        fails(ErrorCode.INVALID_INPUT, () -> store.create("myapp", "a/b"));
        fails(ErrorCode.INVALID_INPUT, () -> store.open("myapp", ".."));
        fails(ErrorCode.INVALID_INPUT, () -> store.checkpointDir("myapp", "-x"));
        assertFalse(Files.exists(base, NOFOLLOW));
    }

    @Test
    void constructorRefusesEmptyOrControlCharacterPaths() {
        fails(ErrorCode.INVALID_INPUT, () -> new CheckpointStore(Path.of("")));
        fails(ErrorCode.INVALID_INPUT, () -> new CheckpointStore(null, 0));
        fails(ErrorCode.INVALID_INPUT, () -> new CheckpointStore(Path.of("/tmp/a\nb"), 0));
    }

    // ---------------------------------------------------------------- base directory safety

    @Test
    void missingBaseAndParentsAreCreatedPrivate() throws IOException {
        Path deep = tmp.resolve("a").resolve("b").resolve("store");
        CheckpointStore s = new CheckpointStore(deep, Posix.currentUid());
        s.create("myapp", "cp1").abort();
        assertEquals(0700, perms(deep));
        assertEquals(0700, perms(tmp.resolve("a")));
        assertEquals(0700, perms(tmp.resolve("a").resolve("b")));
        assertEquals(0700, perms(deep.resolve("myapp")));
    }

    @Test
    void baseThatIsARegularFileIsInvalidInput() throws IOException {
        Files.writeString(base, "not a directory");
        fails(ErrorCode.INVALID_INPUT, () -> store.create("myapp", "cp1"));
        fails(ErrorCode.INVALID_INPUT, () -> store.open("myapp", "cp1"));
        assertEquals("not a directory", Files.readString(base));
    }

    @Test
    void baseThatIsASymlinkIsUnsafe() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(target, Posix.DIR_PRIVATE);
        Files.createSymbolicLink(base, target);

        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));
        assertEquals(List.of(), children(target));
    }

    @Test
    void aSymlinkedComponentAboveTheBaseIsUnsafeAndNothingIsCreatedThroughIt() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.setPosixFilePermissions(real, Posix.DIR_PRIVATE);
        Files.createSymbolicLink(tmp.resolve("link"), real);
        CheckpointStore s = new CheckpointStore(tmp.resolve("link").resolve("store"), Posix.currentUid());
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> s.create("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> s.open("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, s::list);
        assertEquals(List.of(), children(real));
    }

    @Test
    void aCheckpointDirectoryOpenToOthersIsRefusedBeforeItsPathIsHandedOut() throws IOException {
        Path dir = commit("myapp", "cp1");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));
        assertTrue(e.getMessage().contains("must be 0700"), e.getMessage());
        assertEquals(List.of(), store.list());
    }

    @Test
    void danglingSymlinkAsBaseIsUnsafeAndNotFollowed() throws IOException {
        Path target = tmp.resolve("not-yet");
        Files.createSymbolicLink(base, target);
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        assertFalse(Files.exists(target, NOFOLLOW));
    }

    @Test
    void baseWritableByOthersIsUnsafe() throws IOException {
        mkdirPrivate(base);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.list());
        assertEquals(List.of(), children(base));
    }

    @Test
    void baseWritableByGroupIsUnsafe() throws IOException {
        mkdirPrivate(base);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwx---"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        assertEquals(List.of(), children(base));
    }

    @Test
    void baseOwnedByAnotherUserIsUnsafe() throws IOException {
        mkdirPrivate(base); // owned by this process's user
        CheckpointStore other = new CheckpointStore(base, 4242);
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> other.create("myapp", "cp1"));
        assertTrue(e.getMessage().contains("another user"), e.getMessage());
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> other.open("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, other::list);
        assertEquals(List.of(), children(base));
    }

    @Test
    void containerDirOwnedByAnotherUserIsUnsafe() throws IOException {
        // the store runs as uid 4242 and owns the base (chown needs root), but the container
        // directory below it belongs to the current user: it must be refused
        org.junit.jupiter.api.Assumptions.assumeTrue(Posix.isRoot(), "chown needs root");
        mkdirPrivate(base.resolve("myapp"));
        Files.setAttribute(base, "unix:uid", 4242, NOFOLLOW);
        CheckpointStore other = new CheckpointStore(base, 4242);
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> other.create("myapp", "cp1"));
        assertTrue(e.getMessage().contains(base.resolve("myapp").toString()), e.getMessage());
        assertEquals(List.of(), children(base.resolve("myapp")));
    }

    @Test
    void ancestorWritableByOthersWithoutStickyBitIsUnsafe() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        CheckpointStore s = new CheckpointStore(shared.resolve("store"), Posix.currentUid());
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> s.create("myapp", "cp1"));
        assertTrue(e.getMessage().contains("other users can write"), e.getMessage());
        assertEquals(List.of(), children(shared));
    }

    @Test
    void missingParentUnderAnUnsafeAncestorIsNotCreated() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        CheckpointStore s = new CheckpointStore(shared.resolve("x").resolve("store"), Posix.currentUid());
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> s.create("myapp", "cp1"));
        assertEquals(List.of(), children(shared));
    }

    @Test
    void ancestorWritableByOthersWithStickyBitIsAccepted() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        assertEquals(01777, perms(shared), "precondition: sticky bit set");
        CheckpointStore s = new CheckpointStore(shared.resolve("store"), Posix.currentUid());
        s.create("myapp", "cp1").abort();
        assertTrue(Files.isDirectory(shared.resolve("store").resolve("myapp"), NOFOLLOW));
    }

    @Test
    void ancestorOwnedByAnotherUserIsUnsafe() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Posix.isRoot(), "chown needs root");
        Path foreign = Files.createDirectory(tmp.resolve("foreign"));
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(foreign, "unix:uid", 4242, NOFOLLOW);
        CheckpointStore s = new CheckpointStore(foreign.resolve("store"), 0);
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> s.create("myapp", "cp1"));
        assertTrue(e.getMessage().contains("uid 4242"), e.getMessage());
        assertEquals(List.of(), children(foreign));
    }

    // ---------------------------------------------------------------- planted entries

    @Test
    void plantedSymlinkAsContainerEntryIsUnsafe() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        mkdirPrivate(base);
        Files.createSymbolicLink(base.resolve("myapp"), target);

        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));

        assertEquals(List.of(), children(target), "nothing may be created through the link");
        assertTrue(Files.isSymbolicLink(base.resolve("myapp")));
    }

    @Test
    void plantedSymlinkAsCheckpointEntryIsRefused() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        Files.setPosixFilePermissions(target, Posix.DIR_PRIVATE);
        mkdirPrivate(base.resolve("myapp"));
        Path link = Files.createSymbolicLink(base.resolve("myapp").resolve("cp1"), target);

        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.create("myapp", "cp1"));
        assertEquals(List.of(), children(target), "nothing may be written through the link");
        assertEquals(List.of("cp1"), children(base.resolve("myapp")), "no temp dir may be left behind");
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void plantedSymlinkCheckpointIsNeitherOpenedNorListed() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        Files.setPosixFilePermissions(target, Posix.DIR_PRIVATE);
        CheckpointStore.writeJson(target.resolve(Manifest.FILE_NAME), ManifestFixtures.fullManifest());
        mkdirPrivate(base.resolve("myapp"));
        Files.createSymbolicLink(base.resolve("myapp").resolve("cp1"), target);

        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));
        assertEquals(List.of(), store.list());
    }

    @Test
    void containerEntryThatIsAFileIsRefused() throws IOException {
        mkdirPrivate(base);
        Files.writeString(base.resolve("myapp"), "file");
        DcpException e = assertThrows(DcpException.class, () -> store.create("myapp", "cp1"));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertEquals("file", Files.readString(base.resolve("myapp")));
    }

    // ---------------------------------------------------------------- open

    @Test
    void openOfMissingCheckpointIsNotFound() throws IOException {
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.open("myapp", "cp1")); // no base at all
        assertFalse(Files.exists(base, NOFOLLOW), "open must not create the base");
        mkdirPrivate(base);
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.open("myapp", "cp1")); // no container dir
        commit("myapp", "cp1");
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.open("myapp", "cp2")); // other name
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.open("other", "cp1")); // other container
    }

    @Test
    void openOfDirWithoutManifestIsIncomplete() throws IOException {
        Path dir = base.resolve("myapp").resolve("cp1");
        mkdirPrivate(dir);
        Files.writeString(dir.resolve("pages-1.img"), "memory");
        DcpException e = fails(ErrorCode.CHECKPOINT_INCOMPLETE, () -> store.open("myapp", "cp1"));
        assertTrue(e.getMessage().contains(Manifest.FILE_NAME), e.getMessage());
    }

    @Test
    void openOfDirWithUnreadableManifestIsIncomplete() throws IOException {
        Path dir = base.resolve("myapp").resolve("cp1");
        mkdirPrivate(dir);
        Files.writeString(dir.resolve(Manifest.FILE_NAME), "{ this is not json");
        fails(ErrorCode.CHECKPOINT_INCOMPLETE, () -> store.open("myapp", "cp1"));
    }

    @Test
    void openOfManifestThatIsASymlinkIsIncomplete() throws IOException {
        Path elsewhere = tmp.resolve("manifest.json");
        CheckpointStore.writeJson(elsewhere, ManifestFixtures.fullManifest());
        Path dir = base.resolve("myapp").resolve("cp1");
        mkdirPrivate(dir);
        Files.createSymbolicLink(dir.resolve(Manifest.FILE_NAME), elsewhere);
        fails(ErrorCode.CHECKPOINT_INCOMPLETE, () -> store.open("myapp", "cp1"));
    }

    @Test
    void openOfCheckpointDirWritableByOthersIsUnsafe() throws IOException {
        Path dir = commit("myapp", "cp1");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> store.open("myapp", "cp1"));
    }

    @Test
    void manifestRoundTripsThroughCommitAndOpen() {
        Manifest manifest = ManifestFixtures.fullManifest();
        CheckpointStore.Pending pending = store.create("myapp", "checkpoint1");
        pending.writeManifest(manifest);
        Path dir = pending.commit();

        CheckpointStore.Stored stored = store.open("myapp", "checkpoint1");
        assertEquals("myapp", stored.container());
        assertEquals("checkpoint1", stored.name());
        assertEquals(dir, stored.dir());
        assertEquals(manifest, stored.manifest());
        assertEquals(manifest.spec(), stored.manifest().spec());
        assertEquals(manifest.createdAt(), stored.manifest().createdAt());
    }

    // ---------------------------------------------------------------- repairPartial

    private static String partialOf(CheckpointStore.Pending p) {
        return p.dir().getFileName().toString();
    }

    @Test
    void repairRemovesOnlyTheNamedTemporaryDirectory() throws IOException {
        CheckpointStore.Pending mine = store.create("myapp", "cp1");
        Files.writeString(mine.dir().resolve("pages-1.img"), "x");
        mine.keep();
        CheckpointStore.Pending another = store.create("myapp", "cp1");
        another.keep();
        Path committed = commit("myapp", "cp2");
        Path foreign = base.resolve("myapp").resolve(".x" + CheckpointStore.PARTIAL_MARKER + "1");
        mkdirPrivate(foreign);

        CheckpointStore.Repaired r = store.repairPartial("myapp", partialOf(mine), dir -> false, "unused");

        assertEquals(CheckpointStore.Outcome.REMOVED, r.outcome());
        assertEquals(mine.dir(), r.path());
        assertFalse(Files.exists(mine.dir(), NOFOLLOW));
        assertTrue(Files.isDirectory(another.dir()), "another operation's directory is not this entry's");
        assertTrue(Files.isDirectory(foreign), "a directory the journal does not name is left alone");
        assertTrue(Files.isRegularFile(committed.resolve(Manifest.FILE_NAME)));
        assertEquals(CheckpointStore.Outcome.ABSENT, store.repairPartial("myapp", partialOf(mine), dir -> false,
                "unused").outcome(), "a second run finds nothing");
    }

    @Test
    void repairLeavesALinkOrAFileAtTheNamedPlaceAlone() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        Path victim = Files.writeString(target.resolve("precious"), "keep");
        mkdirPrivate(base.resolve("myapp"));
        String link = ".cp1" + CheckpointStore.PARTIAL_MARKER + "aaaa";
        Files.createSymbolicLink(base.resolve("myapp").resolve(link), target);
        String file = ".cp1" + CheckpointStore.PARTIAL_MARKER + "bbbb";
        Files.writeString(base.resolve("myapp").resolve(file), "a file");

        CheckpointStore.Repaired r = store.repairPartial("myapp", link, dir -> true, "unused");
        assertEquals(CheckpointStore.Outcome.LEFT, r.outcome());
        assertTrue(r.why().contains("symbolic link"), r.why());
        assertEquals(CheckpointStore.Outcome.LEFT, store.repairPartial("myapp", file, dir -> true, "x").outcome());
        assertTrue(Files.isSymbolicLink(base.resolve("myapp").resolve(link)));
        assertEquals("keep", Files.readString(victim));
        assertEquals(List.of(link, file), children(base.resolve("myapp")));
    }

    @Test
    void repairDoesNotFollowASymlinkedContainerDirectory() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        Path victim = Files.createDirectory(target.resolve(".x" + CheckpointStore.PARTIAL_MARKER + "1"));
        mkdirPrivate(base);
        Files.createSymbolicLink(base.resolve("myapp"), target);

        CheckpointStore.Repaired r = store.repairPartial("myapp", victim.getFileName().toString(), dir -> false,
                "unused");
        assertEquals(CheckpointStore.Outcome.LEFT, r.outcome());
        assertTrue(Files.isDirectory(victim));
    }

    @Test
    void aFinishedDumpIsKeptAndMarkedIncompleteWhileUnfinishedOnesAreRemoved() throws IOException {
        CheckpointStore.Pending finished = store.create("myapp", "cp1");
        finished.writeManifest(ManifestFixtures.fullManifest().withIncomplete("interrupted"));
        Files.writeString(finished.dir().resolve("inventory.img"), "x");
        finished.keep();
        CheckpointStore.Pending finishedAndFinal = store.create("myapp", "cp2");
        finishedAndFinal.writeManifest(ManifestFixtures.fullManifest());
        Files.writeString(finishedAndFinal.dir().resolve("inventory.img"), "x");
        finishedAndFinal.keep();
        commit("myapp", "cp2-recovered"); // the free-name search must skip taken names
        commit("myapp", "cp2"); // the name was taken meanwhile
        CheckpointStore.Pending unfinished = store.create("myapp", "cp3");
        unfinished.writeManifest(ManifestFixtures.fullManifest().withIncomplete("interrupted"));
        unfinished.keep();
        CheckpointStore.Pending noManifest = store.create("myapp", "cp4");
        Files.writeString(noManifest.dir().resolve("inventory.img"), "x");
        noManifest.keep();
        java.util.function.Predicate<Path> finishedDump = dir -> Files.exists(dir.resolve("inventory.img"));

        CheckpointStore.Repaired r1 = store.repairPartial("myapp", partialOf(finished), finishedDump,
                "the helper stopped");
        CheckpointStore.Repaired r2 = store.repairPartial("myapp", partialOf(finishedAndFinal), finishedDump,
                "the helper stopped");
        CheckpointStore.Repaired r3 = store.repairPartial("myapp", partialOf(unfinished), finishedDump, "x");
        CheckpointStore.Repaired r4 = store.repairPartial("myapp", partialOf(noManifest), finishedDump, "x");

        Path cp1 = base.resolve("myapp").resolve("cp1");
        Path cp2 = base.resolve("myapp").resolve("cp2-recovered-2");
        assertEquals(new CheckpointStore.Repaired(CheckpointStore.Outcome.KEPT, cp1, null), r1);
        assertEquals(new CheckpointStore.Repaired(CheckpointStore.Outcome.KEPT, cp2, null), r2);
        assertEquals(CheckpointStore.Outcome.REMOVED, r3.outcome());
        assertEquals(CheckpointStore.Outcome.REMOVED, r4.outcome());
        assertEquals("the helper stopped", store.open("myapp", "cp1").manifest().incomplete(),
                "a dump interrupted before its end is marked with the reason");
        assertEquals(null, store.open("myapp", "cp2-recovered-2").manifest().incomplete(),
                "a checkpoint interrupted only before its rename was complete");
        assertTrue(Files.isRegularFile(cp1.resolve("inventory.img")));
        assertEquals(0700, perms(cp1));
        assertEquals(List.of("cp1", "cp2", "cp2-recovered", "cp2-recovered-2"), children(base.resolve("myapp")));
        assertEquals("the helper stopped", store.summary(store.open("myapp", "cp1")).incomplete());
    }

    @Test
    void theRestOfADeletedCheckpointIsNeverKept() throws IOException {
        Path dir = commit("myapp", "cp1");
        Files.writeString(dir.resolve("inventory.img"), "x");
        String trash = CheckpointStore.trashName("cp1");
        Files.move(dir, dir.resolveSibling(trash));
        CheckpointStore.Repaired r = store.repairPartial("myapp", trash, d -> true, "unused");
        assertEquals(CheckpointStore.Outcome.REMOVED, r.outcome());
        assertEquals(List.of(), children(base.resolve("myapp")));
    }

    @Test
    void repairOfAMissingBaseOrContainerDoesNothing() throws IOException {
        String partial = CheckpointStore.partialName("cp1");
        assertEquals(CheckpointStore.Outcome.ABSENT, store.repairPartial("myapp", partial, dir -> false, "x")
                .outcome());
        assertFalse(Files.exists(base, NOFOLLOW));
        mkdirPrivate(base);
        assertEquals(CheckpointStore.Outcome.ABSENT, store.repairPartial("myapp", partial, dir -> false, "x")
                .outcome());
        assertEquals(CheckpointStore.Outcome.LEFT, store.repairPartial("myapp", "cp1", dir -> false, "x")
                .outcome(), "only temporary names are repaired");
    }

    @Test
    void deleteRenamesThenRemovesAndLeavesOtherCheckpoints() throws IOException {
        Path dir = commit("myapp", "cp1");
        Path other = commit("myapp", "cp2");
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep");
        Files.createSymbolicLink(dir.resolve("link"), outside);
        assertEquals(dir, store.delete("myapp", "cp1"));
        assertEquals(List.of("cp2"), children(base.resolve("myapp")));
        assertTrue(Files.isDirectory(other));
        assertEquals("keep", Files.readString(outside.resolve("precious")));
        fails(ErrorCode.CHECKPOINT_NOT_FOUND, () -> store.delete("myapp", "cp1"));
    }

    // ---------------------------------------------------------------- list

    @Test
    void listIsSortedByContainerThenName() {
        commit("zeta", "b");
        commit("alpha", "cp2");
        commit("zeta", "a");
        commit("alpha", "cp10");
        commit("alpha", "cp1");

        List<String> listed = new ArrayList<>();
        for (CheckpointStore.Stored s : store.list()) {
            listed.add(s.container() + "/" + s.name());
            assertEquals(ManifestFixtures.fullManifest(), s.manifest());
            assertEquals(base.resolve(s.container()).resolve(s.name()), s.dir());
        }
        assertEquals(List.of("alpha/cp1", "alpha/cp10", "alpha/cp2", "zeta/a", "zeta/b"), listed);
    }

    @Test
    void listSkipsInvalidEntries() throws IOException {
        commit("myapp", "good");
        // container directory with an invalid name
        Path badContainer = base.resolve("bad name").resolve("cp1");
        mkdirPrivate(badContainer);
        CheckpointStore.writeJson(badContainer.resolve(Manifest.FILE_NAME), ManifestFixtures.fullManifest());
        // checkpoint directory with an invalid name
        Path badName = base.resolve("myapp").resolve("-dash");
        mkdirPrivate(badName);
        CheckpointStore.writeJson(badName.resolve(Manifest.FILE_NAME), ManifestFixtures.fullManifest());
        // checkpoint without manifest
        mkdirPrivate(base.resolve("myapp").resolve("nomanifest"));
        // checkpoint with a broken manifest
        Path broken = base.resolve("myapp").resolve("broken");
        mkdirPrivate(broken);
        Files.writeString(broken.resolve(Manifest.FILE_NAME), "[]]");
        // plain files at both levels
        Files.writeString(base.resolve("afile"), "x");
        Files.writeString(base.resolve("myapp").resolve("bfile"), "x");
        // a pending checkpoint
        store.create("myapp", "pending").writeManifest(ManifestFixtures.fullManifest());
        // a symlinked checkpoint
        Path target = Files.createDirectory(tmp.resolve("attacker"));
        Files.setPosixFilePermissions(target, Posix.DIR_PRIVATE);
        CheckpointStore.writeJson(target.resolve(Manifest.FILE_NAME), ManifestFixtures.fullManifest());
        Files.createSymbolicLink(base.resolve("myapp").resolve("linked"), target);
        // a symlinked container dir
        Files.createSymbolicLink(base.resolve("linkedapp"), base.resolve("myapp"));

        List<String> listed = store.list().stream().map(s -> s.container() + "/" + s.name()).toList();
        assertEquals(List.of("myapp/good"), listed);
    }

    @Test
    void listOfMissingBaseIsEmptyAndCreatesNothing() {
        assertEquals(List.of(), store.list());
        assertFalse(Files.exists(base, NOFOLLOW));
    }

    // ---------------------------------------------------------------- writeJson

    @Test
    void writeJsonWritesPrivateFileAtomically() throws IOException {
        mkdirPrivate(base);
        Path file = base.resolve("state.json");
        CheckpointStore.writeJson(file, Map.of("answer", 42));

        assertEquals(0600, perms(file));
        JsonNode node = Json.mapper().readTree(file.toFile());
        assertEquals(42, node.path("answer").asInt());
        assertEquals(List.of("state.json"), children(base), "no temporary file may be left");
    }

    @Test
    void writeJsonReplacesAnExistingFileAndItsMode() throws IOException {
        mkdirPrivate(base);
        Path file = base.resolve("state.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        // a stale temporary file from an interrupted write
        Files.writeString(base.resolve(".state.json.tmp"), "stale");

        CheckpointStore.writeJson(file, List.of("new"));

        assertEquals(0600, perms(file));
        assertEquals(List.of("new"), Json.mapper().readValue(file.toFile(), List.class));
        assertEquals(List.of("state.json"), children(base));
    }

    @Test
    void writeJsonKeepsTheOldFileWhenSerialisationFails() throws IOException {
        mkdirPrivate(base);
        Path file = base.resolve("state.json");
        CheckpointStore.writeJson(file, Map.of("v", 1));
        String before = Files.readString(file, StandardCharsets.UTF_8);

        // an Object has no properties: Jackson refuses it half-way through writing
        DcpException e = assertThrows(DcpException.class, () -> CheckpointStore.writeJson(file, new Object()));
        assertEquals(ErrorCode.IO_ERROR, e.code());

        assertEquals(before, Files.readString(file, StandardCharsets.UTF_8));
    }
}
