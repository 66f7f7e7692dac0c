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

/** Checks that this host can checkpoint and restore, with a fix for each problem. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check Docker, runc, CRIU and the kernel; print a fix for each problem.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Docker docker = null;
        try {
            docker = Docker.connect();
        } catch (DcpException e) {
            // reported as a failed item
        }
        try {
            DoctorReport report = Engine.doctor(docker, new HostTools(new SystemProcessRunner()));
            for (DoctorReport.Item item : report.items()) {
                out.printf("[%s] %-34s %s%n", item.ok() ? " ok " : "FAIL", item.title(), item.detail());
                if (!item.ok()) {
                    out.printf("       fix: %s%n", item.fix());
                }
            }
            boolean essentialOk = report.items().stream()
                    .filter(i -> !i.id().equals("mem-dirty-track"))
                    .allMatch(DoctorReport.Item::ok);
            out.println(essentialOk ? "This host can checkpoint and restore containers"
                    + (report.isOk("mem-dirty-track") ? "." : " (without pre-dump).")
                    : "This host cannot checkpoint and restore containers yet: see the fixes above.");
            out.flush();
            return essentialOk ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        } finally {
            if (docker != null) {
                docker.close();
            }
        }
    }
}
