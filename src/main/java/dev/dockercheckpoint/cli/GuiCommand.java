package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.protocol.Protocol;
import dev.dockercheckpoint.ui.GuiLauncher;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Opens the desktop application. */
@Command(name = "gui", mixinStandardHelpOptions = true,
        description = {"Open the desktop application (runs as you; the work is done by the helper).",
            "Start the helper first: sudo systemctl start docker-checkpoint.socket, or sudo docker-checkpoint helper."})
final class GuiCommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH",
            description = "The helper's socket (default: $DOCKER_CHECKPOINT_SOCKET or " + "/run/docker-checkpoint/helper.sock).")
    Path socket;

    @Override
    public Integer call() {
        String env = System.getenv("DOCKER_CHECKPOINT_SOCKET");
        Path s = socket != null ? socket : env != null && !env.isEmpty() ? Path.of(env) : Protocol.DEFAULT_SOCKET;
        GuiLauncher.launch(s);
        return ExitCodes.OK;
    }
}
