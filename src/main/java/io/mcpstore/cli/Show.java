package io.mcpstore.cli;

import io.vertx.core.json.JsonArray;

/** How a JSON value reads in a table cell. */
final class Show {
    private Show() {}

    /** A list as {@code a, b}; null as empty; anything else as its text. */
    static String value(Object v) {
        if (v == null) return "";
        if (v instanceof JsonArray a) {
            StringBuilder s = new StringBuilder();
            a.forEach(o -> s.append(s.isEmpty() ? "" : ", ").append(o));
            return s.toString();
        }
        return String.valueOf(v);
    }

    /** A list, or {@code all} when a principal is not limited (the field is absent). */
    static String limit(Object v) {
        return v == null ? "all" : value(v);
    }
}
