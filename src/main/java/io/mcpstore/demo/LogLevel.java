package io.mcpstore.demo;

import java.util.Locale;

/** The syslog severities MCP logging uses, least severe first. */
public enum LogLevel {
    DEBUG,
    INFO,
    NOTICE,
    WARNING,
    ERROR,
    CRITICAL,
    ALERT,
    EMERGENCY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level with this wire name, or {@code null}. */
    public static LogLevel parse(String wireName) {
        for (LogLevel level : values()) {
            if (level.wireName().equals(wireName)) {
                return level;
            }
        }
        return null;
    }
}
