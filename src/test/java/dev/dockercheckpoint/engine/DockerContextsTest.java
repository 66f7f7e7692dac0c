package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contexts laid out as `docker context create` writes them. */
class DockerContextsTest {
    @TempDir
    Path home;

    private void context(String name, String host) throws Exception {
        Path dir = Files.createDirectories(home.resolve("contexts/meta").resolve(DockerContexts.sha256(name)));
        Files.writeString(dir.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":"
                + "{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
    }

    @Test
    void aContextNamesItsEngine() throws Exception {
        context("engine2", "unix:///run/dcp-engine2/docker.sock");
        DockerContexts contexts = new DockerContexts(home);
        assertEquals("unix:///run/dcp-engine2/docker.sock", contexts.host("engine2"));
        assertTrue(contexts.names().contains("engine2"));
        assertEquals("default", contexts.names().getFirst());
    }

    @Test
    void anUnknownOrRemoteContextIsRefusedWithTheKnownOnes() throws Exception {
        context("remote", "tcp://192.0.2.1:2376");
        DockerContexts contexts = new DockerContexts(home);
        DcpException unknown = assertThrows(DcpException.class, () -> contexts.host("nope"));
        assertEquals(ErrorCode.INVALID_INPUT, unknown.code());
        assertTrue(unknown.hint().contains("remote"), unknown.hint());
        assertEquals(ErrorCode.UNSUPPORTED, assertThrows(DcpException.class, () -> contexts.host("remote")).code());
    }

    @Test
    void theSha256OfTheNameIsTheDirectory() {
        assertEquals("37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f",
                DockerContexts.sha256("default"));
    }
}
