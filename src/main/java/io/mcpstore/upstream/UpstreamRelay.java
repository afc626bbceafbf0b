package io.mcpstore.upstream;

import io.mcpstore.bus.Addresses;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway calls one upstream connection is serving, and what travels between the upstream and the calling
 * clients while they run: progress (the upstream sees a token of ours, the client gets its own back), log messages,
 * server→client requests (sampling, elicitation, roots) and their answers, and cancellation. One connection serves
 * every client, so what the upstream sends is matched to a call by its progress token, else to the latest call in
 * flight; with no call in flight a server→client request goes to the session's own stream.
 */
final class UpstreamRelay {
    /** One call in flight: where its related messages go ({@code relay}) and who asked ({@code session}). */
    static final class InFlight {
        final String key;
        final JsonObject relay;
        final JsonObject session;
        final String token;
        long upstreamId = -1;

        private InFlight(String key, JsonObject relay, JsonObject session, String token) {
            this.key = key;
            this.relay = relay;
            this.session = session;
            this.token = token;
        }
    }

    private static final Map<String, String> CAPABILITY_OF = Map.of(
            "sampling/createMessage", "sampling",
            "elicitation/create", "elicitation",
            "roots/list", "roots");

    private final Vertx vertx;
    private final String service;
    private final LinkedHashMap<String, InFlight> calls = new LinkedHashMap<>();
    private final Map<String, InFlight> byToken = new HashMap<>();
    private long nextToken = 1;

    UpstreamRelay(Vertx vertx, String service) {
        this.vertx = vertx;
        this.service = service;
    }

    /** The client capabilities the gateway declares upstream: everything it can relay to a client. */
    static JsonObject clientCapabilities() {
        return new JsonObject()
                .put("sampling", new JsonObject())
                .put(
                        "elicitation",
                        new JsonObject().put("form", new JsonObject()).put("url", new JsonObject()))
                .put("roots", new JsonObject().put("listChanged", true));
    }

    /** Registers a call from a bus request; {@code null} when it came without a relay (nothing to send back). */
    InFlight begin(JsonObject body, JsonObject params) {
        JsonObject relay = body.getJsonObject("relay");
        if (relay == null) return null;
        JsonObject meta = params == null ? null : params.getJsonObject("_meta");
        String token = meta != null && meta.getValue("progressToken") != null ? "mcpstore-" + nextToken++ : null;
        InFlight call = new InFlight(key(relay), relay, body.getJsonObject("session", new JsonObject()), token);
        calls.put(call.key, call);
        if (token != null) byToken.put(token, call);
        return call;
    }

    /** The params as the upstream sees them: our progress token in place of the client's. */
    static JsonObject upstreamParams(InFlight call, JsonObject params) {
        if (call == null || call.token == null) return params;
        JsonObject meta = new JsonObject(
                        new LinkedHashMap<>(params.getJsonObject("_meta").getMap()))
                .put("progressToken", call.token);
        return new JsonObject(new LinkedHashMap<>(params.getMap())).put("_meta", meta);
    }

    void end(InFlight call) {
        if (call == null) return;
        calls.remove(call.key);
        if (call.token != null) byToken.remove(call.token);
    }

    /** The call a router's cancellation names, if it is still in flight. */
    InFlight find(JsonObject relay) {
        return relay == null ? null : calls.get(key(relay));
    }

    /** Hands a notification to the client it belongs to; {@code false} when it is not one the relay carries. */
    boolean notification(JsonObject notification) {
        String method = notification.getString("method");
        JsonObject params = notification.getJsonObject("params", new JsonObject());
        switch (method) {
            case McpMethods.NOTIFICATIONS_PROGRESS -> {
                InFlight call = byToken.get(String.valueOf(params.getValue("progressToken")));
                if (call != null) toCall(call, notification);
                return true;
            }
            case McpMethods.NOTIFICATIONS_MESSAGE -> {
                InFlight call = latest();
                if (call != null) {
                    toCall(call, notification);
                } else {
                    toSessions(notification, new JsonObject().put("level", params.getString("level", "info")));
                }
                return true;
            }
            case McpMethods.NOTIFICATIONS_RESOURCES_UPDATED -> {
                toSessions(notification, new JsonObject().put("uri", params.getString("uri")));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * A server→client request: relayed to the client of the call in flight (or, with none, of the latest session
     * that called), answered with the client's result; fails with a JSON-RPC error when no client can answer.
     */
    Future<JsonObject> serverRequest(JsonObject request, long timeoutMs) {
        String method = request.getString("method");
        InFlight call = latest();
        if (call == null) {
            return Future.failedFuture(new JsonRpcPeer.RpcError(
                    JsonRpc.INVALID_REQUEST,
                    method + " needs a client, and no client call to service '" + service + "' is in flight"));
        }
        String capability = CAPABILITY_OF.get(method);
        JsonObject declared = call.session.getJsonObject("capabilities", new JsonObject());
        if (capability != null && !declared.containsKey(capability)) {
            return Future.failedFuture(new JsonRpcPeer.RpcError(
                    JsonRpc.METHOD_NOT_FOUND,
                    "the calling client does not support " + capability + " (" + method + ")"));
        }
        JsonObject ask = new JsonObject()
                .put("call", call.relay.getValue("call"))
                .put("timeoutMs", timeoutMs)
                .put("request", new JsonObject().put("method", method).put("params", request.getValue("params")));
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
        String sessionId = call.session.getString("id");
        return vertx.eventBus()
                .<JsonObject>request(call.relay.getString("address"), ask, options)
                // The call ended meanwhile: the session's own stream may still carry the request.
                .recover(e -> sessionId == null
                        ? Future.failedFuture(e)
                        : vertx.eventBus().request(Addresses.session(sessionId), ask, options))
                .recover(e -> Future.failedFuture(new JsonRpcPeer.RpcError(
                        JsonRpc.INTERNAL_ERROR, "the client session is gone or did not answer: " + e.getMessage())))
                .compose(UpstreamRelay::clientAnswer);
    }

    private static Future<JsonObject> clientAnswer(Message<JsonObject> reply) {
        JsonObject body = reply.body();
        JsonObject error = body.getJsonObject("error");
        if (error != null) {
            return Future.failedFuture(new JsonRpcPeer.RpcError(
                    error.getInteger("code", JsonRpc.INTERNAL_ERROR), error.getString("message", "client error")));
        }
        return Future.succeededFuture(body.getJsonObject("result", new JsonObject()));
    }

    private InFlight latest() {
        InFlight last = null;
        for (InFlight call : calls.values()) last = call;
        return last;
    }

    private void toCall(InFlight call, JsonObject message) {
        vertx.eventBus()
                .send(
                        call.relay.getString("address"),
                        new JsonObject()
                                .put("call", call.relay.getValue("call"))
                                .put("message", message));
    }

    private void toSessions(JsonObject message, JsonObject filter) {
        vertx.eventBus()
                .publish(
                        Addresses.SESSIONS_NOTIFY,
                        filter.put("services", new JsonArray().add(service)).put("message", message));
    }

    /** Every call in flight, for when the connection is lost. */
    List<InFlight> all() {
        return new ArrayList<>(calls.values());
    }

    private static String key(JsonObject relay) {
        return relay.getString("address") + "/" + relay.getValue("call");
    }
}
