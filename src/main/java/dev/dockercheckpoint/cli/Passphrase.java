package dev.dockercheckpoint.cli;

import dev.dockercheckpoint.client.ArchiveCrypto;
import dev.dockercheckpoint.core.DcpException;
import dev.dockercheckpoint.core.ErrorCode;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a passphrase comes from, in this order: the first line of {@code --passphrase-file FILE},
 * the environment variable {@value #ENV}, or the terminal (read without echo; an export asks twice).
 * The terminal is the console when standard input and output are one, else the controlling
 * terminal {@code /dev/tty} (so {@code export -o - | ssh ...} and {@code ... | import -} still
 * ask), with its echo turned off by {@code stty} for the time of the answer. A passphrase is
 * returned as UTF-8 bytes for the caller to clear; it never appears in a message.
 */
final class Passphrase {
    static final String ENV = "DCP_PASSPHRASE";
    private static final int MAX = 4096;

    /** Reads one line without echo after a prompt; null at the end of input. */
    interface Terminal {
        char[] readPassword(String prompt) throws IOException;
    }

    /** The terminal to ask, or null when there is none (tests replace it). */
    static Supplier<Terminal> terminal = Passphrase::systemTerminal;
    /** The environment (tests replace it). */
    static Function<String, String> environment = System::getenv;

    private Passphrase() {
    }

    /**
     * The passphrase, from {@code file} when given, else the environment, else the terminal
     * ({@code confirm}: asked twice, as an export does).
     */
    static byte[] read(Path file, boolean confirm) {
        if (file != null) {
            return fromFile(file);
        }
        String env = environment.apply(ENV);
        if (env != null) {
            if (env.isEmpty()) {
                throw new DcpException(ErrorCode.INVALID_INPUT, ENV + " is set but empty",
                        "set it to the passphrase, or unset it to be asked on the terminal");
            }
            return env.getBytes(StandardCharsets.UTF_8);
        }
        Terminal t = terminal.get();
        if (t == null) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "there is no terminal to ask the passphrase on",
                    "pass --passphrase-file FILE (its first line) or set " + ENV);
        }
        char[] first = null;
        char[] second = null;
        try {
            first = t.readPassword("Passphrase: ");
            if (first == null || first.length == 0) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "no passphrase was given",
                        "type a passphrase of at least one character");
            }
            if (confirm) {
                second = t.readPassword("Passphrase again: ");
                if (second == null || !Arrays.equals(first, second)) {
                    throw new DcpException(ErrorCode.INVALID_INPUT, "the two passphrases differ",
                            "run it again and type the same passphrase twice");
                }
            }
            return ArchiveCrypto.utf8(first);
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read the passphrase from the terminal",
                    "pass --passphrase-file FILE or set " + ENV);
        } finally {
            clear(first);
            clear(second);
        }
    }

    private static byte[] fromFile(Path file) {
        byte[] all;
        try {
            if (Files.isDirectory(file)) {
                throw new DcpException(ErrorCode.INVALID_INPUT, file + " is a directory, not a passphrase file",
                        "pass a file whose first line is the passphrase");
            }
            try (InputStream in = Files.newInputStream(file)) {
                all = in.readNBytes(MAX + 2);
            }
        } catch (NoSuchFileException e) {
            throw new DcpException(ErrorCode.INVALID_INPUT, "no such passphrase file " + file,
                    "pass a file whose first line is the passphrase");
        } catch (IOException e) {
            throw new DcpException(ErrorCode.IO_ERROR, "cannot read the passphrase file " + file,
                    "check that it is readable");
        }
        int end = 0;
        while (end < all.length && all[end] != '\n') {
            end++;
        }
        if (end > 0 && all[end - 1] == '\r') {
            end--;
        }
        try {
            if (end == 0) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "the first line of " + file + " is empty",
                        "write the passphrase on its first line");
            }
            if (end > MAX) {
                throw new DcpException(ErrorCode.INVALID_INPUT, "the first line of " + file + " is longer than " + MAX
                        + " bytes", "write the passphrase on its first line");
            }
            return Arrays.copyOf(all, end);
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    static void clear(char[] chars) {
        if (chars != null) {
            Arrays.fill(chars, '\0');
        }
    }

    private static Terminal systemTerminal() {
        Console console = System.console();
        if (console != null && isTerminal(console)) {
            return prompt -> console.readPassword("%s", prompt);
        }
        File tty = new File("/dev/tty");
        try (RandomAccessFile probe = new RandomAccessFile(tty, "rw")) {
            return Passphrase::readFromTty;
        } catch (IOException e) {
            return null; // no controlling terminal
        }
    }

    /** Java 22 and newer may give a console that is no terminal; its isTerminal() says so (absent before 22). */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Reads a line from /dev/tty with its echo off (stty), then puts the echo back. */
    private static char[] readFromTty(String prompt) throws IOException {
        File tty = new File("/dev/tty");
        try (RandomAccessFile io = new RandomAccessFile(tty, "rw")) {
            stty(tty, "-echo");
            try {
                io.write(prompt.getBytes(StandardCharsets.UTF_8));
                byte[] line = new byte[MAX + 1];
                int n = 0;
                for (int c; (c = io.read()) >= 0 && c != '\n'; ) {
                    if (n < line.length) {
                        line[n++] = (byte) c;
                    }
                }
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(line, 0, n));
                Arrays.fill(line, (byte) 0);
                char[] out = new char[chars.remaining()];
                chars.get(out);
                Arrays.fill(chars.array(), '\0');
                return out;
            } finally {
                stty(tty, "echo");
                io.write('\n');
            }
        }
    }

    private static void stty(File tty, String setting) throws IOException {
        Process p = new ProcessBuilder("stty", setting).redirectInput(tty)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("stty " + setting + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
