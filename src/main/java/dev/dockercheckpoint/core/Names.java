package dev.dockercheckpoint.core;

/**
 * Validation of every name a user types that later becomes a path component or a process
 * argument: container names, checkpoint names and new container names.
 */
public final class Names {
    public static final int MAX_LENGTH = 128;

    private Names() {
    }

    /**
     * Returns {@code value} when it is a safe name, otherwise throws a {@link DcpException}
     * with code {@link ErrorCode#INVALID_INPUT}. {@code what} names the field ("checkpoint name").
     */
    public static String requireValid(String what, String value) {
        String reason = problem(value);
        if (reason != null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "invalid " + what + " " + quote(value) + ": " + reason,
                    "use letters, digits, '_', '.' and '-' ('.' and '-' not first), at most " + MAX_LENGTH + " characters");
        }
        return value;
    }

    /** Why {@code value} is not a valid name ("it contains '/'"), or null when it is. */
    public static String problem(String value) {
        String reason = reason(value);
        return reason == null ? null : "it " + reason;
    }

    /**
     * Why {@code value} is refused as a sentence about the field {@code what} ("checkpoint name"):
     * "The checkpoint name contains '/'."; null when the name is valid.
     */
    public static String refusal(String what, String value) {
        String reason = reason(value);
        return reason == null ? null : "The " + what + " " + reason + ".";
    }

    /** The reason as a predicate ("contains '/'", "is empty"), or null when {@code value} is valid. */
    private static String reason(String value) {
        if (value == null || value.isEmpty()) {
            return "is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains a control character";
            }
            if (c == '/' || c == '\\') {
                return "contains '" + c + "'";
            }
        }
        if (value.contains("..")) {
            return "contains '..'";
        }
        if (value.charAt(0) == '-') {
            return "starts with '-'";
        }
        if (value.charAt(0) == '.') {
            return "starts with '.'";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.' || c == '-';
            if (!ok) {
                return Character.isWhitespace(c) ? "contains a space" : "contains '" + c + "'";
            }
        }
        return null;
    }

    public static String quote(String value) {
        if (value == null) {
            return "\"\"";
        }
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(value.length(), 40);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > limit) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
