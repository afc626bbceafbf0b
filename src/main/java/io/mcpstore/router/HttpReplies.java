package io.mcpstore.router;

import io.mcpstore.protocol.JsonRpc;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/** Writing HTTP answers: JSON bodies, and transport-level errors as JSON-RPC error objects. */
final class HttpReplies {
    private HttpReplies() {}

    static void json(RoutingContext ctx, int status, Object body) {
        json(ctx.response(), status, body);
    }

    static void json(HttpServerResponse response, int status, Object body) {
        if (response.ended() || response.closed()) return;
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.encodeToBuffer(body));
    }

    /** A transport-level refusal, shaped as the MCP SDKs shape theirs: a JSON-RPC error with a null id. */
    static void error(HttpServerResponse response, int status, String message) {
        json(response, status, JsonRpc.error(null, JsonRpc.CONNECTION_CLOSED, message));
    }

    /**
     * 503 for a new session beyond {@code sessions.max}: a JSON-RPC error (with the request's id, if any) and a
     * {@code Retry-After} of one expiry sweep, when an idle session may have made room.
     */
    static void full(HttpServerResponse response, Object id, SessionStore sessions) {
        if (response.ended() || response.closed()) return;
        response.putHeader("Retry-After", Long.toString(Math.max(1, (sessions.sweepPeriodMs() + 999) / 1000)));
        json(
                response,
                503,
                JsonRpc.error(
                        id,
                        JsonRpc.CONNECTION_CLOSED,
                        "Service Unavailable: the gateway has its maximum of "
                                + sessions.limits().max() + " sessions open (sessions.max); try again later"));
    }

    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        String t = contentType.trim().toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("application/json");
    }
}
