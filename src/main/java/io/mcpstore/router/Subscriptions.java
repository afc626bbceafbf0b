package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which session of this node subscribed to which resource ({@code resources/subscribe}), and at which service: the
 * filter that lets {@code notifications/resources/updated} reach exactly those sessions' streams. Node-wide (a
 * session's POSTs and its stream may land on different router instances), updated atomically, dropped with the
 * session. The upstream side counts subscribers per URI, so this only says who gets an update.
 */
final class Subscriptions {
    static final String MAP = "mcpstore.sessions.subscriptions";

    /** One session's subscriptions, URI → service; never changed once stored (a change stores a new one). */
    private record Held(Map<String, String> services) implements Shareable {
        Held {
            services = Map.copyOf(services);
        }

        @Override
        public Shareable copy() {
            return this;
        }
    }

    private final Vertx vertx;
    private final LocalMap<String, Held> bySession;

    Subscriptions(Vertx vertx) {
        this.vertx = vertx;
        this.bySession = vertx.sharedData().getLocalMap(MAP);
    }

    void add(String session, String uri, String service) {
        bySession.compute(session, (id, held) -> {
            Map<String, String> next = held == null ? new HashMap<>() : new HashMap<>(held.services());
            next.put(uri, service);
            return new Held(next);
        });
    }

    /** Forgets one subscription; returns the service it was made at, or null when the session had none for it. */
    String remove(String session, String uri) {
        String[] service = new String[1];
        bySession.computeIfPresent(session, (id, held) -> {
            service[0] = held.services().get(uri);
            if (service[0] == null) return held;
            Map<String, String> next = new HashMap<>(held.services());
            next.remove(uri);
            return next.isEmpty() ? null : new Held(next);
        });
        return service[0];
    }

    /** Whether {@code session} subscribed to {@code uri} at one of {@code services}. */
    boolean has(String session, String uri, Collection<?> services) {
        Held held = bySession.get(session);
        String service = held == null ? null : held.services().get(uri);
        return service != null && services.contains(service);
    }

    /**
     * The session ended: its subscriptions go, and their services are told (each upstream unsubscribes once its
     * last subscriber is gone). Every router instance hears of the end; only the one that removes the entry tells.
     */
    void ended(String session) {
        Held held = session == null ? null : bySession.remove(session);
        if (held == null) return;
        held.services()
                .forEach((uri, service) -> vertx.eventBus()
                        .send(
                                Addresses.upstream(service),
                                new JsonObject()
                                        .put("method", McpMethods.RESOURCES_UNSUBSCRIBE)
                                        .put("params", new JsonObject().put("uri", uri))
                                        .put("session", new JsonObject().put("id", session))));
    }
}
