package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.cluster.ClusterNode;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The cluster side of 2025-era sessions, for one router instance. A session belongs to the node that opened it (its
 * {@link SessionStore} holds its mutable state: open or closed, idle time, log level, resource subscriptions, the
 * GET stream and its event buffer); its sealed id lets every other node serve its requests locally. What only the
 * owner can do travels to it on {@link Addresses#sessionsNode}: the first request a node sees of a session asks
 * whether it is open ({@code check}, once; the answer is kept until the owner says it closed), state-changing
 * methods are answered there ({@code answer}), a GET stream is held there and shown here ({@code stream}), DELETE
 * closes it there ({@code close}, answered once every node has forgotten it), and each node tells the owners which
 * of their sessions it used ({@code touch}, one message per owner per sweep period). Does nothing unless clustered.
 */
final class SessionOwner {
    private static final long ASK_MS = 5_000;
    private static final long FORGET_MS = 2_000;
    /** Methods that change what the owner holds for the session: answered by the owner. */
    private static final Set<String> AT_OWNER =
            Set.of(McpMethods.LOGGING_SET_LEVEL, McpMethods.RESOURCES_SUBSCRIBE, McpMethods.RESOURCES_UNSUBSCRIBE);

    /** The failure of a request that the owner node answered for a session: its HTTP status. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** A GET stream held here for a session of this node while another node's response shows it. */
    private record Held(String session, String node, SseStream stream) {}

    /** A GET stream shown here for a session owned by {@code owner}, held there by instance {@code instance}. */
    private record Shown(String owner, String instance) {}

    private final Vertx vertx;
    private final SessionStore sessions;
    private final SessionStreams streams;
    private final StreamRegistry registry;
    private final McpDispatcher dispatcher;
    private final Function<String, Endpoint> endpoints;
    private final String tag;
    private final boolean first;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Shown> shown = new HashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private long flushTimer = -1;

    /**
     * @param endpoints the endpoints by prefix, as the router knows them now
     * @param first whether this instance tells the owners of the node's use of their sessions
     */
    SessionOwner(RouterParts parts, String tag, Function<String, Endpoint> endpoints, boolean first) {
        this.vertx = parts.vertx();
        this.sessions = parts.sessions();
        this.streams = parts.streams();
        this.registry = parts.registry();
        this.dispatcher = parts.dispatcher();
        this.endpoints = endpoints;
        this.tag = tag;
        this.first = first;
    }

    /** When clustered: the consumers registered and the cluster's seal in the store; at once otherwise. */
    Future<Void> start() {
        HazelcastClusterManager manager = ClusterNode.manager(vertx);
        if (manager == null) return Future.succeededFuture();
        String node = manager.getNodeId();
        var bus = vertx.eventBus();
        consumers.add(bus.<JsonObject>consumer(Addresses.sessionsNode(node), this::onOwner));
        consumers.add(bus.<JsonObject>consumer(Addresses.sessionsInstance(tag), this::onInstance));
        consumers.add(bus.<JsonObject>consumer(
                Addresses.SESSIONS_CLOSED, m -> closed(m.body().getString("session"))));
        consumers.add(bus.<JsonObject>localConsumer(
                Addresses.CLUSTER_MEMBERS, m -> membersChanged(strings(m.body().getJsonArray("members")))));
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .compose(v -> SessionSeal.cluster(vertx))
                .map(seal -> {
                    if (!sessions.clustered()) {
                        sessions.clustered(
                                seal,
                                node,
                                manager.getNodes(),
                                id -> bus.publish(Addresses.SESSIONS_CLOSED, new JsonObject().put("session", id)));
                    }
                    if (first) flushTimer = vertx.setPeriodic(sessions.sweepPeriodMs(), t -> flush());
                    return null;
                });
    }

    Future<Void> close() {
        if (flushTimer >= 0) vertx.cancelTimer(flushTimer);
        return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
                .mapEmpty();
    }

    // ---- the side of the node a request landed on

    /**
     * The session a sealed id names when it is another live member's and that member says it is open (asked once:
     * from then on it is served from the store); {@code null} when it is not. Fails with {@link Refused} (503) when
     * the owner does not answer.
     */
    Future<Session> find(String id) {
        SessionSeal.Facts facts = sessions.remoteFacts(id);
        if (facts == null) return Future.succeededFuture(null);
        sessions.checking(id, false);
        return ask(facts.owner(), new JsonObject().put("op", "check").put("id", id))
                .map(reply -> sessions.adopt(id, facts))
                .onFailure(e -> sessions.checking(id, true))
                .recover(e -> gone(e) ? Future.succeededFuture(null) : Future.failedFuture(e));
    }

    /** Whether the owner answers {@code method} for a session of another node. */
    static boolean atOwner(String method) {
        return AT_OWNER.contains(method);
    }

    /** Has the owner answer a request that changes what it holds for the session. */
    Future<JsonObject> answerAtOwner(String owner, String id, JsonObject message) {
        return ask(owner, new JsonObject().put("op", "answer").put("id", id).put("message", message));
    }

    /**
     * Closes a session, wherever it belongs; completes once every node has forgotten it (a client told 200 finds it
     * gone on every node). {@code false} when there was none.
     */
    Future<Boolean> close(String id) {
        String owner = sessions.owner(id);
        if (owner != null) {
            return ask(owner, new JsonObject().put("op", "close").put("id", id))
                    .map(reply -> reply.getBoolean("closed", false))
                    .recover(e -> gone(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
        }
        boolean closed = sessions.close(id);
        return closed && sessions.clustered() ? forgetEverywhere(id).map(true) : Future.succeededFuture(closed);
    }

    /**
     * A GET stream for another node's session: held by the owner (where its notifications are chosen by the
     * session's log level and subscriptions, and its events kept for resumption), shown on {@code response}.
     */
    void stream(HttpServerResponse response, String owner, String id) {
        String key = registry.proxyKey();
        SseStream.Output[] out = {null};
        JsonObject proxy = registry.proxy(key, new SseStream.Output() {
            @Override
            public void write(String chunk) {
                if (out[0] == null) out[0] = SseStream.http(response.setStatusCode(200));
                out[0].write(chunk);
            }

            @Override
            public void end() {
                shown.remove(key);
                if (out[0] == null) out[0] = SseStream.http(response.setStatusCode(200));
                out[0].end();
            }

            @Override
            public boolean open() {
                return !response.closed() && !response.ended();
            }
        });
        response.closeHandler(v -> unshow(key));
        JsonObject ask = new JsonObject()
                .put("op", "stream")
                .put("id", id)
                .put("node", sessions.node())
                .put("proxy", proxy);
        ask(owner, ask)
                .onSuccess(reply -> {
                    shown.put(key, new Shown(owner, reply.getString("instance")));
                    if (response.closed()) unshow(key);
                })
                .onFailure(e -> {
                    registry.unproxy(key, false);
                    Refused r = refused(e);
                    if (r.status == 404) HttpReplies.error(response, 404, "Session not found");
                    else if (r.status == 409)
                        HttpReplies.error(response, 409, "Conflict: this session already has a GET stream open");
                    else HttpReplies.error(response, 503, r.getMessage());
                });
    }

    /** The HTTP status and message for a failed request to an owner. */
    static Refused refused(Throwable e) {
        if (e instanceof Refused r) return r;
        if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return new Refused(re.failureCode(), re.getMessage());
        }
        if (gone(e)) return new Refused(404, "Session not found");
        return new Refused(503, "Service Unavailable: the node that holds this session did not answer");
    }

    private void unshow(String key) {
        registry.unproxy(key, false);
        Shown s = shown.remove(key);
        if (s != null) {
            vertx.eventBus()
                    .send(
                            Addresses.sessionsInstance(s.instance()),
                            new JsonObject().put("op", "unstream").put("key", key));
        }
    }

    private Future<JsonObject> ask(String owner, JsonObject body) {
        return vertx.eventBus()
                .<JsonObject>request(Addresses.sessionsNode(owner), body, new DeliveryOptions().setSendTimeout(ASK_MS))
                .map(Message::body);
    }

    /** The owner says the session is not open, or the owner is gone (its consumer with it). */
    private static boolean gone(Throwable e) {
        return e instanceof ReplyException re
                && ((re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 404)
                        || re.failureType() == ReplyFailure.NO_HANDLERS);
    }

    private Future<Void> forgetEverywhere(String id) {
        List<Future<?>> acks = new ArrayList<>();
        for (String member : new ArrayList<>(members())) {
            if (member.equals(sessions.node())) continue;
            acks.add(vertx.eventBus()
                    .request(
                            Addresses.sessionsNode(member),
                            new JsonObject().put("op", "forget").put("id", id),
                            new DeliveryOptions().setSendTimeout(FORGET_MS)));
        }
        return Future.join(acks).<Void>mapEmpty().otherwiseEmpty();
    }

    private Collection<String> members() {
        HazelcastClusterManager manager = ClusterNode.manager(vertx);
        return manager == null ? List.of() : manager.getNodes();
    }

    /** Tells each owner which of its sessions this node used since the last time (or still answers). */
    private void flush() {
        sessions.drainUsed()
                .forEach((owner, ids) -> vertx.eventBus()
                        .send(
                                Addresses.sessionsNode(owner),
                                new JsonObject().put("op", "touch").put("ids", new JsonArray(ids))));
    }

    private void closed(String id) {
        sessions.forget(id);
        held.values().removeIf(h -> h.session().equals(id));
    }

    private void membersChanged(List<String> members) {
        sessions.members(members);
        for (var e : new ArrayList<>(shown.entrySet())) {
            // The owner died with the stream: the client sees it end, and its next request gets 404.
            if (!members.contains(e.getValue().owner())) {
                shown.remove(e.getKey());
                registry.unproxy(e.getKey(), true);
            }
        }
        for (var e : new ArrayList<>(held.entrySet())) {
            if (!members.contains(e.getValue().node())) release(e.getKey());
        }
    }

    // ---- the owner's side

    private void onOwner(Message<JsonObject> m) {
        JsonObject body = m.body();
        String id = body.getString("id");
        switch (body.getString("op", "")) {
            case "check" -> {
                Session s = sessions.touched(id);
                if (s == null || !Session.STREAMABLE_HTTP.equals(s.transport())) m.fail(404, "Session not found");
                else m.reply(new JsonObject());
            }
            case "touch" -> strings(body.getJsonArray("ids")).forEach(sessions::touched);
            case "forget" -> {
                sessions.forget(id);
                m.reply(new JsonObject());
            }
            case "close" -> {
                boolean closed = sessions.close(id);
                (closed ? forgetEverywhere(id) : Future.<Void>succeededFuture())
                        .onComplete(ar -> m.reply(new JsonObject().put("closed", closed)));
            }
            case "answer" -> answer(m, id, body.getJsonObject("message"));
            case "stream" -> hold(m, id, body);
            default -> m.fail(400, "unknown session operation " + body.getString("op"));
        }
    }

    /**
     * A state-changing request of one of this node's sessions, sent on by the node it landed on. The principal was
     * checked there (endpoint, subject); these methods ask nothing more of it.
     */
    private void answer(Message<JsonObject> m, String id, JsonObject message) {
        Session session = sessions.answering(id);
        Endpoint endpoint = session == null ? null : endpoints.apply(session.endpoint());
        if (endpoint == null) {
            if (session != null) sessions.answered(id);
            m.fail(404, "Session not found");
            return;
        }
        dispatcher
                .answer(endpoint, Principal.ANONYMOUS, session, message)
                .onComplete(ar -> sessions.answered(id))
                .onSuccess(m::reply);
    }

    /** Holds the session's GET stream here, writing it to the node that shows it. */
    private void hold(Message<JsonObject> m, String id, JsonObject body) {
        if (!sessions.claimStream(id)) {
            if (sessions.get(id) == null) m.fail(404, "Session not found");
            else m.fail(409, "Conflict: this session already has a GET stream open");
            return;
        }
        Session session = sessions.get(id);
        JsonObject proxy = body.getJsonObject("proxy");
        String key = proxy.getString("key");
        SseStream stream = registry.open(id).to(registry.remote(proxy.getString("address"), key));
        held.put(key, new Held(id, body.getString("node"), stream));
        streams.attach(id, session == null ? "" : session.endpoint(), stream).onSuccess(v -> {
            m.reply(new JsonObject().put("instance", tag));
            stream.prime();
        });
    }

    private void onInstance(Message<JsonObject> m) {
        if ("unstream".equals(m.body().getString("op"))) release(m.body().getString("key"));
    }

    /** The client of a held stream went away (or its node did): the session's stream is free again. */
    private void release(String key) {
        Held h = held.remove(key);
        if (h == null) return;
        streams.detach(h.session());
        sessions.releaseStream(h.session());
        h.stream().end();
        registry.release(h.stream());
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(v -> out.add(String.valueOf(v)));
        return out;
    }
}
