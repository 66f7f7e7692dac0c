package dev.dockercheckpoint.core.criulog;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/** A knowledge-base pattern found in a log line, with the regex groups it captured. */
public record PatternMatch(DiagnosisPattern pattern, LogLine line, List<String> groups) {
    public PatternMatch {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(line, "line");
        groups = List.copyOf(groups);
    }

    static PatternMatch of(DiagnosisPattern pattern, LogLine line, Matcher m) {
        String[] g = new String[m.groupCount()];
        for (int i = 0; i < g.length; i++) {
            String v = m.group(i + 1);
            g[i] = v == null ? "" : v;
        }
        return new PatternMatch(pattern, line, List.of(g));
    }

    /** The explanation with {@code {n}} replaced by the n-th captured group. */
    public String explanation() {
        return render(pattern.explanation());
    }

    /** The fix with {@code {n}} replaced by the n-th captured group. */
    public String fix() {
        return render(pattern.fix());
    }

    private String render(String template) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        StringBuilder sb = new StringBuilder(template.length() + 32);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i) : -1;
            if (close > i + 1 && close - i <= 3 && template.substring(i + 1, close).chars().allMatch(Character::isDigit)) {
                int n = Integer.parseInt(template, i + 1, close, 10);
                sb.append(n >= 1 && n <= groups.size() ? groups.get(n - 1) : "?");
                i = close;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
