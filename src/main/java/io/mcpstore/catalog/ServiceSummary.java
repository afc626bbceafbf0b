package io.mcpstore.catalog;

import io.mcpstore.config.ServiceConfig;
import io.vertx.core.json.JsonObject;

/** One service's state as {@code /health/ready} and the admin API both show it: its config and its catalog together. */
public final class ServiceSummary {
    private ServiceSummary() {}

    /**
     * {@code name}, {@code state}, {@code tools}/{@code resources}/{@code prompts} counts, {@code error} when there is
     * one, {@code transport} and {@code enabled}. The state is {@code disabled} when the config says so, else what the
     * catalog holds, else {@code connecting}: a disabled service's catalog still holds the state its upstream last
     * published before it stopped, and that is stale.
     *
     * @param known what the catalog holds for this service, or null when it has heard nothing from it yet
     */
    public static JsonObject of(String name, ServiceConfig config, ServiceCatalog known) {
        JsonObject state;
        if (!config.enabled()) state = withoutLists(name, "disabled");
        else if (known != null) state = known.stateJson();
        else state = withoutLists(name, "connecting");
        return state.put("transport", config.transport().id()).put("enabled", config.enabled());
    }

    private static JsonObject withoutLists(String name, String state) {
        return new JsonObject()
                .put("name", name)
                .put("state", state)
                .put("tools", 0)
                .put("resources", 0)
                .put("prompts", 0);
    }
}
