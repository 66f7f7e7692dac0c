package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.core.criulog.CriuLogAnalyzer;
import dev.dockercheckpoint.core.criulog.Diagnosis;
import dev.dockercheckpoint.core.criulog.DiagnosisPattern;
import dev.dockercheckpoint.core.criulog.KnownNoise;
import dev.dockercheckpoint.core.criulog.LogAnalysis;
import dev.dockercheckpoint.core.criulog.LogLine;
import dev.dockercheckpoint.core.criulog.LogReport;
import dev.dockercheckpoint.core.criulog.NotableLine;
import dev.dockercheckpoint.core.criulog.PhaseTiming;
import dev.dockercheckpoint.core.criulog.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Explains a CRIU dump.log or restore.log: the verdict, the timeline, the decisive lines and, for a
 * known failure, its cause and fix; then every Warn line not known to be harmless (and, when the
 * log shows no failure, every such Error line), up to {@value LogReport#MAX_SHOWN} of each, with
 * the known cause of each when there is one. Exit 0 when the log shows success, 1 when it shows a failure,
 * 2 when the file cannot be read or is not a CRIU log.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain a CRIU dump.log or restore.log: verdict, timeline, decisive lines, cause and fix.")
final class ExplainCommand implements Callable<Integer> {
    private static final int WIDTH = 100;
    /** Indent of what is said about a listed line: under its text, past the line number. */
    private static final String MORE_INDENT = " ".repeat(10);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "A CRIU log (dump.log, restore.log) or runc's output.")
    Path log;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(log)) {
            return unreadable(err, log + " is a directory",
                    "give the log file itself, e.g. " + log.resolve("dump.log"));
        }
        LogAnalysis analysis;
        try {
            analysis = CriuLogAnalyzer.analyze(log);
        } catch (NoSuchFileException e) {
            return unreadable(err, "cannot read " + log + ": no such file",
                    "give the path of a CRIU dump.log or restore.log (CRIU writes it in the images or work"
                            + " directory of the checkpoint)");
        } catch (AccessDeniedException e) {
            return unreadable(err, "cannot read " + log + ": permission denied",
                    "CRIU's logs usually belong to root: run as root or copy the log");
        } catch (IOException e) {
            return unreadable(err, "cannot read " + log + ": " + e.getMessage(), "check that the file is readable");
        }
        if (!analysis.isCriuLog()) {
            return unreadable(err, log + " is not a CRIU log: no line starts with CRIU's \"(seconds)\" prefix",
                    "give the dump.log or restore.log CRIU wrote, not another file");
        }
        Diagnosis d = analysis.diagnosis();
        print(out, analysis, d);
        out.flush();
        return d.verdict() == Verdict.SUCCESS ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void print(PrintWriter out, LogAnalysis a, Diagnosis d) {
        String what = a.kind().title();
        String verdict = switch (d.verdict()) {
            case SUCCESS -> what + " succeeded";
            case FAILURE -> what + " FAILED";
            case INCOMPLETE -> what + " did not finish (no result in the log)";
        };
        out.printf("%s: %s (%d lines)%n", log, verdict, a.lineCount());
        out.println((d.verdict() == Verdict.FAILURE ? "Cause: " : "Result: ") + d.title()
                + (d.patternId() == null ? "" : " [" + d.patternId() + "]"));
        if (!a.phases().isEmpty()) {
            out.println();
            out.println("Timeline:");
            out.printf(Locale.ROOT, "  %-28s %10s %12s%n", "PHASE", "START", "DURATION");
            for (PhaseTiming p : a.phases()) {
                out.printf(Locale.ROOT, "  %-28s %8.3f s %9.1f ms%n", p.title(), p.start(), p.duration() * 1000);
            }
            out.printf(Locale.ROOT, "  %-28s %8.3f s%n", "(end of log)", a.endTime());
        }
        if (!d.decisiveLines().isEmpty()) {
            out.println();
            out.println(d.decisiveLine() == null ? "Last lines:" : "Decisive lines:");
            for (LogLine l : d.decisiveLines()) {
                boolean harmless = a.isHarmless(l);
                out.printf("%s%7d  %s%s%n", l == d.decisiveLine() ? ">" : " ", l.number(), l.text(),
                        harmless ? "   [known harmless]" : "");
            }
        }
        out.println();
        out.println("Explanation:");
        wrap(out, d.explanation());
        if (!d.fix().isEmpty()) {
            out.println("Fix:");
            wrap(out, d.fix());
        }
        out.println();
        out.printf("Errors: %d (%d known harmless), warnings: %d (%d known harmless)%n", a.errorCount(),
                a.harmlessErrorCount(), a.warningCount(), a.harmlessWarningCount());
        for (String id : a.harmlessSeen()) {
            KnownNoise.Rule r = KnownNoise.rule(id);
            out.printf("  known harmless: \"%s\": %s%n", r.text(), r.why());
        }
        if (d.verdict() != Verdict.FAILURE && a.realErrorCount() > 0) {
            // after a failure the decisive lines show the errors that matter
            List<NotableLine> errors = a.errors().stream().map(l -> new NotableLine(l, null)).toList();
            list(out, "Errors not known to be harmless", errors, a.realErrorCount());
        }
        if (a.realWarningCount() > 0) {
            list(out, "Warnings not known to be harmless", a.warnings(), a.realWarningCount());
        }
    }

    /**
     * Lists up to {@link LogReport#MAX_SHOWN} lines, each with the known cause it shows; a cause's
     * fix is printed the first time only.
     */
    private static void list(PrintWriter out, String heading, List<NotableLine> lines, long total) {
        out.println();
        out.println(heading + " (" + total + "):");
        Set<String> explained = new HashSet<>();
        int shown = 0;
        for (NotableLine n : lines) {
            if (shown == LogReport.MAX_SHOWN) {
                break;
            }
            shown++;
            out.printf("%8d  %s%n", n.line().number(), n.line().text());
            if (n.match() != null) {
                DiagnosisPattern p = n.match().pattern();
                if (explained.add(p.id())) {
                    out.println(MORE_INDENT + p.title() + " [" + p.id() + "]");
                    wrap(out, "Fix: " + n.match().fix(), MORE_INDENT);
                } else {
                    out.println(MORE_INDENT + p.title() + " [" + p.id() + "], fix above");
                }
            }
        }
        if (total > shown) {
            out.println("  ... and " + (total - shown) + " more not shown");
        }
    }

    private static void wrap(PrintWriter out, String text) {
        wrap(out, text, "  ");
    }

    private static void wrap(PrintWriter out, String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        int empty = indent.length();
        for (String word : text.split(" ")) {
            if (line.length() > empty && line.length() + 1 + word.length() > WIDTH) {
                out.println(line);
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > empty) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line);
    }

    private static int unreadable(PrintWriter err, String message, String hint) {
        err.println("error: " + message);
        err.println("hint: " + hint);
        err.flush();
        return ExitCodes.USAGE;
    }
}
