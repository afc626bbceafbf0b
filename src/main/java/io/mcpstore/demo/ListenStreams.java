package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The open {@code subscriptions/listen} streams of 2026-07-28 clients: each names the notifications it wants, gets
 * {@code notifications/subscriptions/acknowledged} first, then only those, tagged with its subscription id (the
 * JSON-RPC id of its listen request).
 */
final class ListenStreams {
    private record Listener(Object id, JsonObject filter, Consumer<JsonObject> out) {
        boolean wants(String method, JsonObject params) {
            return switch (method) {
                case McpMethods.NOTIFICATIONS_TOOLS_LIST_CHANGED -> filter.getBoolean(Stateless.LISTEN_TOOLS, false);
                case McpMethods.NOTIFICATIONS_PROMPTS_LIST_CHANGED ->
                    filter.getBoolean(Stateless.LISTEN_PROMPTS, false);
                case McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED ->
                    filter.getBoolean(Stateless.LISTEN_RESOURCES, false);
                case McpMethods.NOTIFICATIONS_RESOURCES_UPDATED -> watches(params.getString("uri"));
                default -> false;
            };
        }

        boolean watches(String uri) {
            return filter.getJsonArray(Stateless.LISTEN_RESOURCE_URIS, new JsonArray())
                    .contains(uri);
        }
    }

    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();

    /**
     * Opens a stream for listen request {@code id}: acknowledges on {@code out} and delivers until {@code gone}
     * completes or the returned future is cancelled; the future completes only then.
     */
    CompletableFuture<JsonObject> listen(
            Object id, JsonObject params, Consumer<JsonObject> out, CompletableFuture<Void> gone) {
        if (!(params.getValue(Stateless.LISTEN_NOTIFICATIONS) instanceof JsonObject requested)) {
            throw McpException.invalidParams("Invalid params: subscriptions/listen needs a 'notifications' object");
        }
        JsonObject agreed = new JsonObject();
        for (String flag :
                new String[] {Stateless.LISTEN_TOOLS, Stateless.LISTEN_PROMPTS, Stateless.LISTEN_RESOURCES}) {
            if (Boolean.TRUE.equals(requested.getValue(flag))) {
                agreed.put(flag, true);
            }
        }
        if (requested.getValue(Stateless.LISTEN_RESOURCE_URIS) instanceof JsonArray uris) {
            JsonArray strings = new JsonArray();
            uris.forEach(u -> {
                if (u instanceof String s) strings.add(s);
            });
            agreed.put(Stateless.LISTEN_RESOURCE_URIS, strings);
        }
        Listener listener = new Listener(id, agreed, out);
        out.accept(JsonRpc.notification(
                Stateless.NOTIFICATIONS_SUBSCRIPTIONS_ACKNOWLEDGED,
                new JsonObject().put("notifications", agreed.copy()).put("_meta", tag(id))));
        listeners.add(listener);
        CompletableFuture<JsonObject> open = new CompletableFuture<>();
        open.whenComplete((r, e) -> listeners.remove(listener));
        gone.whenComplete((r, e) -> open.cancel(false));
        return open;
    }

    /** Sends the notification to every stream that asked for it. */
    void deliver(String method, JsonObject params) {
        JsonObject given = params == null ? new JsonObject() : params;
        for (Listener listener : listeners) {
            if (listener.wants(method, given)) {
                JsonObject tagged = given.copy();
                tagged.put(
                        "_meta", tagged.getJsonObject("_meta", new JsonObject()).mergeIn(tag(listener.id())));
                listener.out().accept(JsonRpc.notification(method, tagged));
            }
        }
    }

    boolean watches(String uri) {
        return listeners.stream().anyMatch(l -> l.watches(uri));
    }

    private static JsonObject tag(Object id) {
        return new JsonObject().put(Stateless.META_SUBSCRIPTION_ID, id);
    }
}
