package dev.dockercheckpoint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.DoctorReport.Item;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What doctor prints for a report, without a host: ok, warnings and failures, and the exit code. */
class DoctorCommandTest {
    private static final Item DOCKER = new Item("docker", "Docker engine reachable", true, "Docker 29.0 (API 1.52)", "");
    private static final Item NO_CAP = Item.warnUnless(false, "cap-sys-resource", "CAP_SYS_RESOURCE in root's bounding set",
            "root lacks CAP_SYS_RESOURCE (CapBnd 000001fffeffffff): CRIU cannot dump processes that do not run as uid"
                    + " 0/gid 0 (Can't get rlimit ... Operation not permitted)",
            "run container processes as root or use a host whose root has CAP_SYS_RESOURCE");

    record Printed(int exit, String out) {
    }

    private static Printed print(Item... items) {
        StringWriter out = new StringWriter();
        int exit = DoctorCommand.print(new PrintWriter(out, true), new DoctorReport(List.of(items)));
        return new Printed(exit, out.toString());
    }

    @Test
    void allGreen() {
        Printed p = print(DOCKER);
        assertEquals(ExitCodes.OK, p.exit());
        assertTrue(p.out().startsWith("[ ok ] Docker engine reachable"), p.out());
        assertTrue(p.out().endsWith("This host can checkpoint and restore containers.\n"), p.out());
    }

    @Test
    void aMissingCapSysResourceIsAWarningWithWhatItMeansAndTheFix() {
        Printed p = print(DOCKER, NO_CAP);
        assertEquals(ExitCodes.OK, p.exit(), "a warning does not fail the check");
        assertTrue(p.out().contains("[WARN] CAP_SYS_RESOURCE in root's bounding set  root lacks CAP_SYS_RESOURCE"),
                p.out());
        assertTrue(p.out().contains("       fix: run container processes as root or use a host whose root has"
                + " CAP_SYS_RESOURCE\n"), p.out());
        assertTrue(p.out().endsWith("This host can checkpoint and restore containers, with 1 warning: see above.\n"),
                p.out());
    }

    @Test
    void noPreDumpIsNamedAndAFailureFails() {
        Item dirty = Item.warnUnless(false, "mem-dirty-track", "Memory dirty tracking (pre-dump)",
                "missing: the kernel lacks CONFIG_MEM_SOFT_DIRTY", "checkpoint without -pre-dump");
        Printed warned = print(DOCKER, dirty, NO_CAP);
        assertTrue(warned.out().endsWith("This host can checkpoint and restore containers (without pre-dump), with 2"
                + " warnings: see above.\n"), warned.out());
        Printed failed = print(new Item("docker", "Docker engine reachable", false, "no answer", "start dockerd"), dirty);
        assertEquals(ExitCodes.CHECK_FAILED, failed.exit());
        assertTrue(failed.out().startsWith("[FAIL] Docker engine reachable"), failed.out());
        assertTrue(failed.out().endsWith("This host cannot checkpoint and restore containers yet: see the fixes"
                + " above.\n"), failed.out());
    }
}
