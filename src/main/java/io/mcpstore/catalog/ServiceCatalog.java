package io.mcpstore.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What one upstream published about itself: its state and its lists, as received on the bus. */
public record ServiceCatalog(
        String service,
        String state,
        String error,
        JsonArray tools,
        JsonArray resources,
        JsonArray resourceTemplates,
        JsonArray prompts,
        JsonObject capabilities) {

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
                body.getJsonObject("capabilities", new JsonObject()));
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
        return error == null ? json : json.put("error", error);
    }
}
