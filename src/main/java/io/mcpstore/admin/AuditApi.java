package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code /audit}: the audit log, newest first, filtered ({@code from}, {@code to}, {@code who}, {@code tool}, {@code
 * outcome}, {@code kind}) and paged ({@code limit}, {@code before} = the {@code next} of the page before); {@code
 * format=jsonl} exports every matching entry as JSON lines, read from the audit verticle page by page.
 */
final class AuditApi extends Resource {
    private static final List<String> FILTERS = List.of("who", "tool", "outcome", "kind", "before");
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1_000;

    AuditApi(AdminBus bus, CurrentConfig current) {
        super(bus, current);
    }

    void query(RoutingContext ctx) {
        JsonObject query = filters(ctx);
        String format = AdminHttp.query(ctx, "format", "json");
        switch (format) {
            case "json" -> {
                query.put("limit", AdminHttp.wholeQuery(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
                answer(ctx, page(query), 200);
            }
            case "jsonl" -> export(ctx, query);
            default -> throw Problem.badRequest("format", "must be json or jsonl, got '" + format + "'");
        }
    }

    private JsonObject filters(RoutingContext ctx) {
        JsonObject query = new JsonObject();
        for (String field : List.of("from", "to")) {
            String v = ctx.queryParams().get(field);
            if (v == null) continue;
            try {
                query.put(field, Instant.parse(v).toString());
            } catch (DateTimeParseException e) {
                throw Problem.badRequest(
                        field, "must be an ISO-8601 instant such as 2026-12-02T12:00:00Z, got '" + v + "'");
            }
        }
        for (String field : FILTERS) {
            String v = ctx.queryParams().get(field);
            if (v != null && !v.isEmpty()) query.put(field, v);
        }
        return query;
    }

    private Future<JsonObject> page(JsonObject query) {
        return bus.request(Addresses.AUDIT_QUERY, query, AdminBus.STORE_TIMEOUT_MS)
                .map(reply -> {
                    JsonObject out = new JsonObject().put("entries", reply.getJsonArray("entries", new JsonArray()));
                    if (reply.getValue("next") != null) out.put("next", reply.getValue("next"));
                    return out;
                });
    }

    /**
     * Every matching entry, one JSON object a line. The first page decides the status (a missing audit log is a 503
     * problem); after that, a failing page ends the stream early, the only thing HTTP still allows.
     */
    private void export(RoutingContext ctx, JsonObject query) {
        query.put("limit", MAX_LIMIT);
        page(query).onFailure(ctx::fail).onSuccess(first -> {
            HttpServerResponse response = ctx.response()
                    .setChunked(true)
                    .putHeader("Content-Type", "application/jsonl")
                    .putHeader("Content-Disposition", "attachment; filename=\"mcpstore-audit.jsonl\"");
            write(response, query, first).onComplete(ar -> {
                if (ar.succeeded()) response.end();
                else response.reset();
            });
        });
    }

    private Future<Void> write(HttpServerResponse response, JsonObject query, JsonObject page) {
        Buffer lines = Buffer.buffer();
        for (Object entry : page.getJsonArray("entries")) {
            lines.appendBuffer(((JsonObject) entry).toBuffer()).appendString("\n");
        }
        Future<Void> written = lines.length() == 0 ? Future.succeededFuture() : response.write(lines);
        Object next = page.getValue("next");
        if (next == null || page.getJsonArray("entries").isEmpty()) return written;
        return written.compose(v -> page(query.copy().put("before", next)))
                .compose(nextPage -> write(response, query, nextPage));
    }
}
