package io.mcpstore.upstream;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * What a child's stderr says went wrong, in one line: the first line that looks like an error ({@code npm error code
 * E404}, {@code Error: Cannot find module …}, a Java exception), not the last one, which is often a pointer elsewhere
 * ({@code A complete log of this run can be found in …}); the last line when none looks like an error.
 */
final class StderrSummary {
    private StderrSummary() {}

    private static final Pattern ERROR =
            Pattern.compile("(?i:\\b(error|fatal|panic|exception)\\b|(error|exception)\\b)|\\bE(\\d{3}|[A-Z]{4,})\\b");

    static String of(Collection<String> lines) {
        String last = null;
        for (String line : lines) {
            if (line.isBlank()) continue;
            if (ERROR.matcher(line).find()) return line.strip();
            last = line;
        }
        return last == null ? null : last.strip();
    }
}
