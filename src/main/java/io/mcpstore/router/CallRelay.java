package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.StreamPause;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls one router instance has in flight, and the traffic that belongs to them while they run: notifications
 * from the upstream (progress, log messages) and server→client requests (sampling, elicitation, roots) go to the
 * call's client; the client's answers go back to the upstream; a client's cancellation reaches the upstream.
 */
final class CallRelay {
    private static final Logger LOG = LoggerFactory.getLogger(CallRelay.class);

    /** Where a call's related messages are written: the POST's own SSE stream, or a legacy session's stream. */
    interface Sink {
        void send(JsonObject message);
    }

    /** A call in flight: who asked, and where its related messages go. */
    record Call(long id, String session, Object clientRequestId, Object progressToken, String service, Sink sink) {}

    private record Relayed(Message<JsonObject> upstream, String session, long timer) {}

    private final Vertx vertx;
    private final StreamRegistry registry;
    private final Subscriptions subscriptions;
    private final String tag;
    private final String address;
    private final Map<Long, Call> calls = new HashMap<>();
    private final Map<String, Relayed> relayed = new HashMap<>();
    private long nextCall = 1;
    private long nextRelayed = 1;

    CallRelay(Vertx vertx, String tag, StreamRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
        this.subscriptions = new Subscriptions(vertx);
        this.tag = tag;
        this.address = Addresses.router(tag);
    }

    Future<Void> start() {
        var bus = vertx.eventBus();
        var mine = bus.<JsonObject>consumer(address, this::onMessage);
        var cancels = bus.<JsonObject>consumer(Addresses.CALLS_CANCEL, m -> {
            Object requestId = m.body().getValue("requestId");
            if (requestId == null) sessionEnded(m.body().getString("session"));
            else cancelled(m.body().getString("session"), requestId);
        });
        return Future.all(mine.completion(), cancels.completion()).mapEmpty();
    }

    /** Registers a call; the returned relay goes with the bus request to the upstream. */
    Call open(String session, JsonObject request, String service, Sink sink) {
        JsonObject params = request.getJsonObject("params");
        JsonObject meta = params == null ? null : params.getJsonObject("_meta");
        Object token = meta == null ? null : meta.getValue("progressToken");
        Call call = new Call(nextCall++, session, request.getValue("id"), token, service, sink);
        calls.put(call.id(), call);
        return call;
    }

    JsonObject relayOf(Call call) {
        return new JsonObject().put("address", address).put("call", call.id());
    }

    void close(Call call) {
        calls.remove(call.id());
    }

    /**
     * A client's answer to a request we relayed to it. Ids we give out name the instance that holds the upstream's
     * request, so the answer finds its way whichever instance the client's POST landed on.
     */
    void clientAnswered(String session, JsonObject answer) {
        String id = answer.getValue("id") instanceof String s ? s : null;
        String owner = id == null ? null : ownerOf(id);
        if (owner == null) {
            LOG.info("session {}: dropped an answer to unknown request id {}", session, answer.getValue("id"));
        } else if (owner.equals(tag)) {
            answered(session, answer);
        } else {
            vertx.eventBus()
                    .send(
                            Addresses.router(owner),
                            new JsonObject().put("answer", answer).put("session", session));
        }
    }

    /** Relays a server→client request onto {@code sink}; completes with the client's answer. */
    void relayRequest(Message<JsonObject> upstream, String session, Sink sink) {
        JsonObject request = upstream.body().getJsonObject("request");
        String id = "mcpstore-" + tag + "-" + nextRelayed++;
        long timeout = upstream.body().getLong("timeoutMs", 60_000L);
        long timer = vertx.setTimer(timeout, t -> relayed.remove(id));
        relayed.put(id, new Relayed(upstream, session, timer));
        sink.send(JsonRpc.request(id, request.getString("method"), request.getJsonObject("params")));
    }

    /** A client went away (its session ended): its calls are cancelled upstream, its subscriptions dropped there. */
    void sessionEnded(String session) {
        subscriptions.ended(session);
        for (Call call : new ArrayList<>(calls.values())) {
            if (call.session().equals(session)) cancelUpstream(call, "the client's session ended");
        }
    }

    private void onMessage(Message<JsonObject> m) {
        JsonObject body = m.body();
        if (body.containsKey("resume") || body.containsKey("proxy")) {
            registry.onMessage(m);
            return;
        }
        if (body.containsKey("answer")) {
            answered(body.getString("session"), body.getJsonObject("answer"));
            return;
        }
        Call call = calls.get(body.getLong("call", -1L));
        if (call == null) {
            if (body.containsKey("request")) {
                m.fail(404, "the call this request belongs to has ended");
            }
            return;
        }
        if (body.containsKey("request")) {
            relayRequest(m, call.session(), call.sink());
        } else if (body.getJsonObject("message") != null) {
            JsonObject message = body.getJsonObject("message");
            if (StreamPause.METHOD.equals(message.getString("method"))) {
                // The upstream asked to be polled: a POST's own stream does the same to its client.
                if (call.sink() instanceof PostSink post) {
                    post.pause(message.getJsonObject("params").getLong(StreamPause.RETRY_MS, 1L));
                }
                return;
            }
            call.sink().send(restoreToken(call, message));
        }
    }

    /** Upstream progress carries the token the gateway gave it; the client gets its own back. */
    private static JsonObject restoreToken(Call call, JsonObject message) {
        if (!McpMethods.NOTIFICATIONS_PROGRESS.equals(message.getString("method")) || call.progressToken() == null) {
            return message;
        }
        JsonObject params =
                message.getJsonObject("params", new JsonObject()).copy().put("progressToken", call.progressToken());
        return message.copy().put("params", params);
    }

    private void answered(String session, JsonObject answer) {
        String id = String.valueOf(answer.getValue("id"));
        Relayed r = relayed.get(id);
        if (r == null || !r.session().equals(session)) {
            LOG.info("session {}: dropped an answer to unknown or already answered request {}", session, id);
            return;
        }
        relayed.remove(id);
        vertx.cancelTimer(r.timer());
        JsonObject reply = answer.containsKey("error")
                ? new JsonObject().put("error", answer.getValue("error"))
                : new JsonObject().put("result", answer.getValue("result"));
        r.upstream().reply(reply);
    }

    private void cancelled(String session, Object requestId) {
        for (Call call : calls.values()) {
            if (call.session().equals(session)
                    && String.valueOf(call.clientRequestId()).equals(String.valueOf(requestId))) {
                cancelUpstream(call, "cancelled by the client");
                return;
            }
        }
    }

    private void cancelUpstream(Call call, String reason) {
        JsonObject cancel = new JsonObject()
                .put("method", McpMethods.NOTIFICATIONS_CANCELLED)
                .put("params", new JsonObject().put("reason", reason))
                .put("relay", relayOf(call));
        // In a cluster the call went to one of the service's replicas: every replica hears it, the one that has the
        // call (named by its relay) cancels it, the others know no such call.
        if (vertx.isClustered()) vertx.eventBus().publish(Addresses.upstream(call.service()), cancel);
        else vertx.eventBus().send(Addresses.upstream(call.service()), cancel);
    }

    private static String ownerOf(String id) {
        if (!id.startsWith("mcpstore-")) return null;
        int end = id.lastIndexOf('-');
        return end <= "mcpstore-".length() ? null : id.substring("mcpstore-".length(), end);
    }
}
