package io.mcpstore.config;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Owns the gateway's configuration and its revision number, and answers {@code mcpstore.config.get}. File-backed:
 * the validated config it was deployed with is revision 1. Every new revision is published on {@code
 * mcpstore.config.changed}.
 */
public final class ConfigStoreVerticle extends VerticleBase {
    private long revision;
    private JsonObject current;

    @Override
    public Future<?> start() {
        // Validated before deployment; validating again keeps this verticle honest about what it serves.
        current = GatewayConfig.fromJson(config().getJsonObject("config")).toJson();
        revision = 1;
        return vertx.eventBus()
                .<JsonObject>consumer(Addresses.CONFIG_GET, m -> m.reply(snapshot()))
                .completion();
    }

    private JsonObject snapshot() {
        return new JsonObject()
                .put("revision", revision)
                .put("source", config().getString("source"))
                .put("config", current);
    }
}
