package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The directory-handle walk under every checkpoint operation: links, owners, modes, names. */
class SafeDirTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final String HINT = "the hint";

    @TempDir
    Path tmp;

    int uid;

    @BeforeEach
    void setUp() {
        uid = Posix.currentUid();
    }

    private SafeDir open(Path dir, boolean create) {
        return SafeDir.openBase(dir, uid, create, HINT);
    }

    private static DcpException fails(ErrorCode code, Executable call) {
        DcpException e = assertThrows(DcpException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        assertFalse(e.hint().isBlank());
        return e;
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int perms(Path p) throws IOException {
        return Posix.mode(p) & 07777;
    }

    @Test
    void missingLevelsAreCreatedPrivateAndAMissingBaseIsNullWithoutCreate() throws IOException {
        Path base = tmp.resolve("a/b/base");
        assertNull(open(base, false));
        assertFalse(Files.exists(tmp.resolve("a"), NOFOLLOW), "nothing created when not asked");
        try (SafeDir d = open(base, true)) {
            assertEquals(base, d.path());
        }
        assertEquals(0700, perms(tmp.resolve("a")));
        assertEquals(0700, perms(tmp.resolve("a/b")));
        assertEquals(0700, perms(base));
    }

    @Test
    void aSymlinkedAncestorAnywhereIsRefusedAndNothingIsCreatedThroughIt() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real/deeper"));
        Files.setPosixFilePermissions(real, Posix.DIR_PRIVATE);
        Files.setPosixFilePermissions(tmp.resolve("real"), Posix.DIR_PRIVATE);
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        for (Path base : List.of(tmp.resolve("link/deeper/base"), tmp.resolve("link/base"), tmp.resolve("link"))) {
            DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> open(base, true));
            assertTrue(e.getMessage().contains(tmp.resolve("link") + ": it is a symbolic link"), e.getMessage());
            assertEquals(HINT, e.hint());
        }
        assertEquals(List.of("deeper"), children(tmp.resolve("real")));
        assertEquals(List.of(), children(real));
    }

    @Test
    void aDanglingLinkAsTheBaseIsNotFollowed() throws IOException {
        Files.createSymbolicLink(tmp.resolve("base"), tmp.resolve("target"));
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> open(tmp.resolve("base"), true));
        assertFalse(Files.exists(tmp.resolve("target"), NOFOLLOW));
    }

    @Test
    void aGroupWritableAncestorIsRefusedUnlessSticky() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> open(shared.resolve("x/base"), true));
        assertTrue(e.getMessage().contains("lies under " + shared + ", which other users can write to (mode 770)"),
                e.getMessage());
        assertEquals(List.of(), children(shared), "nothing created below it");

        Files.setAttribute(shared, "unix:mode", 01770);
        try (SafeDir d = open(shared.resolve("x/base"), true)) {
            assertNotNull(d);
        }
    }

    @Test
    void theBaseMustNotBeWritableByOthers() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        open(base, false).close();
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxr-x"));
        DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> open(base, false));
        assertTrue(e.getMessage().contains("is writable by other users (mode 775)"), e.getMessage());
        Files.setAttribute(base, "unix:mode", 01777);
        fails(ErrorCode.UNSAFE_DIRECTORY, () -> open(base, false)); // sticky is not enough for the base
    }

    @Test
    void levelsBelowTheBaseMustBe0700() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Path level = Files.createDirectory(base.resolve("app"));
        try (SafeDir b = open(base, false)) {
            Files.setPosixFilePermissions(level, PosixFilePermissions.fromString("rwxr-x---"));
            DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> b.dir("app", SafeDir.Create.NO, "container"
                    + " directory"));
            assertTrue(e.getMessage().contains("mode 750; a container directory must be 0700"), e.getMessage());
            Files.setPosixFilePermissions(level, PosixFilePermissions.fromString("rwx-w----"));
            e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> b.dir("app", SafeDir.Create.NO, "container directory"));
            assertTrue(e.getMessage().contains("writable by other users"), e.getMessage());
            Files.setPosixFilePermissions(level, Posix.DIR_PRIVATE);
            try (SafeDir app = b.dir("app", SafeDir.Create.NO, "container directory")) {
                assertEquals(level, app.path());
            }
            assertNull(b.dir("missing", SafeDir.Create.NO, "directory"));
            try (SafeDir made = b.dir("made", SafeDir.Create.NEW, "directory")) {
                assertEquals(0700, perms(made.path()));
            }
            fails(ErrorCode.IO_ERROR, () -> b.dir("made", SafeDir.Create.NEW, "directory"));
        }
    }

    @Test
    void aLevelOwnedByAnotherUserIsRefused() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Posix.isRoot(), "chown needs root");
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Path level = Files.createDirectory(base.resolve("app"));
        Files.setPosixFilePermissions(level, Posix.DIR_PRIVATE);
        Files.setAttribute(level, "unix:uid", 4242, NOFOLLOW);
        try (SafeDir b = open(base, false)) {
            DcpException e = fails(ErrorCode.UNSAFE_DIRECTORY, () -> b.dir("app", SafeDir.Create.NO, "directory"));
            assertTrue(e.getMessage().contains("belongs to another user (uid 4242)"), e.getMessage());
        }
    }

    @Test
    void namesOfOneLevelOnly() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        try (SafeDir b = open(base, false)) {
            for (String bad : new String[] {"..", ".", "a/b", "", "../base"}) {
                fails(ErrorCode.INVALID_INPUT, () -> b.dir(bad, SafeDir.Create.IF_MISSING, "directory"));
                fails(ErrorCode.INVALID_INPUT, () -> b.kind(bad));
            }
        }
        assertEquals(List.of(), children(base));
        assertEquals(List.of("base"), children(tmp));
    }

    @Test
    void dotDotInTheBaseIsResolvedByNameBeforeTheWalk() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectories(tmp.resolve("far/away")));
        // lexically /tmp/x/link/.. is /tmp/x: the link is never entered
        try (SafeDir d = open(tmp.resolve("link/../base"), false)) {
            assertEquals(base, d.path());
        }
    }

    @Test
    void deleteTreeRemovesLinksAndNeverFollowsThem() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep");
        Files.createDirectories(base.resolve("t/a/b"));
        Files.writeString(base.resolve("t/a/b/f"), "x");
        Files.createSymbolicLink(base.resolve("t/a/dir-link"), outside);
        Files.createSymbolicLink(base.resolve("t/file-link"), precious);
        try (SafeDir b = open(base, false)) {
            b.deleteTree("t");
            b.deleteTree("absent");
        }
        assertEquals(List.of(), children(base));
        assertEquals("keep", Files.readString(precious));
    }

    @Test
    void writesAndReadsNeverGoThroughALink() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Path victim = Files.writeString(tmp.resolve("victim"), "untouched");
        Files.createSymbolicLink(base.resolve("file.json"), victim);
        Files.createSymbolicLink(base.resolve(".other.json.tmp"), victim);
        try (SafeDir b = open(base, false)) {
            assertEquals(SafeDir.Kind.LINK, b.kind("file.json"));
            assertThrows(IOException.class, () -> b.read("file.json").close());
            b.writeAtomically("file.json", out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
            b.writeAtomically("other.json", out -> out.write("other".getBytes(StandardCharsets.UTF_8)));
            assertEquals(SafeDir.Kind.FILE, b.kind("file.json"));
            try (InputStream in = b.read("file.json")) {
                assertEquals("new", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals("untouched", Files.readString(victim));
        assertEquals(0600, perms(base.resolve("file.json")));
        assertEquals(List.of("file.json", "other.json"), children(base));
    }

    @Test
    void makePrivateLeavesWhatLinksPointToAlone() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        Path outside = Files.writeString(tmp.resolve("outside"), "x");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Path t = Files.createDirectories(base.resolve("t/sub"));
        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(t.resolve("f"), "y");
        Files.setPosixFilePermissions(t.resolve("f"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.createSymbolicLink(t.resolve("link"), outside);
        try (SafeDir b = open(base, false)) {
            b.makePrivate("t");
        }
        assertEquals(0700, perms(base.resolve("t")));
        assertEquals(0700, perms(t));
        assertEquals(0600, perms(t.resolve("f")));
        assertEquals(0644, perms(outside));
    }

    @Test
    void renameMovesWithinAndBetweenOpenDirectories() throws IOException {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, Posix.DIR_PRIVATE);
        try (SafeDir b = open(base, false); SafeDir sub = b.dir("sub", SafeDir.Create.NEW, "directory")) {
            b.writeAtomically("f", out -> out.write('1'));
            b.rename("f", sub, "g");
            assertEquals(List.of("g"), sub.names());
            assertEquals(List.of("sub"), b.names());
        }
    }
}
