package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The session streams this router instance holds (a Streamable HTTP GET stream, or a legacy SSE stream): where
 * server-initiated messages for a session are written. Each listens on {@code mcpstore.session.<id>}.
 */
final class SessionStreams {
    private record Held(String endpoint, SseStream stream, MessageConsumer<JsonObject> consumer) {}

    private final Vertx vertx;
    private final CallRelay relay;
    private final SessionStore sessions;
    private final Subscriptions subscriptions;
    private final Map<String, Held> held = new HashMap<>();

    SessionStreams(Vertx vertx, CallRelay relay, SessionStore sessions) {
        this.vertx = vertx;
        this.relay = relay;
        this.sessions = sessions;
        this.subscriptions = new Subscriptions(vertx);
    }

    boolean has(String sessionId) {
        return held.containsKey(sessionId);
    }

    int size() {
        return held.size();
    }

    /** Holds {@code stream} for the session; completes once messages sent to the session can reach it. */
    Future<Void> attach(String sessionId, String endpoint, SseStream stream) {
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.session(sessionId), msg -> {
            JsonObject body = msg.body();
            if (body.getBoolean("close", false)) {
                detach(sessionId);
                stream.end();
            } else if (body.getJsonObject("request") != null) {
                // A server→client request with no call in flight to carry it.
                relay.relayRequest(msg, sessionId, stream::message);
            } else if (body.getJsonObject("message") != null) {
                stream.message(body.getJsonObject("message"));
            }
        });
        held.put(sessionId, new Held(endpoint, stream, consumer));
        return consumer.completion();
    }

    void detach(String sessionId) {
        Held h = held.remove(sessionId);
        if (h != null) h.consumer().unregister();
    }

    /**
     * Writes a {@code mcpstore.sessions.notify} message to every held stream whose endpoint shows one of its
     * services — and, for a resource update, whose session subscribed to the URI; for a log message, whose session
     * asked for that level.
     */
    void notify(JsonObject notice, Function<String, Endpoint> endpoints) {
        Collection<?> services = notice.getJsonArray("services").getList();
        JsonObject message = notice.getJsonObject("message");
        String uri = notice.getString("uri");
        String level = notice.getString("level");
        for (Map.Entry<String, Held> e : held.entrySet()) {
            Held h = e.getValue();
            Endpoint endpoint = endpoints.apply(h.endpoint());
            if (endpoint == null || services.stream().noneMatch(endpoint.services()::contains)) continue;
            if (uri != null && !subscriptions.has(e.getKey(), uri, services)) continue;
            if (level != null) {
                Session session = sessions.get(e.getKey());
                if (session == null || !LogLevels.passes(level, session.logLevel())) continue;
            }
            h.stream().message(message);
        }
    }

    void keepAlive() {
        held.values().forEach(h -> h.stream().keepAlive());
    }

    void closeAll() {
        for (String id : new ArrayList<>(held.keySet())) {
            Held h = held.get(id);
            detach(id);
            h.stream().end();
        }
    }
}
