package io.mcpstore.upstream;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.InputHold;
import io.mcpstore.bus.StreamPause;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.function.Consumer;
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
        String key;
        JsonObject relay;
        final JsonObject session;
        final String token;
        long upstreamId = -1;
        /** Set for a 2026-07-28 caller: its server→client requests are held, not relayed (see {@link Hold}). */
        Hold hold;

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
        if (Stateless.VERSION.equals(call.session.getString(InputHold.ERA))) {
            call.hold = new Hold(body.getLong(InputHold.TIMEOUT_MS, InputHold.DEFAULT_TIMEOUT_MS));
        }
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
            case StreamPause.METHOD -> {
                // Only a session's client can resume a stream; a stateless caller just waits for the answer.
                InFlight call = match(inbound).call();
                if (call != null && call.hold == null) toCall(call, notification);
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
        if (call.hold != null) {
            if (roots && !declared.containsKey("roots")) return Future.succeededFuture(configuredRoots());
            JsonObject params = request.getValue("params") instanceof JsonObject p ? p : new JsonObject();
            return park(call, method, params, capability == null || declared.containsKey(capability));
        }
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

    // ---- the MRTR hold: a 2026-07-28 caller in front of this (2025-era) connection

    /** How long the requests an upstream sends together are gathered into one {@code input_required} result. */
    static final long BATCH_MS = 25;

    /** One server→client request the upstream waits on, until the client's retry brings its answer. */
    private record Parked(
            String key, String method, JsonObject params, String capability, Promise<JsonObject> answer) {}

    /**
     * A 2026 caller's call: the round its current bus request (the first call, then each retry) waits for, the
     * requests the upstream asked meanwhile, and the upstream's outcome if it came while the client held the input.
     */
    static final class Hold {
        final long timeoutMs;
        Promise<JsonObject> round;
        final LinkedHashMap<String, Parked> parked = new LinkedHashMap<>();
        final List<Parked> refused = new ArrayList<>();
        long batchTimer = -1;
        long expiryTimer = -1;
        String pending;
        AsyncResult<JsonObject> finished;
        int nextKey = 1;

        Hold(long timeoutMs) {
            this.timeoutMs = timeoutMs;
        }
    }

    private final Map<String, InFlight> holds = new HashMap<>();
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private Consumer<InFlight> abandon = call -> {};

    /** What cancels a held call upstream: its client's retry never came, or it cannot serve the call. */
    void onAbandoned(Consumer<InFlight> abandon) {
        this.abandon = abandon;
    }

    /**
     * The bus reply of a call: for a 2025 caller the upstream's answer; for a 2026 caller the first of the
     * upstream's answer and an {@code input_required} result gathered from the requests the upstream sent meanwhile.
     */
    Future<JsonObject> outcome(InFlight call, Future<JsonObject> done) {
        if (call == null || call.hold == null) return done;
        Hold h = call.hold;
        h.round = Promise.promise();
        done.onComplete(ar -> {
            if (h.batchTimer >= 0) {
                vertx.cancelTimer(h.batchTimer);
                h.batchTimer = -1;
            }
            if (h.pending != null) {
                h.finished = ar; // the client holds the input; its retry gets this
            } else {
                complete(h.round, ar);
            }
        });
        return h.round.future();
    }

    private Future<JsonObject> park(InFlight call, String method, JsonObject params, boolean declared) {
        Hold h = call.hold;
        JsonObject meta = params.getValue("_meta") instanceof JsonObject m ? m : null;
        String key =
                meta != null && meta.getValue(InputHold.META_INPUT_KEY) instanceof String k && !k.isBlank() ? k : null;
        if (key == null || h.parked.containsKey(key)) {
            do {
                key = method.substring(0, method.indexOf('/') < 0 ? method.length() : method.indexOf('/')) + "-"
                        + h.nextKey++;
            } while (h.parked.containsKey(key));
        }
        JsonObject shown = params;
        if (meta != null && meta.containsKey(InputHold.META_INPUT_KEY)) {
            JsonObject rest = meta.copy();
            rest.remove(InputHold.META_INPUT_KEY);
            shown = params.copy();
            if (rest.isEmpty()) shown.remove("_meta");
            else shown.put("_meta", rest);
        }
        Parked p = new Parked(key, method, shown, CAPABILITY_OF.get(method), Promise.promise());
        if (declared) h.parked.put(key, p);
        else h.refused.add(p);
        if (h.pending == null && h.round != null && !h.round.future().isComplete()) {
            if (h.batchTimer >= 0) vertx.cancelTimer(h.batchTimer);
            h.batchTimer = vertx.setTimer(BATCH_MS, t -> batched(call));
        }
        return p.answer().future();
    }

    /**
     * The upstream's requests of one batch are in: the ones the client declared go to it as {@code input_required};
     * those it did not are refused upstream. Only undeclared ones: the client cannot serve this call at all, and
     * gets -32021 naming what it lacks.
     */
    private void batched(InFlight call) {
        Hold h = call.hold;
        h.batchTimer = -1;
        if (h.round == null || h.round.future().isComplete()) return;
        if (!h.refused.isEmpty()) {
            JsonObject required = new JsonObject();
            h.refused.forEach(p -> required.put(p.capability(), new JsonObject()));
            String missing = String.join(", ", required.fieldNames());
            h.refused.forEach(p -> p.answer()
                    .tryFail(new JsonRpcPeer.RpcError(
                            Stateless.MISSING_REQUIRED_CLIENT_CAPABILITY,
                            "the calling client did not declare " + missing)));
            h.refused.clear();
            if (h.parked.isEmpty()) {
                h.round.tryComplete(new JsonObject()
                        .put(
                                "error",
                                new JsonObject()
                                        .put("code", Stateless.MISSING_REQUIRED_CLIENT_CAPABILITY)
                                        .put(
                                                "message",
                                                "Missing required client capability: service '" + service
                                                        + "' asked for " + missing
                                                        + ", which the client did not declare")
                                        .put("data", new JsonObject().put("requiredCapabilities", required))));
                abandon.accept(call);
                return;
            }
        }
        if (!h.parked.isEmpty()) offer(call);
    }

    /** Answers the round with the parked requests as {@code inputRequests}, held under a fresh pending id. */
    private void offer(InFlight call) {
        Hold h = call.hold;
        byte[] id = new byte[18];
        random.nextBytes(id);
        h.pending = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        holds.put(h.pending, call);
        JsonObject requests = new JsonObject();
        h.parked
                .values()
                .forEach(p -> requests.put(
                        p.key(), new JsonObject().put("method", p.method()).put("params", p.params())));
        String pending = h.pending;
        h.expiryTimer = vertx.setTimer(h.timeoutMs, t -> expire(pending));
        h.round.tryComplete(new JsonObject()
                .put(
                        "result",
                        new JsonObject()
                                .put(Stateless.RESULT_TYPE, Stateless.INPUT_REQUIRED)
                                .put(Stateless.INPUT_REQUESTS, requests))
                .put(InputHold.PENDING, pending));
    }

    /** The client's retry never came: the parked requests fail and the call is cancelled upstream. */
    private void expire(String pending) {
        InFlight call = holds.remove(pending);
        if (call == null) return;
        Hold h = call.hold;
        h.pending = null;
        h.expiryTimer = -1;
        LOG.info(
                "service '{}': a call's input was not supplied within {} ms; cancelled upstream", service, h.timeoutMs);
        failParked(h, "the client did not supply the input within " + h.timeoutMs + " ms");
        if (h.finished == null) abandon.accept(call);
    }

    private static void failParked(Hold h, String why) {
        h.parked.values().forEach(p -> p.answer().tryFail(new JsonRpcPeer.RpcError(JsonRpc.REQUEST_CANCELLED, why)));
        h.parked.clear();
    }

    /**
     * A retry of a held call ({@code mcpstore/resume}): the parked requests the client answered are answered
     * upstream, and the reply is the call's next outcome (its result, or another {@code input_required}). Answers
     * the client left out are asked again at once; keys it made up are ignored.
     */
    Future<JsonObject> resume(JsonObject body) {
        JsonObject params = body.getValue("params") instanceof JsonObject p ? p : new JsonObject();
        String pending = params.getString(InputHold.PENDING);
        InFlight call = pending == null ? null : holds.get(pending);
        if (call == null) {
            return Future.succeededFuture(error(
                    JsonRpc.INVALID_PARAMS,
                    "Invalid params: the requestState names a call of service '" + service
                            + "' that is no longer pending (it ended, was answered already or timed out)"));
        }
        Object responses = params.getValue(InputHold.INPUT_RESPONSES);
        if (!(responses instanceof JsonObject answers)) {
            return Future.succeededFuture(
                    error(JsonRpc.INVALID_PARAMS, "Invalid params: inputResponses must be an object"));
        }
        Hold h = call.hold;
        for (String key : h.parked.keySet()) {
            Object answer = answers.getValue(key);
            if (answer != null && !(answer instanceof JsonObject)) {
                return Future.succeededFuture(
                        error(JsonRpc.INVALID_PARAMS, "Invalid params: inputResponses." + key + " must be an object"));
            }
        }
        holds.remove(pending);
        vertx.cancelTimer(h.expiryTimer);
        h.expiryTimer = -1;
        h.pending = null;
        JsonObject relay = body.getJsonObject("relay");
        if (relay != null) {
            calls.remove(call.key);
            call.relay = relay;
            call.key = key(relay);
            if (h.finished == null) calls.put(call.key, call);
        }
        h.round = Promise.promise();
        if (h.finished != null) {
            complete(h.round, h.finished);
            failParked(h, "the call has ended");
            return h.round.future();
        }
        for (String key : new ArrayList<>(h.parked.keySet())) {
            if (answers.getValue(key) instanceof JsonObject answer) {
                h.parked.remove(key).answer().tryComplete(answer);
            }
        }
        if (!h.parked.isEmpty()) offer(call);
        return h.round.future();
    }

    private static void complete(Promise<JsonObject> round, AsyncResult<JsonObject> ar) {
        if (ar.succeeded()) round.tryComplete(ar.result());
        else round.tryFail(ar.cause());
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    private static String key(JsonObject relay) {
        return relay.getString("address") + "/" + relay.getValue("call");
    }
}
