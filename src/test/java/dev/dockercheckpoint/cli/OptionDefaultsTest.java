package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.CheckpointOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line, the protocol's documentation and the core agree on every option's default. */
class OptionDefaultsTest {
    @Test
    void theCommandLineStartsFromTheCoreDefaults() {
        RootCommand cmd = new RootCommand();
        new CommandLine(cmd.model()).parseArgs("-container", "x");
        assertEquals(CheckpointOptions.defaults(),
                new CheckpointOptions(cmd.leaveRunning, cmd.tcp, cmd.fileLocks, cmd.preDump, cmd.allowLostProcesses));
    }

    @Test
    void theProtocolDocumentsTheCoreDefaults() throws Exception {
        String doc = Files.readString(Path.of("docs/protocol.md"));
        Matcher m = Pattern.compile("`options` `\\{leaveRunning, tcpEstablished, fileLocks, preDump, "
                + "allowLostProcesses}` \\(defaults (\\w+), (\\w+), (\\w+), (\\w+), (\\w+)\\)").matcher(doc);
        assertTrue(m.find(), "docs/protocol.md lists the checkpoint options with their defaults");
        CheckpointOptions d = CheckpointOptions.defaults();
        assertEquals(new CheckpointOptions(Boolean.parseBoolean(m.group(1)), Boolean.parseBoolean(m.group(2)),
                Boolean.parseBoolean(m.group(3)), Boolean.parseBoolean(m.group(4)), Boolean.parseBoolean(m.group(5))), d);
    }
}
