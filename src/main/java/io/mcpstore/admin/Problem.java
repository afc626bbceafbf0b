package io.mcpstore.admin;

import io.mcpstore.bus.Failures;
import io.mcpstore.config.ConfigException;
import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

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

    /** Any failure as the problem it answers: see {@link FailureHandler}. */
    static Problem of(Throwable failure) {
        if (failure instanceof Problem p) return p;
        if (failure instanceof ConfigException c) return badRequest(c.key(), rule(c));
        if (failure instanceof HttpException h) {
            int status = h.getStatusCode();
            String detail = h.getPayload() != null ? h.getPayload() : h.getMessage();
            return new Problem(status, detail == null ? title(status) : detail);
        }
        return new Problem(500, String.valueOf(failure.getMessage()));
    }

    /** A config error's rule, without the key it already names. */
    static String rule(ConfigException c) {
        String m = c.getMessage();
        return m.startsWith(c.key() + ": ") ? m.substring(c.key().length() + 2) : m;
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

    // ---- tool calls: the one mapping of a call's outcome to a status, for POST /tools/call and each /tools/batch
    // item.
    // A result is 200 as it is, a tool's own error result ({"isError": true}) included: the call worked.

    /** No tool of that public name on the endpoint: 404. */
    static Problem unknownTool(String tool) {
        return notFound("tool '" + tool + "' not found");
    }

    /** The tool's service is known but cannot take calls (connecting, reconnecting, failed, stopped): 503. */
    static Problem serviceDown(String tool, String service, String state) {
        return new Problem(503, "tool '" + tool + "' belongs to service '" + service + "', which is " + state);
    }

    /**
     * The upstream answered the call with a JSON-RPC error, kept as {@code error}. Invalid params ({@code -32602}:
     * the upstream refused the arguments) is the caller's to fix: 400 naming {@code arguments}, the upstream's
     * message as the rule. Any other error is the upstream failing: 502.
     */
    static Problem upstreamError(String tool, String service, JsonObject error) {
        String message = String.valueOf(error.getValue("message"));
        Integer code = error.getValue("code") instanceof Number n ? n.intValue() : null;
        if (code != null && code == JsonRpc.INVALID_PARAMS) {
            return new Problem(
                    400,
                    "arguments: service '" + service + "' refused the call of '" + tool + "': " + message,
                    new JsonObject()
                            .put("field", "arguments")
                            .put("rule", message)
                            .put("error", error));
        }
        return new Problem(
                502,
                "service '" + service + "' answered the call of '" + tool + "' with an error: " + message,
                new JsonObject().put("error", error));
    }

    /**
     * The request to the service's upstream verticle failed ({@link Failures} codes, or the bus itself): no verticle
     * or an unavailable upstream is 503, no answer in time 504, a request the upstream verticle refused 400, anything
     * else 502.
     */
    static Problem callFailed(String service, Throwable failure) {
        if (failure instanceof Problem p) return p;
        if (!(failure instanceof ReplyException r)) {
            return new Problem(502, "the call to service '" + service + "' failed: " + failure.getMessage());
        }
        return switch (r.failureType()) {
            case NO_HANDLERS -> new Problem(503, "service '" + service + "' is not running");
            case TIMEOUT -> new Problem(504, "service '" + service + "' did not answer in time");
            default ->
                new Problem(
                        switch (r.failureCode()) {
                            case Failures.UNAVAILABLE, Failures.CANCELLED -> 503;
                            case Failures.TIMEOUT -> 504;
                            case Failures.BAD_REQUEST -> 400;
                            default -> 502;
                        },
                        r.getMessage());
        };
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 429 -> "Too Many Requests";
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
