package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckpointContents;
import dev.dockercheckpoint.core.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** inspect on a real checkpoint: the counter's shell and its sleep child, memory, files, statistics. */
@Tag("e2e")
class InspectE2ETest extends BaseDirE2E {
    @Test
    void showsTheShellAndItsSleepChild() throws Exception {
        String app = E2E.name("inspect");
        E2E.runContainer(app, E2E.BUSYBOX, "sh", "-c", "i=0; while true; do echo i-$i; i=$((i+1)); sleep 1; done");
        E2E.waitForNumber(app, "i-", 1, Duration.ofSeconds(20));
        E2E.Cli dump = E2E.cli("-container", app, "-dir", base.toString());
        assertEquals(0, dump.exit(), dump.toString());
        assertTrue(dump.out().contains("Application downtime (frozen while its files were saved and CRIU dumped it):"), dump.toString());

        E2E.Cli text = E2E.cli("inspect", "-container", app, "-dir", base.toString());
        assertEquals(0, text.exit(), text.toString());
        assertTrue(text.out().contains("Process tree:"), text.out());
        assertTrue(text.out().matches("(?s).*\\n  1\\s+sh\\s.*\\n\\s+\u2514\u2500 \\d+\\s+sleep\\s.*"), text.out());

        E2E.Cli json = E2E.cli("inspect", "-container", app, "-dir", base.toString(), "--json");
        assertEquals(0, json.exit(), json.toString());
        CheckpointContents contents = Json.mapper().readValue(json.out(), CheckpointContents.class);
        CheckpointContents.Process sh = contents.processes().stream().filter(p -> p.pid() == 1).findFirst()
                .orElseThrow();
        assertEquals("sh", sh.command());
        List<CheckpointContents.Process> children = contents.processes().stream().filter(p -> p.ppid() == 1)
                .toList();
        assertEquals(List.of("sleep"), children.stream().map(CheckpointContents.Process::command).toList());
        assertTrue(sh.pages() > 0 && sh.bytes() == sh.pages() * 4096, sh.toString());
        assertTrue(sh.files().stream().anyMatch(f -> f.startsWith("1: pipe")), sh.files().toString());
        assertTrue(contents.stats().frozenTimeUs() > 0, contents.stats().toString());
        JsonNode tree = Json.mapper().readTree(json.out());
        assertEquals(2, tree.path("processes").size());
    }
}
