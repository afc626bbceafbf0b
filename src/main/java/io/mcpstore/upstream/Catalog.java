package io.mcpstore.upstream;

import io.mcpstore.protocol.McpMethods;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one upstream offers, as last seen: its capabilities and server info from the handshake, and its four lists
 * (with the caching hints a 2026-07-28 server gives them, published as {@code cacheHints: {tools: {ttlMs,
 * cacheScope}, …}}).
 * Kept across reconnects, so routers go on showing a service's tools while it comes back.
 */
final class Catalog {

    /** The four paginated lists, each with the capability that announces it and the notification that stales it. */
    enum Kind {
        TOOLS(McpMethods.TOOLS_LIST, "tools", "tools", McpMethods.NOTIFICATIONS_TOOLS_LIST_CHANGED),
        RESOURCES(McpMethods.RESOURCES_LIST, "resources", "resources", McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED),
        RESOURCE_TEMPLATES(
                McpMethods.RESOURCES_TEMPLATES_LIST,
                "resourceTemplates",
                "resources",
                McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED),
        PROMPTS(McpMethods.PROMPTS_LIST, "prompts", "prompts", McpMethods.NOTIFICATIONS_PROMPTS_LIST_CHANGED);

        /** The list method. */
        final String method;
        /** The array in the list result, and the key on the bus. */
        final String field;
        /** The server capability that says the list exists. */
        final String capability;
        /** The notification after which the list must be fetched again. */
        final String changedBy;

        Kind(String method, String field, String capability, String changedBy) {
            this.method = method;
            this.field = field;
            this.capability = capability;
            this.changedBy = changedBy;
        }

        static List<Kind> changedBy(String notification) {
            return Arrays.stream(values())
                    .filter(k -> k.changedBy.equals(notification))
                    .toList();
        }
    }

    private final Map<Kind, JsonArray> lists = new EnumMap<>(Kind.class);
    private final Map<Kind, JsonObject> hints = new EnumMap<>(Kind.class);
    private JsonObject capabilities = new JsonObject();
    private JsonObject serverInfo = new JsonObject();
    private String instructions;

    Catalog() {
        for (Kind kind : Kind.values()) lists.put(kind, new JsonArray());
    }

    /** Takes what the server said about itself in its initialize result. */
    void handshake(JsonObject initializeResult) {
        capabilities = initializeResult.getJsonObject("capabilities", new JsonObject());
        serverInfo = initializeResult.getJsonObject("serverInfo", new JsonObject());
        instructions = initializeResult.getString("instructions");
    }

    JsonObject capabilities() {
        return capabilities;
    }

    boolean offers(Kind kind) {
        return capabilities.containsKey(kind.capability);
    }

    void put(Kind kind, JsonArray list) {
        lists.put(kind, list);
    }

    /** The upstream's caching hint for a list ({@code {ttlMs, cacheScope}}, SEP-2549); null: it gave none. */
    void hint(Kind kind, JsonObject hint) {
        if (hint == null) hints.remove(kind);
        else hints.put(kind, hint);
    }

    JsonArray get(Kind kind) {
        return lists.get(kind);
    }

    /** The catalog part of a {@code mcpstore.catalog.changed} message (the bus codec copies it). */
    JsonObject toJson() {
        JsonObject json = new JsonObject();
        lists.forEach((kind, list) -> json.put(kind.field, list));
        if (!hints.isEmpty()) {
            JsonObject cacheHints = new JsonObject();
            hints.forEach((kind, hint) -> cacheHints.put(kind.field, hint));
            json.put("cacheHints", cacheHints);
        }
        json.put("capabilities", capabilities).put("serverInfo", serverInfo);
        if (instructions != null) json.put("instructions", instructions);
        return json;
    }
}
