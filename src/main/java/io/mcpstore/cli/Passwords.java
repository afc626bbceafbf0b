package io.mcpstore.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where a password comes from: the terminal, without echo, or the first line of stdin with {@code --password-stdin};
 * never the command line, where other users see it in the process list and the shell keeps it in its history.
 */
final class Passwords {
    private Passwords() {}

    /** The first line of stdin (no trailing CR/LF). */
    static String fromStdin() throws IOException {
        InputStream in = System.in;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) line.write(b);
        String password = line.toString(StandardCharsets.UTF_8);
        if (password.endsWith("\r")) password = password.substring(0, password.length() - 1);
        if (password.isEmpty()) throw new AdminClient.Failure("no password on stdin (--password-stdin)");
        return password;
    }

    /** Asks on the terminal; {@code confirm} asks twice (for a new password). */
    static String prompt(String label, boolean confirm) {
        Console console = System.console();
        if (console == null)
            throw new AdminClient.Failure("no terminal to ask for the password: pipe it in with --password-stdin");
        char[] first = console.readPassword("%s: ", label);
        if (first == null || first.length == 0) throw new AdminClient.Failure("no password given");
        try {
            if (confirm) {
                char[] again = console.readPassword("%s again: ", label);
                try {
                    if (!Arrays.equals(first, again)) throw new AdminClient.Failure("the passwords differ");
                } finally {
                    if (again != null) Arrays.fill(again, ' ');
                }
            }
            return new String(first);
        } finally {
            Arrays.fill(first, ' ');
        }
    }

    static String read(boolean stdin, String label, boolean confirm) throws IOException {
        return stdin ? fromStdin() : prompt(label, confirm);
    }

    /** Asks for a user name on the terminal. */
    static String promptLine(String label) {
        Console console = System.console();
        if (console == null) throw new AdminClient.Failure("no terminal to ask for the user name: give --user");
        String line = console.readLine("%s: ", label);
        if (line == null || line.isBlank()) throw new AdminClient.Failure("no user name given");
        return line.trim();
    }
}
