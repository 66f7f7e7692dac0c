package dev.dockercheckpoint.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelperConfigTest {

    @Test
    void aMissingFileMeansTheDefaults(@TempDir Path dir) {
        HelperConfig c = HelperConfig.load(dir.resolve("helper.json"));
        assertEquals(List.of(Path.of("/tmp/docker-checkpoints"), Path.of("/var/lib/docker-checkpoint/checkpoints")),
                c.baseDirs());
        assertEquals(HelperConfig.DEFAULT_ENGINE, c.engine(null).name());
        assertEquals(HelperConfig.Limits.DEFAULT, c.limits());
    }

    @Test
    void fieldsLeftOutTakeTheirDefaults() {
        HelperConfig c = HelperConfig.parse("t", "{\"baseDirs\": [\"/srv/cp/\", \"/srv/cp\", \"/data/x/../y\"],"
                + " \"limits\": {\"operationsPerUser\": 2}}");
        assertEquals(List.of(Path.of("/srv/cp"), Path.of("/data/y")), c.baseDirs(), "normalised, duplicates once");
        assertEquals(Path.of("/srv/cp"), c.defaultBaseDir());
        assertEquals(2, c.limits().operationsPerUser());
        assertEquals(HelperConfig.Limits.DEFAULT.connections(), c.limits().connections());
        assertEquals(1, c.engines().size());
    }

    @Test
    void onlyTheConfiguredBaseDirectoriesAreServed() {
        HelperConfig c = HelperConfig.parse("t", "{\"baseDirs\": [\"/srv/cp\", \"/tmp/docker-checkpoints\"]}");
        assertEquals(Path.of("/srv/cp"), c.baseDir(null), "absent: the first");
        assertEquals(Path.of("/srv/cp"), c.baseDir(""));
        assertEquals(Path.of("/srv/cp"), c.baseDir("/srv/cp"));
        assertEquals(Path.of("/tmp/docker-checkpoints"), c.baseDir("/tmp/docker-checkpoints"));
        assertEquals(Path.of("/srv/cp"), c.baseDir("/srv/cp/"), "normalised: trailing slash");
        assertEquals(Path.of("/srv/cp"), c.baseDir("//srv///cp"), "normalised: repeated slashes");
        assertEquals(Path.of("/srv/cp"), c.baseDir("/srv/./cp/."), "normalised: dots");

        for (String other : new String[] {"/srv", "/", "/srv/cp/app", "/srv/cp/app/cp1", "/srv/cpx", "/srv/c",
            "/etc", "/tmp", "/tmp/docker-checkpoints-2", "/var/lib/docker-checkpoint/checkpoints"}) {
            DcpException e = assertThrows(DcpException.class, () -> c.baseDir(other), other);
            assertEquals(ErrorCode.DIRECTORY_NOT_ALLOWED, e.code(), other);
            assertTrue(e.getMessage().contains("allowed: /srv/cp, /tmp/docker-checkpoints"), e.getMessage());
            assertTrue(e.hint().contains("baseDirs") && e.hint().contains(HelperConfig.DEFAULT_FILE), e.hint());
        }
        for (String bad : new String[] {"/srv/cp/../cp", "/srv/cp/..", "/tmp/x/../docker-checkpoints", "..",
            "srv/cp", "./srv/cp", "/srv/cp\n", "/srv/\u0000cp", "/" + "a".repeat(1100)}) {
            DcpException e = assertThrows(DcpException.class, () -> c.baseDir(bad), bad);
            assertEquals(ErrorCode.INVALID_INPUT, e.code(), bad);
            assertTrue(e.hint().contains("/srv/cp, /tmp/docker-checkpoints"), e.hint());
        }
    }

    @Test
    void enginesArePickedByName() {
        HelperConfig c = HelperConfig.parse("t", "{\"engines\": [{\"name\": \"system\", \"host\": "
                + "\"unix:///var/run/docker.sock\"}, {\"name\": \"current\", \"host\": \"unix:///run/e2/docker.sock\"}]}");
        assertEquals("system", c.engine(null).name());
        assertEquals("unix:///run/e2/docker.sock", c.engine("current").host());
        assertNull(c.engine("other"));
    }

    @Test
    void badFilesAreRefusedWithWhatIsWrong(@TempDir Path dir) throws IOException {
        assertRefused("{\"baseDir\": [\"/x\"]}", "baseDir");
        assertRefused("{\"baseDirs\": [\"relative\"]}", "not an absolute path");
        assertRefused("{\"baseDirs\": [\"/\"]}", "/ is not allowed");
        assertRefused("{\"baseDirs\": []}", "1 to");
        assertRefused("{\"baseDirs\": [\"/a\\nb\"]}", "not an absolute path");
        assertRefused("{\"engines\": [{\"name\": \"x\", \"host\": \"tcp://10.0.0.1:2375\"}]}", "not a local socket");
        assertRefused("{\"engines\": [{\"name\": \"x\", \"host\": \"unix:///a\"}, {\"name\": \"x\", \"host\": "
                + "\"unix:///b\"}]}", "listed twice");
        assertRefused("{\"engines\": [{\"name\": \"../x\", \"host\": \"unix:///a\"}]}", "engine name");
        assertRefused("{\"limits\": {\"connections\": 0}}", "positive");
        assertRefused("[1,", "t");
        Path file = dir.resolve("helper.json");
        Files.writeString(file, "{\"limits\": {\"queuedMessages\": 3}}\n");
        DcpException e = assertThrows(DcpException.class, () -> HelperConfig.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private static void assertRefused(String json, String expected) {
        DcpException e = assertThrows(DcpException.class, () -> HelperConfig.parse("t", json));
        assertEquals(ErrorCode.INVALID_INPUT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.hint() != null && !e.hint().isBlank());
    }
}
