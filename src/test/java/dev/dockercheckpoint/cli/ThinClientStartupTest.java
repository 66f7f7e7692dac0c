package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the seed's checkpoint loads when a helper does the work, in a JVM of its own against a
 * peer that answers as the helper did (the start-up training's recorded session): neither the
 * object mapper nor docker-java, and no annotation is read (each kind read costs a proxy class),
 * so its start-up is the JVM's, picocli's model built in code, and the streaming JSON.
 */
class ThinClientStartupTest {
    @TempDir
    Path dir;

    @Test
    void theSeedsCheckpointThroughAHelperLoadsNeitherTheObjectMapperNorDockerJavaAndReadsNoAnnotation()
            throws Exception {
        Path socket = dir.resolve("helper.sock");
        Path classes = dir.resolve("classes.log");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            var replies = StartupTrainingCommand.replies();
            Thread.ofPlatform().daemon().start(() -> StartupTrainingCommand.serve(server, replies));
            // the property, not DOCKER_CHECKPOINT_SOCKET: whoever runs the test, nothing but the peer is used
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                    "-D" + CommandTarget.SOCKET_PROPERTY + "=" + socket, Main.class.getName(),
                    "-container", "demo", "-name", "rec1", "-dir", "/tmp/docker-checkpoints")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("Checkpoint created: "), out);
        }
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" com.fasterxml.jackson.core.JsonFactory ")),
                "the log lists the classes loaded");
        for (String unwanted : List.of(" com.fasterxml.jackson.databind.ObjectMapper ",
                " com.github.dockerjava.", " dev.dockercheckpoint.engine.Engine ", "$Proxy")) {
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(unwanted)).toList(), unwanted);
        }
    }
}
