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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway calls one upstream connection is serving, and what travels between the upstream and the calling
 * clients while they run: progress (the upstream sees a token of ours, the client gets its own back), log messages,
 * server→client requests (sampling, elicitation, roots) and their answers, and cancellation.
 *
 * <p>One connection serves every client, so each message goes with the request it belongs to: the one whose
 * Streamable HTTP answer stream carried it, else the one it names ({@code relatedRequestId}, a progress token),
 * else the only call in flight. With several in flight and nothing to match, it goes to no client (a server→client
 * request is answered with an error) rather than to a client it may not belong to. {@code roots/list} that no
 * client can answer gets the service's configured roots.
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

    private static final String ROOTS_LIST = "roots/list";
    private static final Map<String, String> CAPABILITY_OF =
            Map.of("sampling/createMessage", "sampling", "elicitation/create", "elicitation", ROOTS_LIST, "roots");

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamRelay.class);

    /** Which call a message belongs to; {@code ambiguous}: several are in flight and nothing says which. */
    private record Match(InFlight call, boolean ambiguous) {
        static final Match NONE = new Match(null, false);
        static final Match AMBIGUOUS = new Match(null, true);
    }

    private final Vertx vertx;
    private final String service;
    private final JsonArray roots;
    private final LinkedHashMap<String, InFlight> calls = new LinkedHashMap<>();
    private final Map<String, InFlight> byToken = new HashMap<>();
    private final Map<Long, InFlight> byUpstreamId = new HashMap<>();
    private long nextToken = 1;

    /** @param roots what {@code roots/list} gets when no client can answer it: {@code [{uri, name?}]} */
    UpstreamRelay(Vertx vertx, String service, JsonArray roots) {
        this.vertx = vertx;
        this.service = service;
        this.roots = roots;
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

    /** The call went upstream with JSON-RPC id {@code id} (again, after a re-initialize: the latest id counts). */
    void sent(InFlight call, long id) {
        if (call == null) return;
        if (call.upstreamId >= 0) byUpstreamId.remove(call.upstreamId);
        call.upstreamId = id;
        byUpstreamId.put(id, call);
    }

    void end(InFlight call) {
        if (call == null) return;
        calls.remove(call.key);
        if (call.token != null) byToken.remove(call.token);
        if (call.upstreamId >= 0) byUpstreamId.remove(call.upstreamId);
    }

    /** The call a router's cancellation names, if it is still in flight. */
    InFlight find(JsonObject relay) {
        return relay == null ? null : calls.get(key(relay));
    }

    /** Hands a notification to the client it belongs to; {@code false} when it is not one the relay carries. */
    boolean notification(Transport.Inbound inbound) {
        JsonObject notification = inbound.message();
        String method = notification.getString("method");
        JsonObject params = notification.getJsonObject("params", new JsonObject());
        switch (method) {
            case McpMethods.NOTIFICATIONS_PROGRESS -> {
                InFlight call = byToken.get(String.valueOf(params.getValue("progressToken")));
                if (call != null) toCall(call, notification);
                return true;
            }
            case McpMethods.NOTIFICATIONS_MESSAGE -> {
                Match match = match(inbound);
                if (match.call() != null) {
                    toCall(match.call(), notification);
                } else if (match.ambiguous()) {
                    LOG.debug(
                            "service '{}': a log message names none of the {} calls in flight; sent to no client: {}",
                            service,
                            calls.size(),
                            params);
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
     * A server→client request: relayed to the client of the call it belongs to, answered with the client's result;
     * fails with a JSON-RPC error when no client can answer. {@code roots/list} that no client can answer (outside a
     * call, or the calling client did not declare roots) gets the service's configured roots.
     */
    Future<JsonObject> serverRequest(Transport.Inbound inbound, long timeoutMs) {
        JsonObject request = inbound.message();
        String method = request.getString("method");
        boolean roots = ROOTS_LIST.equals(method);
        Match match = match(inbound);
        InFlight call = match.call();
        if (call == null && match.ambiguous()) {
            return Future.failedFuture(new JsonRpcPeer.RpcError(
                    JsonRpc.INVALID_REQUEST,
                    method + " names none of the " + calls.size() + " calls to service '" + service
                            + "' in flight (no relatedRequestId or progress token), so no client can be chosen"));
        }
        if (call == null && roots) return Future.succeededFuture(configuredRoots());
        if (call == null) {
            return Future.failedFuture(new JsonRpcPeer.RpcError(
                    JsonRpc.INVALID_REQUEST,
                    method + " needs a client, and no client call to service '" + service + "' is in flight"));
        }
        String capability = CAPABILITY_OF.get(method);
        JsonObject declared = call.session.getJsonObject("capabilities", new JsonObject());
        if (capability != null && !declared.containsKey(capability)) {
            if (roots) return Future.succeededFuture(configuredRoots());
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

    private JsonObject configuredRoots() {
        return new JsonObject().put("roots", roots.copy());
    }

    /**
     * The call a message from the upstream belongs to: the request whose answer stream carried it, else the request
     * it names ({@code relatedRequestId} in its params or their {@code _meta}), else the call whose progress token
     * it carries, else the one call in flight. A message that names a request of ours that is no client's call (a
     * list fetch, a call that ended) belongs to no call.
     */
    private Match match(Transport.Inbound inbound) {
        JsonObject params = inbound.message().getValue("params") instanceof JsonObject p ? p : new JsonObject();
        JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        Object named = inbound.request() != null
                ? inbound.request()
                : params.getValue("relatedRequestId", meta.getValue("relatedRequestId"));
        if (named != null) {
            Long id = JsonRpcPeer.idOf(named);
            InFlight call = id == null ? null : byUpstreamId.get(id);
            return call == null ? Match.NONE : new Match(call, false);
        }
        Object token = meta.getValue("progressToken");
        InFlight byItsToken = token == null ? null : byToken.get(String.valueOf(token));
        if (byItsToken != null) return new Match(byItsToken, false);
        // Also for what comes on a Streamable HTTP server's GET stream: SDK servers send a tool's elicitation there
        // when the tool names no related request, so "unrelated" on the wire does not mean unrelated to the call.
        if (calls.size() == 1) return new Match(calls.values().iterator().next(), false);
        return calls.isEmpty() ? Match.NONE : Match.AMBIGUOUS;
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
