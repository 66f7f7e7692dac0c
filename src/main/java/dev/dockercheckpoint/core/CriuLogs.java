package dev.dockercheckpoint.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Picks the decisive lines out of a CRIU log (dump.log, restore.log). */
public final class CriuLogs {
    /** Error lines CRIU prints on every run on common hosts that decide nothing. */
    private static final List<Pattern> HARMLESS = List.of(
            Pattern.compile("rlimit: Can't setup RLIMIT_NOFILE for self"));
    private static final Pattern ERROR = Pattern.compile("^\\(\\s*[0-9.]+\\)\\s+(?:\\d+:\\s+)?Error\\b.*");

    private CriuLogs() {
    }

    /** True for an Error line of CRIU's log that is known to be harmless. */
    public static boolean isHarmless(String line) {
        return HARMLESS.stream().anyMatch(p -> p.matcher(line).find());
    }

    /** True for a CRIU log line of level Error. */
    public static boolean isError(String line) {
        return ERROR.matcher(line).matches();
    }

    /**
     * The first {@code max} Error lines of the log that are not known noise, in file order.
     * Empty when the log is absent or has none.
     */
    public static List<String> decisiveErrors(Path log, int max) {
        List<String> result = new ArrayList<>();
        if (log == null || !Files.isRegularFile(log)) {
            return result;
        }
        // CRIU prints paths as the kernel has them: decode leniently so one odd byte loses nothing
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(log), decoder))) {
            String line;
            while ((line = reader.readLine()) != null && result.size() < max) {
                if (isError(line) && !isHarmless(line)) {
                    result.add(line.strip());
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // an unreadable log has no decisive lines
        }
        return result;
    }

    /** True when the log holds the given success marker. */
    public static boolean contains(Path log, String marker) {
        if (log == null || !Files.isRegularFile(log)) {
            return false;
        }
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.contains(marker)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
