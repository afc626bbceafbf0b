package io.mcpstore.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one upstream published about itself: its state and its lists, as received on the bus, and the era its
 * connection speaks ({@code 2025-11-25} or {@code 2026-07-28}; null before its first handshake), and the caching
 * hints a 2026 upstream gave its lists ({@code {tools: {ttlMs, cacheScope}, …}}; empty otherwise).
 */
public record ServiceCatalog(
        String service,
        String state,
        String error,
        JsonArray tools,
        JsonArray resources,
        JsonArray resourceTemplates,
        JsonArray prompts,
        JsonObject capabilities,
        String era,
        JsonObject cacheHints) {

    public ServiceCatalog(
            String service,
            String state,
            String error,
            JsonArray tools,
            JsonArray resources,
            JsonArray resourceTemplates,
            JsonArray prompts,
            JsonObject capabilities) {
        this(service, state, error, tools, resources, resourceTemplates, prompts, capabilities, null, new JsonObject());
    }

    /** Reads a {@code mcpstore.catalog.changed} message body. */
    public static ServiceCatalog fromJson(JsonObject body) {
        return new ServiceCatalog(
                body.getString("service"),
                body.getString("state", "connecting"),
                body.getString("error"),
                body.getJsonArray("tools", new JsonArray()),
                body.getJsonArray("resources", new JsonArray()),
                body.getJsonArray("resourceTemplates", new JsonArray()),
                body.getJsonArray("prompts", new JsonArray()),
                body.getJsonObject("capabilities", new JsonObject()),
                body.getString("era"),
                body.getJsonObject("cacheHints", new JsonObject()));
    }

    /** Only a ready (or degraded but connected) upstream contributes to what clients see. */
    public boolean available() {
        return "ready".equals(state) || "degraded".equals(state);
    }

    public JsonObject stateJson() {
        JsonObject json = new JsonObject()
                .put("name", service)
                .put("state", state)
                .put("tools", tools.size())
                .put("resources", resources.size())
                .put("prompts", prompts.size());
        if (era != null) json.put("era", era);
        return error == null ? json : json.put("error", error);
    }

    /** The annotations the upstream gave its tool {@code name} (readOnlyHint, idempotentHint, …), or null. */
    public JsonObject toolAnnotations(String name) {
        if (tools == null || name == null) return null;
        for (Object o : tools) {
            if (o instanceof JsonObject tool && name.equals(tool.getString("name"))) {
                return tool.getValue("annotations") instanceof JsonObject a ? a : null;
            }
        }
        return null;
    }
}
