package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.helper.HelperConfig;
import dev.dockercheckpoint.helper.HelperServer;
import dev.dockercheckpoint.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the privileged helper that the GUI and non-root users talk to. */
@Command(name = "helper", mixinStandardHelpOptions = true,
        description = {"Run the privileged helper (as root): serves root and members of --group on a Unix socket.",
            "Normally started by systemd (packaging/docker-checkpoint.socket)."})
final class HelperCommand implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/docker-checkpoint/helper.sock",
            description = "Socket path (default: ${DEFAULT-VALUE}).")
    Path socket;

    @Option(names = "--group", paramLabel = "NAME", defaultValue = Protocol.DEFAULT_GROUP,
            description = "Group whose members may use the helper (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/docker-checkpoint",
            description = "Where the helper keeps its own state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = HelperConfig.DEFAULT_FILE,
            description = {"The helper's configuration: the base directories it serves, its engines and limits",
                "(default: ${DEFAULT-VALUE}; when absent: /tmp/docker-checkpoints and",
                "/var/lib/docker-checkpoint/checkpoints, the engine at DOCKER_HOST or Docker's socket)."})
    Path config;

    @Option(names = {"-v", "--verbose"}, description = "Log details.")
    boolean verbose;

    @Override
    public Integer call() {
        if (!config.equals(Path.of(HelperConfig.DEFAULT_FILE)) && !Files.exists(config)) {
            // only the default file may be absent: a path given by hand that names nothing is a mistake
            throw new DcpException(ErrorCode.INVALID_INPUT, "no helper configuration at " + config,
                    "check the path given to --config, or leave --config out to use "
                            + HelperConfig.DEFAULT_FILE + " (or the defaults, see --help)");
        }
        HelperServer server = HelperServer.start(socket, group, stateDir, HelperConfig.load(config));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "helper-shutdown"));
        server.serve();
        return ExitCodes.OK;
    }
}
