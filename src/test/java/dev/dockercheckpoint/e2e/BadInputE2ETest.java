package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input gets a one-line error with a hint, and nothing is lost or half-written. */
@Tag("e2e")
class BadInputE2ETest {
    private static String app;
    private static Path scratch;

    @BeforeAll
    static void startContainer() throws Exception {
        E2E.engine();
        app = E2E.name("bad");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo b-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "b-", 0, Duration.ofSeconds(20));
        scratch = E2E.newBaseDir();
    }

    @AfterAll
    static void cleanUp() {
        E2E.deleteTree(scratch);
    }

    static Stream<String> badNames() {
        return Stream.of("a/b", "..", "../etc", "-rf", "", "x".repeat(129), "bad\u0001name", "line\nbreak", ".hidden",
                "with space");
    }

    @ParameterizedTest
    @MethodSource("badNames")
    void badCheckpointNameIsRefusedBeforeAnythingIsTouched(String name) throws Exception {
        Path base = scratch.resolve("names-" + Integer.toHexString(name.hashCode()));
        E2E.Cli r = E2E.cli("-container", app, "-name", name, "-dir", base.toString());
        assertUserError(r, "invalid checkpoint name");
        assertFalse(Files.exists(base), "nothing created");
        assertTrue(E2E.running(app));
    }

    @ParameterizedTest
    @MethodSource("badNames")
    void badNewNameIsRefusedBeforeAnythingIsTouched(String name) throws Exception {
        Path base = scratch.resolve("newnames-" + Integer.toHexString(name.hashCode()));
        E2E.Cli r = E2E.cli("-restore", "-container", app, "-new-name", name, "-dir", base.toString());
        assertUserError(r, "invalid new container name");
        assertFalse(Files.exists(base), "nothing created");
    }

    @Test
    void badContainerNameIsRefused() {
        assertUserError(E2E.cli("-container", "../x", "-dir", scratch.resolve("c").toString()),
                "invalid container name");
        assertFalse(Files.exists(scratch.resolve("c")));
    }

    @Test
    void unknownContainer() {
        E2E.Cli r = E2E.cli("-container", "dcp-e2e-no-such-container", "-dir", scratch.resolve("u").toString());
        assertUserError(r, "no container named dcp-e2e-no-such-container");
        assertFalse(Files.exists(scratch.resolve("u")));
    }

    @Test
    void containerNotRunning() {
        String stopped = E2E.name("created");
        E2E.track(stopped);
        E2E.docker().createContainerCmd(E2E.BUSYBOX).withName(stopped).withCmd("true").exec();
        E2E.Cli r = E2E.cli("-container", stopped, "-dir", scratch.resolve("s").toString());
        assertUserError(r, "is not running");
        assertFalse(Files.exists(scratch.resolve("s")));
    }

    @Test
    void takenCheckpointNameIsRefusedAndTheExistingOneIsUntouched() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            assertEquals(0, E2E.cli("-container", app, "-name", "taken", "-dir", base.toString()).exit());
            Path dir = base.resolve(app).resolve("taken");
            List<String> before = E2E.snapshot(dir);
            E2E.Cli r = E2E.cli("-container", app, "-name", "taken", "-dir", base.toString());
            assertUserError(r, "already exists");
            assertEquals(before, E2E.snapshot(dir));
            try (Stream<Path> s = Files.list(base.resolve(app))) {
                assertEquals(List.of(dir), s.toList(), "no temporary directory left");
            }
            assertTrue(E2E.running(app));
        } finally {
            E2E.deleteTree(base);
        }
    }

    @Test
    void restoreOfAMissingCheckpoint() {
        E2E.Cli r = E2E.cli("-restore", "-container", app, "-name", "nope", "-new-name", E2E.name("never"), "-dir",
                scratch.toString());
        assertUserError(r, "not found");
    }

    @Test
    void restoreOfACheckpointWithoutItsImagesCreatesNoContainer() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            assertEquals(0, E2E.cli("-container", app, "-name", "broken", "-dir", base.toString()).exit());
            Files.delete(base.resolve(app).resolve("broken").resolve("inventory.img"));
            String target = E2E.name("from-broken");
            E2E.Cli r = E2E.cli("-restore", "-container", app, "-name", "broken", "-new-name", target, "-dir",
                    base.toString());
            assertUserError(r, "lacks its CRIU images");
            assertFalse(exists(target));
        } finally {
            E2E.deleteTree(base);
        }
    }

    @Test
    void newNameUsedByAContainerIsRefusedAndThatContainerIsUntouched() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            assertEquals(0, E2E.cli("-container", app, "-name", "c1", "-dir", base.toString()).exit());
            String other = E2E.name("occupant");
            E2E.runContainer(other, E2E.BUSYBOX, "sleep", "100000");
            InspectContainerResponse before = E2E.docker().inspectContainerCmd(other).exec();
            E2E.Cli r = E2E.cli("-restore", "-container", app, "-name", "c1", "-new-name", other, "-dir",
                    base.toString());
            assertUserError(r, "already exists");
            InspectContainerResponse after = E2E.docker().inspectContainerCmd(other).exec();
            assertEquals(before.getId(), after.getId());
            assertEquals(before.getState().getStartedAt(), after.getState().getStartedAt());
            assertTrue(after.getState().getRunning());
        } finally {
            E2E.deleteTree(base);
        }
    }

    @Test
    void dirThatIsAFile() throws Exception {
        Path file = scratch.resolve("a-file");
        Files.writeString(file, "x");
        assertUserError(E2E.cli("-container", app, "-dir", file.toString()), "is not a directory");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void baseDirOwnedByAnotherUserIsRefused() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            E2E.run(List.of("chown", "65534:65534", base.toString()));
            assertUserError(E2E.cli("-container", app, "-dir", base.toString()), "belongs to another user");
            try (Stream<Path> s = Files.list(base)) {
                assertEquals(0, s.count(), "nothing written into it");
            }
        } finally {
            E2E.deleteTree(base);
        }
    }

    @Test
    void baseDirWritableByOthersIsRefused() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertUserError(E2E.cli("-container", app, "-dir", base.toString()), "writable by other users");
            try (Stream<Path> s = Files.list(base)) {
                assertEquals(0, s.count(), "nothing written into it");
            }
        } finally {
            E2E.deleteTree(base);
        }
    }

    @Test
    void plantedContainerSymlinkIsRefused() throws Exception {
        Path base = E2E.newBaseDir();
        Path elsewhere = E2E.newBaseDir();
        try {
            Files.createSymbolicLink(base.resolve(app), elsewhere);
            assertUserError(E2E.cli("-container", app, "-dir", base.toString()), "is a symbolic link");
            try (Stream<Path> s = Files.list(elsewhere)) {
                assertEquals(0, s.count(), "nothing written through the link");
            }
        } finally {
            E2E.deleteTree(base);
            E2E.deleteTree(elsewhere);
        }
    }

    @Test
    void plantedCheckpointSymlinkIsRefused() throws Exception {
        Path base = E2E.newBaseDir();
        Path elsewhere = E2E.newBaseDir();
        try {
            // a private container directory, as the tool makes them: the link is what is refused
            Files.createDirectory(base.resolve(app), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    dev.dockercheckpoint.core.Posix.DIR_PRIVATE));
            Files.createSymbolicLink(base.resolve(app).resolve("checkpoint1"), elsewhere);
            assertUserError(E2E.cli("-container", app, "-dir", base.toString()), "is a symbolic link");
            try (Stream<Path> s = Files.list(elsewhere)) {
                assertEquals(0, s.count(), "nothing written through the link");
            }
            // and a restore does not read CRIU images through a planted link either
            assertUserError(E2E.cli("-restore", "-container", app, "-new-name", E2E.name("via-link"), "-dir",
                    base.toString()), "is a symbolic link");
        } finally {
            E2E.deleteTree(base);
            E2E.deleteTree(elsewhere);
        }
    }

    @Test
    void failedRestoreLeavesTheCheckpointIntactAndNoContainer() throws Exception {
        Path base = E2E.newBaseDir();
        try {
            String locker = E2E.name("locker");
            E2E.runContainer(locker, E2E.TOOLS, "locker", "/tmp/lockfile");
            E2E.waitForNumber(locker, "lock-", 0, Duration.ofSeconds(20));
            assertEquals(0, E2E.cli("-container", locker, "-name", "c", "-dir", base.toString()).exit());
            Path dir = base.resolve(locker).resolve("c");
            // without the saved filesystem changes, the file the process holds is missing in a new container;
            // without checksums (as an older version made it) nothing stops the restore before CRIU
            Files.delete(dir.resolve("rootfs-diff.tar"));
            Files.delete(dir.resolve("checksums.json"));
            List<String> before = E2E.snapshot(dir);
            String target = E2E.name("fails");
            E2E.Cli r = E2E.cli("-restore", "-container", locker, "-name", "c", "-new-name", target, "-dir",
                    base.toString());
            assertUserError(r, "CRIU could not restore");
            assertTrue(r.err().contains("log: "), r.toString());
            assertFalse(exists(target), "the half-made container is removed");
            List<String> after = E2E.snapshot(dir).stream()
                    .filter(e -> !e.startsWith("restore.log ") && !e.startsWith("stats-restore ")).toList();
            assertEquals(before, after, "the checkpoint is unchanged (restore.log added for diagnosis)");
            assertNotEquals(0, r.exit());
        } finally {
            E2E.deleteTree(base);
        }
    }

    private static boolean exists(String container) {
        try {
            E2E.docker().inspectContainerCmd(container).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Exit 1, a first line "error: ..." containing {@code expected}, a hint line, no stack trace. */
    static void assertUserError(E2E.Cli r, String expected) {
        assertEquals(1, r.exit(), r.toString());
        String first = r.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        assertTrue(first.contains(expected), "expected '" + expected + "' in the error line:\n" + r);
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("hint: ") && l.length() > 8), "a hint:\n" + r);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace:\n" + r);
    }
}
