package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of crit's text views, on output captured from crit 4.2 on a real checkpoint. */
class ImageInspectorTest {
    @Test
    void processTableGivesEachPidItsCommand() {
        String ps = "    PID   PGID    SID   COMM\n      1      1      1   sh\n      8      1      1       sleep\n";
        assertEquals(Map.of(1, "sh", 8, "sleep"), ImageInspector.commands(ps));
    }

    @Test
    void fdsAreGroupedByPid() {
        String fds = "1\n\t      0: /dev/null\n\t      1: pipe[144070]\n\t    cwd: /\n8\n\t      0: /dev/null\n";
        Map<Integer, List<String>> files = ImageInspector.files(fds);
        assertEquals(List.of("0: /dev/null", "1: pipe[144070]", "cwd: /"), files.get(1));
        assertEquals(List.of("0: /dev/null"), files.get(8));
    }
}
