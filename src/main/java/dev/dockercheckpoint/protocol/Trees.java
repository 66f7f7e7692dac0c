package dev.dockercheckpoint.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockercheckpoint.core.CheckResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Values of the helper's answers read from their JSON trees field by field, as binding with
 * {@link Protocol#lenient()} reads them (a test compares the two): a command line's start-up
 * then never builds the object mapper.
 */
public final class Trees {
    private Trees() {
    }

    /**
     * A verification check: its duration in seconds (the protocol's form) or as an ISO-8601
     * text; null for a missing value.
     */
    public static CheckResult check(JsonNode c) {
        if (c == null || c.isMissingNode() || c.isNull()) {
            return null;
        }
        JsonNode d = c.get("duration");
        Duration duration = d == null || d.isNull() ? null
                : d.isNumber() ? Duration.ofSeconds(0, d.decimalValue().movePointRight(9).longValue())
                : Duration.parse(d.asText());
        return new CheckResult(text(c, "name"), c.path("passed").asBoolean(), text(c, "detail"), duration);
    }

    /** The checks of a verification report ({@code checks}), in order. */
    public static List<CheckResult> checks(JsonNode report) {
        List<CheckResult> checks = new ArrayList<>();
        for (JsonNode c : report.path("checks")) {
            checks.add(check(c));
        }
        return checks;
    }

    /** The text of {@code field}; null when it is missing or null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The number of {@code field}; null when it is missing or null. */
    public static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }
}
