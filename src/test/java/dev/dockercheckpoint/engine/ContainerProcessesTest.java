package dev.dockercheckpoint.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerProcessesTest {
    /** {@code GET /containers/{id}/top} of a container with a child of init and a docker exec'd shell. */
    private static final String TOP = """
            {"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"],
             "Processes":[
              ["root","9100","9080","0","09:18","?","00:00:00","sh -c while true; do sleep 1; done"],
              ["root","9120","9100","0","09:18","?","00:00:00","sleep 1"],
              ["root","9300","9080","0","09:19","pts/0","00:00:00","sh"],
              ["root","9310","9300","0","09:19","pts/0","00:00:00","sleep 1000"]]}""";

    @Test
    void processesOutsideTheInitTreeAreFound() throws Exception {
        JsonNode top = Json.mapper().readTree(TOP);
        List<ContainerProcesses.Task> tasks = ContainerProcesses.parseTop(top);
        assertEquals(4, tasks.size());
        assertEquals("sh -c while true; do sleep 1; done", tasks.get(0).command());

        List<ContainerProcesses.Task> outside = ContainerProcesses.outsideInitTree(tasks, 9100);
        assertEquals(List.of("9300 sh", "9310 sleep 1000"), outside.stream().map(Object::toString).toList());
    }

    @Test
    void aContainerWithOnlyInitsTreeLosesNothing() throws Exception {
        List<ContainerProcesses.Task> tasks = ContainerProcesses.parseTop(Json.mapper().readTree(TOP));
        assertEquals(List.of(), ContainerProcesses.outsideInitTree(tasks.subList(0, 2), 9100));
    }

    @Test
    void aPidCycleDoesNotLoop() {
        List<ContainerProcesses.Task> tasks = List.of(new ContainerProcesses.Task(5, 6, "a"),
                new ContainerProcesses.Task(6, 5, "b"), new ContainerProcesses.Task(1, 0, "init"));
        assertEquals(2, ContainerProcesses.outsideInitTree(tasks, 1).size());
    }

    @Test
    void anUnexpectedAnswerGivesNoTasks() throws Exception {
        assertEquals(List.of(), ContainerProcesses.parseTop(Json.mapper().readTree("{\"Titles\":[\"X\"]}")));
        assertEquals(List.of(), ContainerProcesses.parseTop(null));
    }
}
