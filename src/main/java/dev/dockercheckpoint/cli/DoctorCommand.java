package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.engine.Docker;
import dev.dockercheckpoint.engine.Engine;
import dev.dockercheckpoint.engine.HostTools;
import dev.dockercheckpoint.engine.SystemProcessRunner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Checks that this host can checkpoint and restore, with a fix for each problem. Exit 0 when no
 * check failed (warnings name limits, such as no pre-dump), otherwise the check-failed code.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check Docker, runc, CRIU and the kernel; print a fix for each problem.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-context", "--context"}, paramLabel = "NAME",
            description = "Docker context whose engine to check (default: DOCKER_HOST or the local socket).")
    String context;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Docker docker = null;
        try {
            docker = context == null ? Docker.connect()
                    : Docker.connect(dev.dockercheckpoint.engine.DockerContexts.ofCurrentUser().host(context));
        } catch (DcpException e) {
            // reported as a failed item
        }
        try {
            return print(out, Engine.doctor(docker, new HostTools(new SystemProcessRunner())));
        } finally {
            if (docker != null) {
                docker.close();
            }
        }
    }

    /** Prints one line per check (and its fix when not ok), then the verdict; returns the exit code. */
    static int print(PrintWriter out, DoctorReport report) {
        for (DoctorReport.Item item : report.items()) {
            out.printf("[%s] %-40s %s%n", tag(item.status()), item.title(), item.detail());
            if (!item.ok()) {
                out.printf("       fix: %s%n", item.fix());
            }
        }
        out.println(summary(report));
        out.flush();
        return report.usable() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    private static String tag(DoctorReport.Status status) {
        return switch (status) {
            case OK -> " ok ";
            case WARN -> "WARN";
            case FAIL -> "FAIL";
        };
    }

    /** The last line: can this host checkpoint and restore, and with which limits. */
    private static String summary(DoctorReport report) {
        if (!report.usable()) {
            return "This host cannot checkpoint and restore containers yet: see the fixes above.";
        }
        long warnings = report.count(DoctorReport.Status.WARN);
        if (warnings == 0) {
            return "This host can checkpoint and restore containers.";
        }
        return "This host can checkpoint and restore containers" + (report.warns("mem-dirty-track")
                ? " (without pre-dump)" : "") + ", with " + warnings + (warnings == 1 ? " warning" : " warnings")
                + ": see above.";
    }
}
