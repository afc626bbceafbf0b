package io.mcpstore.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An RFC 9457 problem: every admin API error leaves through here as {@code application/problem+json}. */
final class Problem extends RuntimeException {
    final int status;
    final JsonObject extra;

    Problem(int status, String detail) {
        this(status, detail, new JsonObject());
    }

    Problem(int status, String detail, JsonObject extra) {
        super(detail);
        this.status = status;
        this.extra = extra;
    }

    static Problem badRequest(String field, String rule) {
        return new Problem(
                400, field + ": " + rule, new JsonObject().put("field", field).put("rule", rule));
    }

    static Problem notFound(String detail) {
        return new Problem(404, detail);
    }

    /** The reply of the config store verticle when it carries {@code error}. */
    static Problem fromStore(JsonObject error) {
        JsonObject extra = new JsonObject();
        if (error.getValue("field") != null) extra.put("field", error.getValue("field"));
        if (error.getValue("rule") != null) extra.put("rule", error.getValue("rule"));
        return new Problem(error.getInteger("status", 500), error.getString("detail", "config store error"), extra);
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    void send(RoutingContext ctx) {
        send(ctx, status, getMessage(), extra);
    }

    static void send(RoutingContext ctx, int status, String detail, JsonObject extra) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title(status))
                .put("status", status)
                .put("detail", detail)
                .put("instance", ctx.request().path());
        if (extra != null) body.mergeIn(extra);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                .end(body.encodePrettily());
    }
}
