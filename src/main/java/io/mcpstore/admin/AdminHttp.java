package io.mcpstore.admin;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** How the admin API reads a request and writes an answer: JSON bodies, revisions, query parameters. */
final class AdminHttp {
    private AdminHttp() {}

    static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.encodeToBuffer(body));
    }

    /** The request's JSON object body (these routes take JSON only; {@link ChangeContentTypes} also lets YAML by). */
    static JsonObject body(RoutingContext ctx) {
        String ct = ctx.request().getHeader("Content-Type");
        if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Problem(415, "this endpoint takes application/json, not " + ct);
        }
        try {
            String text = ctx.body().asString();
            Object v = text == null || text.isBlank() ? null : Json.decodeValue(text);
            if (!(v instanceof JsonObject o)) throw Problem.badRequest("(body)", "must be a JSON object");
            return o;
        } catch (DecodeException e) {
            throw Problem.badRequest("(body)", "is not valid JSON: " + e.getMessage());
        }
    }

    /** The revision a change is based on, from {@code If-Match} or {@code ?revision}; null = the current one. */
    static Long baseRevision(RoutingContext ctx) {
        String value = ctx.request().getHeader("If-Match");
        String field = "If-Match";
        if (value == null) {
            value = ctx.queryParams().get("revision");
            field = "revision";
        }
        if (value == null || value.equals("*")) return null;
        String v = value.trim();
        if (v.startsWith("W/")) v = v.substring(2);
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Problem.badRequest(field, "must be a revision number, got '" + value + "'");
        }
    }

    static String query(RoutingContext ctx, String name, String dflt) {
        String v = ctx.queryParams().get(name);
        return v == null ? dflt : v;
    }

    static int wholeQuery(RoutingContext ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParams().get(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name, "must be a whole number from " + min + " to " + max + ", got '" + v + "'");
        }
    }
}
