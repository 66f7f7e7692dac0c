package dev.dockercheckpoint.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of docker-checkpoint: the seed-compatible command line and its subcommands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        HelperPrefetch.startFor(args);
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length > 0 && args[0].equals(StartupTrainingCommand.NAME)) {
            // not a picocli subcommand: the seed's cache would hold every subcommand's model
            return StartupTrainingCommand.run(args, err);
        }
        if (args.length > 0 && args[0].equals("helper")) {
            // a daemon: its log (refusals, repairs, operations) is its output
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.hc", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.com.github.dockerjava", "warn");
        }
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
                System.setProperty("org.slf4j.simpleLogger.log.org.apache.hc", "info");
                System.setProperty("org.slf4j.simpleLogger.log.com.github.dockerjava", "info");
            }
        }
        CommandLine cli = commandLine(out, err, args);
        return cli.execute(args);
    }

    /** The command line with every subcommand (for its help, and for tests of its model). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * The command line for {@code args}: the seed's command, with the subcommands an argument names,
     * or all of them when the first argument is not an option (a subcommand, or a mistyped one
     * picocli suggests the right name for), help is asked for, or {@code args} is null or empty.
     * Arguments that name no subcommand could not reach one, so they are parsed the same.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine cli = new CommandLine(new RootCommand().model());
        boolean all = needsAllSubcommands(args);
        for (Map.Entry<String, Class<?>> sub : RootCommand.SUBCOMMANDS.entrySet()) {
            if (all || Arrays.asList(args).contains(sub.getKey())) {
                cli.addSubcommand(sub.getKey(), sub.getValue());
            }
        }
        cli.setPosixClusteredShortOptionsAllowed(false);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            e.println("error: " + ex.getMessage());
            e.println("hint: see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
            return ExitCodes.USAGE;
        });
        return cli;
    }

    private static boolean needsAllSubcommands(String[] args) {
        if (args == null || args.length == 0 || !args[0].startsWith("-")) {
            return true;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("help")) {
                return true;
            }
        }
        return false;
    }
}
