package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.CatalogView;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.mcpstore.security.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code subscriptions/listen} streams of this router instance (2026-07-28): each one gets only the
 * notifications its client asked for — list changes of tools, prompts, resources; updates of the resource URIs it
 * named — from the same {@code mcpstore.sessions.notify} events that feed 2025 sessions, acknowledged first, and
 * each tagged with the listen request's id as its {@code subscriptionId}.
 */
final class ListenStreams {
    /** One open listen stream: what it asked for, and the resource subscriptions it holds at their owners. */
    private record Listen(
            String key,
            String endpoint,
            Object subscriptionId,
            Set<String> methods,
            Map<String, String> resources,
            SseStream stream) {}

    private final Vertx vertx;
    private final McpDispatcher dispatcher;
    private final StreamRegistry registry;
    private final String tag;
    private final Map<String, Listen> open = new HashMap<>();
    private long next;

    ListenStreams(Vertx vertx, McpDispatcher dispatcher, StreamRegistry registry, String tag) {
        this.vertx = vertx;
        this.dispatcher = dispatcher;
        this.registry = registry;
        this.tag = tag;
    }

    void listen(HttpServerRequest request, Endpoint endpoint, Principal principal, JsonObject message) {
        Object id = message.getValue("id");
        JsonObject params = message.getJsonObject("params");
        Object filterValue = params.getValue(Stateless.LISTEN_NOTIFICATIONS);
        if (!(filterValue instanceof JsonObject filter)) {
            HttpReplies.json(
                    request.response(),
                    400,
                    JsonRpc.error(
                            id,
                            JsonRpc.INVALID_PARAMS,
                            "Invalid params: subscriptions/listen needs params.notifications, an object"));
            return;
        }
        Set<String> methods = new LinkedHashSet<>();
        JsonObject honored = new JsonObject();
        for (var e : Map.of(
                        Stateless.LISTEN_TOOLS, McpMethods.NOTIFICATIONS_TOOLS_LIST_CHANGED,
                        Stateless.LISTEN_PROMPTS, McpMethods.NOTIFICATIONS_PROMPTS_LIST_CHANGED,
                        Stateless.LISTEN_RESOURCES, McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED)
                .entrySet()) {
            if (Boolean.TRUE.equals(filter.getValue(e.getKey()))) {
                methods.add(e.getValue());
                honored.put(e.getKey(), true);
            }
        }
        // Each URI is subscribed at the service that owns it; one no service shows is not honoured.
        Map<String, String> resources = new HashMap<>();
        List<io.vertx.core.Future<?>> subscribed = new ArrayList<>();
        String key = tag + ".listen." + next++;
        if (filter.getValue(Stateless.LISTEN_RESOURCE_URIS) instanceof JsonArray uris) {
            CatalogView view = dispatcher.view(endpoint);
            JsonArray kept = new JsonArray();
            for (Object uri : uris) {
                String owner = uri instanceof String u ? view.resourceOwner(u) : null;
                if (owner == null) continue;
                resources.put((String) uri, owner);
                kept.add(uri);
                subscribed.add(subscription(McpMethods.RESOURCES_SUBSCRIBE, owner, (String) uri, key));
            }
            if (!resources.isEmpty()) {
                methods.add(McpMethods.NOTIFICATIONS_RESOURCES_UPDATED);
                honored.put(Stateless.LISTEN_RESOURCE_URIS, kept);
            }
        }
        var response = request.response();
        SseStream stream = registry.open("");
        Listen listen = new Listen(key, endpoint.prefix(), id, methods, resources, stream);
        open.put(key, listen);
        response.closeHandler(v -> close(listen));
        // Acknowledged once the owners hold the resource subscriptions: from then on no update is missed.
        io.vertx.core.Future.join(subscribed).onComplete(ar -> {
            if (!open.containsKey(key)) return;
            stream.to(SseStream.http(response.setStatusCode(200)));
            stream.message(JsonRpc.notification(
                    Stateless.NOTIFICATIONS_SUBSCRIPTIONS_ACKNOWLEDGED,
                    new JsonObject()
                            .put(Stateless.LISTEN_NOTIFICATIONS, honored)
                            .put("_meta", new JsonObject().put(Stateless.META_SUBSCRIPTION_ID, id))));
        });
    }

    /** A {@code mcpstore.sessions.notify} event: to every listen stream that asked for it and may see it. */
    void notify(JsonObject notice, Function<String, Endpoint> endpoints) {
        if (open.isEmpty()) return;
        Collection<?> services = notice.getJsonArray("services").getList();
        JsonObject message = notice.getJsonObject("message");
        String method = message.getString("method");
        String uri = notice.getString("uri");
        for (Listen listen : open.values()) {
            if (!listen.methods().contains(method)) continue;
            Endpoint endpoint = endpoints.apply(listen.endpoint());
            if (endpoint == null || services.stream().noneMatch(endpoint.services()::contains)) continue;
            if (uri != null && !services.contains(listen.resources().get(uri))) continue;
            JsonObject params =
                    message.getJsonObject("params", new JsonObject()).copy();
            JsonObject meta = params.getJsonObject("_meta", new JsonObject()).copy();
            params.put("_meta", meta.put(Stateless.META_SUBSCRIPTION_ID, listen.subscriptionId()));
            listen.stream().message(message.copy().put("params", params));
        }
    }

    void keepAlive() {
        open.values().forEach(l -> l.stream().keepAlive());
    }

    void closeAll() {
        new ArrayList<>(open.values()).forEach(l -> {
            close(l);
            l.stream().end();
        });
    }

    int size() {
        return open.size();
    }

    private void close(Listen listen) {
        if (open.remove(listen.key()) == null) return;
        registry.release(listen.stream());
        listen.resources()
                .forEach((uri, owner) -> subscription(McpMethods.RESOURCES_UNSUBSCRIBE, owner, uri, listen.key()));
    }

    /** Subscribes (or unsubscribes) at the owner on behalf of the stream, as a session would. */
    private io.vertx.core.Future<?> subscription(String method, String service, String uri, String key) {
        return vertx.eventBus()
                .request(
                        Addresses.upstream(service),
                        new JsonObject()
                                .put("method", method)
                                .put("params", new JsonObject().put("uri", uri))
                                .put("session", new JsonObject().put("id", key)));
    }
}
