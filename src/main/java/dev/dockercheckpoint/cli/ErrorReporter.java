package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.DcpException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Prints failures as one error line, the decisive log lines, and a hint; never a stack trace for user errors. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    /** Made on the first failure: setting up logging costs every command line's start-up a few milliseconds. */
    private static Logger log() {
        return LoggerFactory.getLogger(ErrorReporter.class);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        if (ex instanceof DcpException e) {
            print(err, e);
            log().debug("failure", e);
            return ExitCodes.FAILED;
        }
        err.println("error: unexpected failure: " + ex);
        err.println("hint: run again with -v and report the output");
        log().debug("unexpected failure", ex);
        return ExitCodes.FAILED;
    }

    static void print(PrintWriter err, DcpException e) {
        err.println("error: " + e.getMessage());
        for (String line : e.details()) {
            err.println("  " + line);
        }
        if (e.logFile() != null) {
            err.println("  log: " + e.logFile());
        }
        if (!e.hint().isEmpty()) {
            err.println("hint: " + e.hint());
        }
        err.flush();
    }
}
