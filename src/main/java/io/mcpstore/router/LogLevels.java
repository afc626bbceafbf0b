package io.mcpstore.router;

import java.util.List;

/** MCP log levels (RFC 5424 severities), least to most severe. */
final class LogLevels {
    private LogLevels() {}

    static final List<String> ORDER =
            List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    /** Whether a message at {@code level} reaches a session that asked for {@code threshold} (none: nothing). */
    static boolean passes(String level, String threshold) {
        if (threshold == null) return false;
        int l = ORDER.indexOf(level);
        return l >= 0 && l >= ORDER.indexOf(threshold);
    }
}
