package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DoctorReport;
import dev.dockercheckpoint.core.DoctorReport.Item;
import org.junit.jupiter.api.Test;

/** The checks of the doctor that need no host: given what they read. */
class DoctorTest {
    private static String status(String capBnd) {
        return "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t" + capBnd + "\nCapBnd:\t" + capBnd + "\nCapAmb:\t0\n";
    }

    @Test
    void missingCapSysResourceIsAWarningThatSaysWhatItMeans() {
        Item item = Doctor.sysResource(status("000001fffeffffff"));
        assertEquals(Doctor.SYS_RESOURCE, item.id());
        assertEquals(DoctorReport.Status.WARN, item.status());
        assertFalse(item.ok());
        assertTrue(item.detail().startsWith("root lacks CAP_SYS_RESOURCE (CapBnd 000001fffeffffff): CRIU cannot"
                + " dump processes that do not run as uid 0/gid 0 (Can't get rlimit ... Operation not permitted)"),
                item.detail());
        assertEquals("run container processes as root or use a host whose root has CAP_SYS_RESOURCE", item.fix());
    }

    @Test
    void presentCapSysResourcePasses() {
        Item item = Doctor.sysResource(status("000001ffffffffff"));
        assertEquals(DoctorReport.Status.OK, item.status());
        assertTrue(item.ok());
        assertEquals("present (CapBnd 000001ffffffffff)", item.detail());
    }

    @Test
    void anUnreadableStatusIsAWarningWithHowToCheck() {
        for (String text : new String[] {null, "Name:\tjava\n", "CapBnd:\tnot hex\n"}) {
            Item item = Doctor.sysResource(text);
            assertEquals(DoctorReport.Status.WARN, item.status(), String.valueOf(text));
            assertTrue(item.fix().contains("grep CapBnd /proc/self/status"), item.fix());
        }
    }

    @Test
    void aWarningLeavesTheHostUsable() {
        DoctorReport warned = new DoctorReport(java.util.List.of(
                new Item("docker", "Docker engine reachable", true, "Docker 29.0", ""),
                Doctor.sysResource(status("000001fffeffffff"))));
        assertTrue(warned.usable());
        assertFalse(warned.allOk());
        assertTrue(warned.warns(Doctor.SYS_RESOURCE));
        assertFalse(warned.isOk(Doctor.SYS_RESOURCE));
        DoctorReport failed = new DoctorReport(java.util.List.of(
                new Item("docker", "Docker engine reachable", false, "no answer", "start dockerd")));
        assertFalse(failed.usable());
        assertEquals(1, failed.count(DoctorReport.Status.FAIL));
    }
}
