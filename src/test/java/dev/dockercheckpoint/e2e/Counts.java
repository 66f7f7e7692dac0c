package dev.dockercheckpoint.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers a counting workload writes, a line {@code <prefix>N} each, read from a file or from
 * a container's log; the waits on them and the check that none ran twice or was lost.
 */
final class Counts {
    private Counts() {
    }

    /** The numbers N of the lines {@code <prefix>N} of {@code text}, in order. */
    static List<Long> of(String text, String prefix) {
        List<Long> values = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "(\\d+)$").matcher(text);
        while (m.find()) {
            values.add(Long.parseLong(m.group(1)));
        }
        return values;
    }

    /** The numbers in {@code file}; none while it does not exist. */
    static List<Long> inFile(Path file, String prefix) throws IOException {
        return Files.exists(file) ? of(Files.readString(file), prefix) : new ArrayList<>();
    }

    /** The numbers in the log of container {@code name} of engine {@code docker}. */
    static List<Long> inLog(DockerClient docker, String name, String prefix) {
        return of(E2E.logs(docker, name), prefix);
    }

    /**
     * Reads {@code numbers} until the last one is at least {@code atLeast} and returns it; fails
     * after {@code timeout}, saying that {@code what} did not count that far.
     */
    static long waitFor(String what, Callable<List<Long>> numbers, long atLeast, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> v = numbers.call();
            if (!v.isEmpty() && v.getLast() >= atLeast) {
                return v.getLast();
            }
            if (System.nanoTime() > deadline) {
                fail(what + " did not count to " + atLeast + " within " + timeout + ": " + v);
            }
            Thread.sleep(100);
        }
    }

    /** Every number once, each one more than the one before: nothing ran twice, nothing was lost. */
    static void assertConsecutive(List<Long> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) != values.get(i - 1) + 1) {
                fail("the count is not consecutive at line " + (i + 1) + ": " + values.get(i - 1) + " then "
                        + values.get(i) + " (the original ran beside its copy, or counted twice): " + values);
            }
        }
    }
}
