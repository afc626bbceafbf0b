package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@link #PER_SERVICE} state transitions of each service, as the upstreams publish them on {@code
 * UPSTREAM_STATE} (a broadcast: every admin API instance on every node hears the same ones). Bounded twice — per
 * service, and {@link #SERVICES} services, the one heard from least recently dropped first — so a flapping upstream or
 * many short-lived services cannot grow it. Touched only from the API's own context (the consumer and the handlers run
 * there), so it needs no locking. It starts empty: transitions before this API instance started are not known.
 */
final class StateHistory {
    static final int PER_SERVICE = 50;
    static final int SERVICES = 1000;

    private final Map<String, ArrayDeque<JsonObject>> byService = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<JsonObject>> eldest) {
            return size() > SERVICES;
        }
    };
    private final MessageConsumer<JsonObject> consumer;

    StateHistory(Vertx vertx) {
        consumer = vertx.eventBus().consumer(Addresses.UPSTREAM_STATE, m -> heard(m.body()));
    }

    /** Completes once the consumer is registered (everywhere, when clustered). */
    Future<Void> ready() {
        return consumer.completion();
    }

    Future<Void> close() {
        return consumer.unregister();
    }

    void heard(JsonObject event) {
        if (event == null || !(event.getValue("service") instanceof String service)) return;
        JsonObject entry =
                new JsonObject().put("state", event.getString("state")).put("at", event.getString("at"));
        if (event.getValue("error") instanceof String error) entry.put("reason", error);
        ArrayDeque<JsonObject> ring = byService.computeIfAbsent(service, k -> new ArrayDeque<>());
        if (ring.size() == PER_SERVICE) ring.removeFirst();
        ring.addLast(entry);
    }

    /** The service's transitions, newest first. */
    JsonArray of(String service) {
        JsonArray out = new JsonArray();
        ArrayDeque<JsonObject> ring = byService.get(service);
        if (ring == null) return out;
        for (Iterator<JsonObject> it = ring.descendingIterator(); it.hasNext(); )
            out.add(it.next().copy());
        return out;
    }
}
