package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The config the admin API answers from: the revision it last saw (from {@code CONFIG_CHANGED} or a fresh read),
 * never older than one already seen.
 */
final class CurrentConfig {
    private final AdminBus bus;
    private GatewayConfig config;
    private long revision;

    CurrentConfig(AdminBus bus, GatewayConfig config) {
        this.bus = bus;
        this.config = config;
    }

    GatewayConfig get() {
        return config;
    }

    long revision() {
        return revision;
    }

    /** The revision as the API's {@code ETag}. */
    String etag() {
        return "\"" + revision + "\"";
    }

    void changed(JsonObject change) {
        long rev = change.getLong("revision", 0L);
        if (rev != 0 && rev < revision) return;
        revision = rev;
        config = GatewayConfig.fromJson(change.getJsonObject("config"));
    }

    /**
     * Reads the store's current config before a request is answered: a client that has just made a change sees it,
     * whichever router instance serves its next request (the broadcast may not have reached that one yet).
     */
    void refresh(RoutingContext ctx) {
        bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS)
                .onComplete(ar -> {
                    if (ar.succeeded()) changed(ar.result());
                    ctx.next();
                });
    }

    ServiceConfig service(String name) {
        ServiceConfig sc = config.services().get(name);
        if (sc == null) throw Problem.notFound("service '" + name + "' not found");
        return sc;
    }
}
