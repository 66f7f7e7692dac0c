package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import dev.dockercheckpoint.core.Json;
import org.junit.jupiter.api.Test;

/** The API version spoken with engines from Docker 20.10 to 29 (their real /version answers). */
class DockerApiVersionTest {
    private static String negotiate(String version, String api, String min) throws Exception {
        return Docker.negotiate(Json.mapper().readTree("{\"Version\":\"" + version + "\",\"ApiVersion\":\"" + api
                + "\",\"MinAPIVersion\":\"" + min + "\"}"));
    }

    @Test
    void eachEngineIsSpokenToInItsNewestVersionWithinWhatThisToolKnows() throws Exception {
        assertEquals("1.41", negotiate("20.10.24", "1.41", "1.12"));
        assertEquals("1.45", negotiate("26.1.5", "1.45", "1.24"));
        assertEquals("1.51", negotiate("28.5.2", "1.51", "1.24"));
        assertEquals("1.51", negotiate("29.0.1", "1.52", "1.44"), "Docker 29 refuses clients below 1.44");
        assertEquals("1.55", negotiate("40.0.0", "1.60", "1.55"), "an engine newer than we know: its oldest");
    }

    @Test
    void anEngineOlderThan2010IsRefused() {
        DcpException e = assertThrows(DcpException.class, () -> negotiate("19.03.15", "1.40", "1.12"));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("19.03.15") && e.getMessage().contains("1.41"), e.getMessage());
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(Docker.compare("1.9", "1.41") < 0);
        assertTrue(Docker.compare("1.51", "1.41") > 0);
        assertEquals(0, Docker.compare("1.41", "1.41.0"));
    }
}
