package io.mcpstore.upstream;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.AsIsJsonCodec;
import io.mcpstore.bus.Failures;
import io.mcpstore.bus.InputHold;
import io.mcpstore.cluster.ClusterNode;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream MCP service: owns its single connection and the state machine around it (connect, handshake, fetch
 * the catalog, health pings, restart with backoff), serves calls on {@link Addresses#upstream(String)} and publishes
 * its catalog and state. Deployed with {@link ServiceConfig#toJson()} as its config.
 */
public final class UpstreamVerticle extends VerticleBase {

    /** A gateway-internal method on the service's address: the connection's status, for the admin API. */
    public static final String STATUS_METHOD = "mcpstore/status";

    static final long BACKOFF_MIN_MS = 500;
    static final long BACKOFF_MAX_MS = 30_000;
    static final int PING_FAILURES_BEFORE_RECONNECT = 3;

    private ServiceConfig service;
    private Logger log;
    private final Catalog catalog = new Catalog();
    private UpstreamRelay relay;
    private final Subscribers subscribers = new Subscribers();
    private SubscriptionListener listener;
    private UpstreamState state;
    private String error;

    /** The connection (or the attempt at one) that calls go to; null between attempts. */
    private JsonRpcPeer peer;
    /** The latest attempt's transport, kept after it is lost so that the status still shows its pid and stderr. */
    private Transport lastTransport;
    /** The protocol version the current (or last) connection negotiated; null before the first handshake. */
    private String protocolVersion;
    /** Set while the connection speaks the stateless 2026-07-28 revision; null for a 2025-era session. */
    private StatelessClient stateless;
    /** The latest {@code logging/setLevel} a 2025 client sent, which a 2026 upstream gets per request instead. */
    private String logLevel;

    private Future<Void> reinitializing;
    private int failedAttempts; // consecutive, against maxRestarts; reset by a successful handshake
    private int backoffStep; // consecutive restarts, for the delay; reset once a connection stays up
    private long readySince;
    private long reconnectTimer = -1;
    private long pingTimer = -1;
    private boolean pingInFlight;
    private int pingFailures;
    private boolean stopping;

    @Override
    public Future<?> start() {
        service = ServiceConfig.fromDeployment(config());
        AsIsJsonCodec.register(vertx.eventBus());
        relay = new UpstreamRelay(
                vertx,
                service.name(),
                new JsonArray(
                        service.roots().stream().map(ServiceConfig.Root::toJson).toList()));
        log = LoggerFactory.getLogger("mcpstore.upstream." + service.name());
        relay.onAbandoned(call -> cancel(call, "the client's input never came, or it cannot serve the call"));
        listener = new SubscriptionListener(vertx, service.name(), log, this::refreshAll);
        setState(UpstreamState.CONNECTING);
        // Consumers are unregistered by Vert.x when the verticle is undeployed. In a cluster this replica also
        // answers on its node's own address, where routers send the calls they spread over the replicas.
        String node = ClusterNode.nodeId(vertx);
        return Future.all(
                        vertx.eventBus()
                                .consumer(Addresses.upstream(service.name()), this::onRequest)
                                .completion(),
                        node == null
                                ? Future.succeededFuture()
                                : vertx.eventBus()
                                        .consumer(Addresses.upstreamAt(service.name(), node), this::onRequest)
                                        .completion(),
                        vertx.eventBus()
                                .consumer(Addresses.CATALOG_REFRESH, m -> publishCatalog())
                                .completion())
                // Connect in the background: a service that is down must not hold up the gateway's start.
                .onSuccess(v -> connect());
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        listener.stop();
        cancelTimer(reconnectTimer);
        cancelPing();
        setState(UpstreamState.STOPPED);
        JsonRpcPeer current = peer;
        peer = null;
        if (current == null) return Future.succeededFuture();
        current.failAll(UpstreamException.unavailable(service.name(), "stopping"));
        return current.close();
    }

    // ---- connection lifecycle

    private void connect() {
        reconnectTimer = -1;
        if (stopping) return;
        Transport transport = Transport.create(vertx, service);
        JsonRpcPeer attempt =
                new JsonRpcPeer(vertx, transport, service.name(), this::onServerRequest, this::onNotification);
        peer = attempt;
        lastTransport = transport;
        attempt.open(cause -> onLost(attempt, cause))
                .compose(v -> handshake(attempt))
                .onComplete(done -> {
                    if (peer != attempt) return; // lost or stopped meanwhile; that path decided what comes next
                    if (done.succeeded()) {
                        onReady();
                    } else {
                        onAttemptFailed(attempt, done.cause());
                    }
                });
    }

    /**
     * Negotiates the era (server/discover, else initialize) and fetches every list the server offers: what a
     * connection needs before it is READY.
     */
    private Future<Void> handshake(JsonRpcPeer connection) {
        McpClient negotiating = new McpClient(connection, service.name(), service.timeoutMs(), log);
        return negotiating
                .negotiate(service.protocol(), service.transport() != ServiceConfig.Transport.SSE)
                .compose(handshake -> {
                    if (peer != connection) return Future.succeededFuture();
                    protocolVersion = handshake.protocolVersion();
                    stateless = handshake.stateless();
                    catalog.handshake(handshake.server());
                    McpClient client = client(connection);
                    return Future.all(Arrays.stream(Catalog.Kind.values())
                            .map(kind -> fetch(client, kind))
                            .toList());
                })
                .mapEmpty();
    }

    private McpClient client(JsonRpcPeer connection) {
        return new McpClient(connection, service.name(), service.timeoutMs(), log, stateless);
    }

    /** A 2026 upstream's subscription stream dropped: changes may have been missed, so every list is fetched. */
    private void refreshAll() {
        JsonRpcPeer connection = peer;
        if (connection == null || !state.acceptsCalls()) return;
        McpClient client = client(connection);
        Future.all(Arrays.stream(Catalog.Kind.values())
                        .map(kind -> fetch(client, kind))
                        .toList())
                .onSuccess(v -> {
                    if (peer == connection) publishCatalog();
                });
    }

    /** Fetches one list into the catalog; a list the server does not offer is empty. */
    private Future<JsonArray> fetch(McpClient client, Catalog.Kind kind) {
        Future<JsonArray> list = catalog.offers(kind) ? client.list(kind) : Future.succeededFuture(new JsonArray());
        return list.onSuccess(items -> {
            catalog.put(kind, items);
            catalog.hint(kind, client.hint(kind));
        });
    }

    private void onReady() {
        failedAttempts = 0;
        pingFailures = 0;
        error = null;
        readySince = System.currentTimeMillis();
        log.info(
                "service '{}' is ready: {} tools, {} resources, {} prompts",
                service.name(),
                catalog.get(Catalog.Kind.TOOLS).size(),
                catalog.get(Catalog.Kind.RESOURCES).size(),
                catalog.get(Catalog.Kind.PROMPTS).size());
        if (!setState(UpstreamState.READY)) publishCatalog(); // re-initialized: the lists may have changed
        startPing();
        if (stateless != null) {
            listener.start(peer, stateless, catalog.capabilities(), subscribers.uris());
        } else {
            resubscribe();
        }
    }

    /** A new connection (or server session) knows no subscriptions: the ones clients hold are made again. */
    private void resubscribe() {
        JsonRpcPeer connection = peer;
        if (connection == null) return;
        for (String uri : subscribers.uris()) {
            connection
                    .request(McpMethods.RESOURCES_SUBSCRIBE, new JsonObject().put("uri", uri), service.timeoutMs())
                    .onComplete(done -> {
                        if (done.failed() || done.result().containsKey("error")) {
                            log.warn(
                                    "service '{}' did not take the subscription to {} again: {}",
                                    service.name(),
                                    uri,
                                    done.failed()
                                            ? done.cause().getMessage()
                                            : done.result().getValue("error"));
                        }
                    });
        }
    }

    private void onAttemptFailed(JsonRpcPeer attempt, Throwable cause) {
        peer = null;
        listener.stop();
        String reason = "cannot connect: " + UpstreamException.reasonOf(cause);
        attempt.failAll(UpstreamException.unavailable(service.name(), reason));
        attempt.close();
        failedAttempts++;
        restartLater(reason);
    }

    /** The connection dropped (the process exited, the server went away, pings went unanswered). */
    private void onLost(JsonRpcPeer connection, Throwable cause) {
        if (peer != connection) return;
        peer = null;
        listener.stop();
        cancelPing();
        String reason = "connection lost: " + UpstreamException.reasonOf(cause);
        connection.failAll(UpstreamException.unavailable(service.name(), reason));
        connection.close();
        if (readySince > 0 && System.currentTimeMillis() - readySince >= BACKOFF_MAX_MS) {
            backoffStep = 0; // it had been up a while: this is not a crash loop
        }
        readySince = 0;
        restartLater(reason);
    }

    private void restartLater(String reason) {
        error = reason;
        if (stopping || ChildProcesses.shuttingDown()) return; // the JVM's exit ended the child: nothing to restart
        if (service.maxRestarts() > 0 && failedAttempts > service.maxRestarts()) {
            log.error(
                    "service '{}' failed: {} ({} restarts in a row failed; giving up)",
                    service.name(),
                    reason,
                    service.maxRestarts());
            setState(UpstreamState.FAILED);
            return;
        }
        long delay = Math.min(BACKOFF_MIN_MS << Math.min(backoffStep, 20), BACKOFF_MAX_MS);
        backoffStep++;
        log.warn("service '{}' {}; reconnecting in {} ms", service.name(), reason, delay);
        setState(UpstreamState.RECONNECTING);
        reconnectTimer = vertx.setTimer(delay, t -> connect());
    }

    /** The server forgot our session (it restarted): initialize again on the same transport; one at a time. */
    private Future<Void> reinitialize(JsonRpcPeer connection) {
        if (reinitializing != null) return reinitializing;
        log.info("service '{}' ended our session; initializing again", service.name());
        Future<Void> again = handshake(connection);
        reinitializing = again;
        again.onComplete(done -> {
            reinitializing = null;
            if (peer != connection) return;
            if (done.succeeded()) {
                onReady();
            } else {
                onLost(connection, done.cause());
            }
        });
        return again;
    }

    // ---- health

    private void startPing() {
        cancelPing();
        if (service.pingIntervalMs() > 0) pingTimer = vertx.setPeriodic(service.pingIntervalMs(), t -> ping());
    }

    private void cancelPing() {
        cancelTimer(pingTimer);
        pingTimer = -1;
    }

    private void ping() {
        JsonRpcPeer connection = peer;
        if (connection == null || pingInFlight || !state.acceptsCalls()) return;
        pingInFlight = true;
        // Any answer, even an error, proves the server is alive. 2026-07-28 has no ping: discover is as cheap.
        Future<JsonObject> probe = stateless == null
                ? connection.request(McpMethods.PING, null, service.timeoutMs())
                : connection.request(
                        Stateless.SERVER_DISCOVER, stateless.envelope(null, null, null), service.timeoutMs());
        probe.onComplete(answer -> {
            pingInFlight = false;
            if (peer != connection) return;
            if (answer.succeeded()) {
                pingFailures = 0;
                if (state == UpstreamState.DEGRADED) {
                    error = null;
                    setState(UpstreamState.READY);
                }
                return;
            }
            pingFailures++;
            String reason = UpstreamException.reasonOf(answer.cause());
            if (pingFailures >= PING_FAILURES_BEFORE_RECONNECT) {
                onLost(connection, new IOException(pingFailures + " pings in a row failed (" + reason + ")"));
            } else {
                error = "ping failed: " + reason;
                setState(UpstreamState.DEGRADED);
            }
        });
    }

    // ---- what the upstream sends us

    private Future<JsonObject> onServerRequest(Transport.Inbound request) {
        if (McpMethods.PING.equals(request.message().getString("method"))) {
            return Future.succeededFuture(new JsonObject());
        }
        return relay.serverRequest(request, service.timeoutMs());
    }

    private void onNotification(Transport.Inbound inbound) {
        if (listener.notification(inbound) || relay.notification(inbound)) return;
        JsonObject notification = inbound.message();
        String method = notification.getString("method");
        List<Catalog.Kind> stale = Catalog.Kind.changedBy(method);
        if (stale.isEmpty()) {
            log.debug("service '{}' notification {}: {}", service.name(), method, notification.getValue("params"));
            return;
        }
        JsonRpcPeer connection = peer;
        // Before READY the handshake is still going to fetch every list anyway.
        if (connection == null || !state.acceptsCalls()) return;
        McpClient client = client(connection);
        Future.all(stale.stream().map(kind -> fetch(client, kind)).toList())
                .onSuccess(v -> {
                    if (peer == connection) publishCatalog();
                })
                .onFailure(e -> log.warn(
                        "service '{}' changed its {} but fetching them failed: {}",
                        service.name(),
                        stale,
                        e.getMessage()));
    }

    // ---- calls from the gateway

    private void onRequest(Message<Object> message) {
        if (!(message.body() instanceof JsonObject body) || !(body.getValue("method") instanceof String method)) {
            message.fail(
                    Failures.BAD_REQUEST, "a request to service '" + service.name() + "' must be {method, params}");
            return;
        }
        if (STATUS_METHOD.equals(method)) {
            message.reply(status());
            return;
        }
        if (McpMethods.NOTIFICATIONS_CANCELLED.equals(method)) {
            cancel(body);
            return;
        }
        if (InputHold.RESUME.equals(method)) {
            relay.resume(body).onComplete(ar -> {
                if (ar.succeeded()) message.reply(ar.result(), AsIsJsonCodec.options());
                else fail(message, method, ar.cause());
            });
            return;
        }
        boolean subscription =
                McpMethods.RESOURCES_SUBSCRIBE.equals(method) || McpMethods.RESOURCES_UNSUBSCRIBE.equals(method);
        // An unsubscribe counts even while the service is down: a new connection must not subscribe for nobody.
        if (!state.acceptsCalls() && !McpMethods.RESOURCES_UNSUBSCRIBE.equals(method)) {
            message.fail(Failures.UNAVAILABLE, unavailableMessage());
            return;
        }
        JsonObject params = body.getValue("params") instanceof JsonObject p ? p : null;
        if (stateless != null && McpMethods.LOGGING_SET_LEVEL.equals(method)) {
            // 2026-07-28 has no setLevel: the level goes with each request of a 2025 client instead.
            logLevel = params == null ? null : params.getString("level");
            message.reply(new JsonObject().put("result", new JsonObject()), AsIsJsonCodec.options());
            return;
        }
        Future<JsonObject> reply = subscription ? subscription(body, method, params) : call(body, method, params);
        reply.onSuccess(r -> message.reply(r, AsIsJsonCodec.options())).onFailure(e -> fail(message, method, e));
    }

    /** A call upstream, with what travels back while it runs (progress, log messages, server→client requests). */
    private Future<JsonObject> call(JsonObject body, String method, JsonObject params) {
        UpstreamRelay.InFlight call = relay.begin(body, params);
        JsonObject sent = UpstreamRelay.upstreamParams(call, params);
        Future<JsonObject> reply =
                stateless == null ? forward(method, sent, call) : statelessCall(body, method, sent, call);
        return relay.outcome(call, reply.onComplete(done -> relay.end(call)));
    }

    /**
     * A call to a 2026-07-28 upstream: the envelope with the caller's capabilities (and log level) goes with it; an
     * {@code input_required} answer goes back as it is to a 2026 caller, and is followed here for a 2025 caller (see
     * {@link InputRequired}).
     */
    private Future<JsonObject> statelessCall(
            JsonObject body, String method, JsonObject params, UpstreamRelay.InFlight call) {
        JsonObject session = body.getValue("session") instanceof JsonObject s ? s : null;
        boolean sameEra = session != null && Stateless.VERSION.equals(session.getString("era"));
        JsonObject capabilities = session == null ? null : session.getJsonObject("capabilities");
        String level = sameEra ? session.getString("logLevel") : logLevel;
        StatelessClient client = stateless;
        JsonObject enveloped = client.envelope(params, capabilities, level);
        Future<JsonObject> first = forwardOnce(peer, method, enveloped, call);
        if (sameEra) return first;
        JsonRpcPeer connection = peer;
        return first.compose(reply -> InputRequired.follow(
                method,
                enveloped,
                reply,
                retry -> forwardOnce(connection, method, retry, call),
                // The request is tied to the call by its upstream id (-1: no call, so no client but the roots).
                request -> relay.serverRequest(
                        new Transport.Inbound(request, call == null ? -1L : call.upstreamId), service.timeoutMs())));
    }

    /**
     * {@code resources/subscribe} and {@code unsubscribe} of one client session. The connection is shared, so the
     * upstream hears only the first subscribe to a URI and the unsubscribe of its last subscriber; the others are
     * answered here.
     */
    private Future<JsonObject> subscription(JsonObject body, String method, JsonObject params) {
        String session = body.getJsonObject("session", new JsonObject()).getString("id");
        String uri = params == null ? null : params.getString("uri");
        if (session == null || uri == null) {
            return Future.failedFuture(new UpstreamException(
                    Failures.BAD_REQUEST, method + " needs a client session and params.uri", null));
        }
        JsonObject done = new JsonObject().put("result", new JsonObject());
        if (McpMethods.RESOURCES_UNSUBSCRIBE.equals(method)) {
            boolean last = subscribers.remove(uri, session);
            if (last && stateless != null) listener.resubscribe(subscribers.uris());
            return last && state.acceptsCalls() && stateless == null
                    ? call(body, method, params)
                    : Future.succeededFuture(done);
        }
        if (!subscribers.add(uri, session)) return Future.succeededFuture(done);
        if (stateless != null) { // 2026-07-28 has no resources/subscribe: the listen names the URIs
            listener.resubscribe(subscribers.uris());
            return Future.succeededFuture(done);
        }
        return call(body, method, params).andThen(answer -> {
            if (answer.failed() || answer.result().containsKey("error")) subscribers.remove(uri, session);
        });
    }

    /** A client cancelled a call (or went away): the upstream is told, and the caller is answered at once. */
    private void cancel(JsonObject body) {
        UpstreamRelay.InFlight call = relay.find(body.getJsonObject("relay"));
        cancel(call, body.getJsonObject("params", new JsonObject()).getString("reason", "cancelled"));
    }

    private void cancel(UpstreamRelay.InFlight call, String reason) {
        JsonRpcPeer connection = peer;
        if (call == null || call.upstreamId < 0 || connection == null) return;
        connection.cancel(
                call.upstreamId,
                reason,
                new UpstreamException(Failures.CANCELLED, "Request cancelled: " + reason, null));
    }

    private Future<JsonObject> forward(String method, JsonObject params, UpstreamRelay.InFlight call) {
        JsonRpcPeer connection = peer;
        return forwardOnce(connection, method, params, call).recover(e -> {
            if (!(e instanceof SessionExpiredException expired)) return Future.failedFuture(e);
            Future<Void> session = expired.renewed() ? Future.succeededFuture() : reinitialize(connection);
            return session.compose(v -> forwardOnce(peer, method, params, call));
        });
    }

    private Future<JsonObject> forwardOnce(
            JsonRpcPeer connection, String method, JsonObject params, UpstreamRelay.InFlight call) {
        if (connection == null || !state.acceptsCalls()) {
            return Future.failedFuture(new UpstreamException(Failures.UNAVAILABLE, unavailableMessage(), error));
        }
        return connection
                .request(method, params, service.timeoutMs(), id -> relay.sent(call, id))
                .map(UpstreamVerticle::reply);
    }

    /** The bus reply: the upstream's result, or its JSON-RPC error passed through untouched. */
    private static JsonObject reply(JsonObject response) {
        return response.containsKey("error")
                ? new JsonObject().put("error", response.getValue("error"))
                : new JsonObject().put("result", response.getValue("result", new JsonObject()));
    }

    private void fail(Message<?> message, String method, Throwable e) {
        if (e instanceof UpstreamException upstream) {
            message.fail(upstream.failure(), upstream.getMessage());
        } else if (e instanceof SessionExpiredException) {
            message.fail(Failures.UNAVAILABLE, "service '" + service.name() + "' is unavailable: " + e.getMessage());
        } else {
            log.warn("service '{}' call {} failed", service.name(), method, e);
            message.fail(
                    Failures.INTERNAL, "service '" + service.name() + "' failed " + method + ": " + e.getMessage());
        }
    }

    // ---- what we publish

    /** Moves to {@code next}; publishes the transition and the catalog. Returns false when already there. */
    private boolean setState(UpstreamState next) {
        if (state == next) return false;
        state = next;
        JsonObject event = new JsonObject()
                .put("service", service.name())
                .put("state", next.id())
                .put("at", Instant.now().toString());
        if (error != null) event.put("error", error);
        // In a cluster, which replica moved: routers send calls to the replicas that take them.
        String node = ClusterNode.nodeId(vertx);
        if (node != null) event.put("node", node);
        vertx.eventBus().publish(Addresses.UPSTREAM_STATE, event);
        publishCatalog();
        return true;
    }

    private void publishCatalog() {
        JsonObject event = new JsonObject().put("service", service.name()).put("state", state.id());
        if (error != null) event.put("error", error);
        if (protocolVersion != null) event.put("era", era());
        vertx.eventBus().publish(Addresses.CATALOG_CHANGED, event.mergeIn(catalog.toJson()));
    }

    private JsonObject status() {
        JsonObject status = lastTransport == null ? new JsonObject() : lastTransport.describe();
        return status.put("service", service.name())
                .put("state", state.id())
                .put("error", error)
                .put("tools", catalog.get(Catalog.Kind.TOOLS).size())
                .put("era", protocolVersion == null ? null : era())
                .put("protocolVersion", protocolVersion)
                .put("inFlight", peer == null ? 0 : peer.inFlight());
    }

    /** The era of the negotiated version: "2026-07-28" (stateless) or "2025-11-25" (any session-era version). */
    private String era() {
        return stateless != null ? Stateless.VERSION : io.mcpstore.protocol.ProtocolVersion.LATEST;
    }

    private String unavailableMessage() {
        return "service '" + service.name() + "' is unavailable: " + state.id()
                + (error == null ? "" : " (" + error + ")");
    }

    private void cancelTimer(long id) {
        if (id >= 0) vertx.cancelTimer(id);
    }
}
