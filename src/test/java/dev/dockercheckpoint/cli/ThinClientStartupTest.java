package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    /** Classes the seed's command line has no use for; a start-up cache holding them loads them at every start. */
    static final List<String> UNWANTED = List.of(" com.fasterxml.jackson.databind.ObjectMapper ",
            " com.github.dockerjava.", " dev.dockercheckpoint.engine.Engine ", "$Proxy", " com.exceptionfactory.jagged.");

    @TempDir
    Path dir;

    @Test
    void theSeedsCheckpointThroughAHelperLoadsNeitherTheObjectMapperNorDockerJavaAndReadsNoAnnotation()
            throws Exception {
        Path socket = dir.resolve("helper.sock");
        List<String> loaded;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            var replies = StartupTrainingCommand.replies();
            Thread.ofPlatform().daemon().start(() -> StartupTrainingCommand.serve(server, replies));
            // the property, not DOCKER_CHECKPOINT_SOCKET: whoever runs the test, nothing but the peer is used
            loaded = classesLoaded(dir, "Checkpoint created: ", "-D" + CommandTarget.SOCKET_PROPERTY + "=" + socket,
                    "-container", "demo", "-name", "rec1", "-dir", "/tmp/docker-checkpoints");
        }
        for (String unwanted : UNWANTED) {
            assertEquals(List.of(), loaded.stream().filter(l -> l.contains(unwanted)).toList(), unwanted);
        }
    }

    /**
     * The class-loading log of a JVM running {@link Main} with {@code args} (JVM options first), which
     * must exit 0 with {@code expected} in its output.
     */
    static List<String> classesLoaded(Path dir, String expected, String... args)
            throws IOException, InterruptedException {
        Path classes = dir.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path")));
        int i = 0;
        for (; i < args.length && args[i].startsWith("-D"); i++) {
            command.add(args[i]);
        }
        command.add(Main.class.getName());
        command.addAll(List.of(args).subList(i, args.length));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(expected), out);
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" com.fasterxml.jackson.core.JsonFactory ")),
                "the log lists the classes loaded");
        return loaded;
    }
}
