package io.mcpstore.notify;

import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns catalog changes into what clients are told: when the tools, resources or prompts that a service shows
 * change (it came up, went down, or announced a change), every session that sees the service gets the matching
 * {@code notifications/.../list_changed}. Also keeps the upstream-state gauge.
 */
public final class NotifierVerticle extends VerticleBase {
    private record Shown(JsonArray tools, JsonArray resources, JsonArray prompts) {
        static final Shown NOTHING = new Shown(new JsonArray(), new JsonArray(), new JsonArray());
    }

    private final Map<String, Shown> shown = new HashMap<>();
    private GatewayMetrics metrics;

    @Override
    public Future<?> start() {
        metrics = GatewayMetrics.of(config().getString("metricsRegistry"));
        var bus = vertx.eventBus();
        var catalog =
                bus.<JsonObject>consumer(Addresses.CATALOG_CHANGED, m -> changed(ServiceCatalog.fromJson(m.body())));
        var state = bus.<JsonObject>consumer(
                Addresses.UPSTREAM_STATE,
                m -> metrics.upstreamState(
                        m.body().getString("service"), m.body().getString("state")));
        return Future.all(catalog.completion(), state.completion());
    }

    private void changed(ServiceCatalog service) {
        Shown before = shown.getOrDefault(service.service(), Shown.NOTHING);
        Shown now = service.available()
                ? new Shown(service.tools(), merge(service.resources(), service.resourceTemplates()), service.prompts())
                : Shown.NOTHING;
        shown.put(service.service(), now);
        if (!before.tools().equals(now.tools())) notify(service.service(), McpMethods.NOTIFICATIONS_TOOLS_LIST_CHANGED);
        if (!before.resources().equals(now.resources())) {
            notify(service.service(), McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED);
        }
        if (!before.prompts().equals(now.prompts())) {
            notify(service.service(), McpMethods.NOTIFICATIONS_PROMPTS_LIST_CHANGED);
        }
    }

    private void notify(String service, String method) {
        vertx.eventBus()
                .publish(
                        Addresses.SESSIONS_NOTIFY,
                        new JsonObject()
                                .put("services", new JsonArray().add(service))
                                .put("message", JsonRpc.notification(method, null)),
                        // Every node's notifier hears every catalog change: each tells its own node's sessions.
                        LOCAL);
    }

    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private static JsonArray merge(JsonArray a, JsonArray b) {
        return b.isEmpty() ? a : a.copy().addAll(b);
    }
}
