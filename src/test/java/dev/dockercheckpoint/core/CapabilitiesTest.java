package dev.dockercheckpoint.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Capability masks of /proc/PID/status. */
class CapabilitiesTest {
    /** The end of /proc/self/status of root on this project's test host. */
    private static final String STATUS = "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nUid:\t0\t0\t0\t0\n"
            + "CapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\nCapEff:\t000001fffeffffff\n"
            + "CapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n";

    @Test
    void capSysResourceIsBit24() {
        assertFalse(Capabilities.has(Capabilities.parseMask("000001fffeffffff").orElseThrow(),
                Capabilities.CAP_SYS_RESOURCE), "absent");
        assertTrue(Capabilities.has(Capabilities.parseMask("000001ffffffffff").orElseThrow(),
                Capabilities.CAP_SYS_RESOURCE), "present");
        assertTrue(Capabilities.has(0x1000000L, 24));
        assertFalse(Capabilities.has(0xffffffffffffffffL, 64));
        assertTrue(Capabilities.has(0x8000000000000000L, 63));
    }

    @Test
    void readsTheBoundingSetLine() {
        assertEquals(OptionalLong.of(0x000001fffeffffffL), Capabilities.boundingSet(STATUS));
        assertEquals(OptionalLong.of(0), Capabilities.mask(STATUS, "CapAmb:"));
        assertEquals(OptionalLong.empty(), Capabilities.boundingSet("Name:\tcat\n"));
        assertEquals(OptionalLong.empty(), Capabilities.boundingSet(""));
    }

    @Test
    void oddMasksAreNotGuessed() {
        assertEquals(OptionalLong.empty(), Capabilities.parseMask(""));
        assertEquals(OptionalLong.empty(), Capabilities.parseMask("zz"));
        assertEquals(OptionalLong.empty(), Capabilities.parseMask("1" + "0".repeat(16)));
        assertEquals(OptionalLong.of(0xffffffffffffffffL), Capabilities.parseMask(" ffffffffffffffff\n"));
    }
}
