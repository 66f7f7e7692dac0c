package dev.dockercheckpoint.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point. Compiled for Java 8 (its own source root), so that {@code java -jar} on
 * an older Java (Debian 12 and Ubuntu 22.04 default to 17) says which Java is needed and how to
 * get one, instead of failing with {@code UnsupportedClassVersionError}; on Java 21+ it runs
 * {@link Main}.
 */
public final class Launch {
    /** The oldest Java the application runs on. */
    static final int NEEDED = 21;

    private Launch() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version", "0");
        String problem = problem(version, System.getProperty("java.home", "?"));
        if (problem != null) {
            System.err.println(problem);
            System.err.println("hint: install the docker-checkpoint package, which brings its own Java (scripts/package-deb"
                    + " builds it), or run it with a Java " + NEEDED + "+: JAVA_HOME=/path/to/jdk packaging/docker-checkpoint ...");
            System.exit(1);
        }
        try {
            Class.forName("dev.dockercheckpoint.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The error line for a Java of this specification version ("1.8", "17", "25"), or null when it will do. */
    static String problem(String specificationVersion, String javaHome) {
        int feature = feature(specificationVersion);
        if (feature >= NEEDED) {
            return null;
        }
        return "error: docker-checkpoint needs Java " + NEEDED + " or newer; this is Java " + specificationVersion
                + " (" + javaHome + ")";
    }

    /** The feature release of a specification version: 8 for "1.8", 17 for "17"; 0 when unreadable. */
    static int feature(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }
}
