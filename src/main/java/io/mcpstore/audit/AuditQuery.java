package io.mcpstore.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The filters of an {@code AUDIT_QUERY}: {@code from} and {@code to} (ISO instants, both inclusive), exact {@code
 * who}, {@code tool}, {@code outcome}, {@code kind}, at most {@code limit} entries older than the cursor {@code
 * before} (an entry's {@code id}).
 */
public record AuditQuery(
        Instant from, Instant to, String who, String tool, String outcome, String kind, int limit, Long before) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** A filter that cannot be used; {@code field} names it. */
    public static final class Invalid extends RuntimeException {
        private final String field;

        Invalid(String field, String detail) {
            super(field + ": " + detail);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public static AuditQuery all(int limit) {
        return new AuditQuery(null, null, null, null, null, null, limit, null);
    }

    /** Reads a query; values may be strings as a query string gives them. Unknown fields are ignored. */
    public static AuditQuery fromJson(JsonObject json) {
        JsonObject q = json == null ? new JsonObject() : json;
        Instant from = instant(q, "from");
        Instant to = instant(q, "to");
        if (from != null && to != null && to.isBefore(from)) {
            throw new Invalid("to", "is before from (" + from + ")");
        }
        long limit = whole(q, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new Invalid("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        Long before = q.getValue("before") == null ? null : whole(q, "before", 0);
        if (before != null && before < 1) throw new Invalid("before", "must be a cursor from a page's next");
        return new AuditQuery(
                from, to, text(q, "who"), text(q, "tool"), text(q, "outcome"), text(q, "kind"), (int) limit, before);
    }

    /** Whether a stored entry (with its {@code id}) passes every filter but the limit. */
    public boolean matches(JsonObject entry) {
        if (before != null && entry.getLong("id", Long.MAX_VALUE) >= before) return false;
        if (!same(who, entry, "who")
                || !same(tool, entry, "tool")
                || !same(outcome, entry, "outcome")
                || !same(kind, entry, "kind")) {
            return false;
        }
        if (from == null && to == null) return true;
        Instant at;
        try {
            at = Instant.parse(entry.getString("at", ""));
        } catch (DateTimeParseException | ClassCastException e) {
            return false;
        }
        return (from == null || !at.isBefore(from)) && (to == null || !at.isAfter(to));
    }

    private static boolean same(String wanted, JsonObject entry, String field) {
        return wanted == null || wanted.equals(entry.getValue(field));
    }

    private static String text(JsonObject q, String field) {
        Object v = q.getValue(field);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new Invalid(field, "must be a string");
        return s.isEmpty() ? null : s;
    }

    private static long whole(JsonObject q, String field, long dflt) {
        Object v = q.getValue(field);
        if (v == null) return dflt;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) return Long.parseLong(s.trim());
        throw new Invalid(field, "must be a whole number, got '" + v + "'");
    }

    private static Instant instant(JsonObject q, String field) {
        Object v = q.getValue(field);
        if (v == null || (v instanceof String s && s.isEmpty())) return null;
        if (v instanceof String s) {
            Instant at = parseInstant(s);
            if (at != null) return at;
        }
        throw new Invalid(field, "must be an ISO-8601 instant such as 2026-12-02T12:00:00Z, got '" + v + "'");
    }

    /** An ISO instant, an offset date-time, or a date (its start, UTC); null when it is none of them. */
    static Instant parseInstant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // try a date
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
