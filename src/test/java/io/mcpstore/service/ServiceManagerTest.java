package io.mcpstore.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpstore.Upstreams;
import io.mcpstore.bus.Addresses;
import io.mcpstore.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reconciliation as the bus drives it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceManagerTest {

    private static JsonObject config(JsonObject services) {
        return GatewayConfig.fromJson(new JsonObject().put("services", services))
                .toJson();
    }

    @Test
    void aRevisionGapReloadsTheWholeConfigFromTheStore(Vertx vertx, VertxTestContext test) {
        // The store: revision 1 has no services; by revision 5 it has "fx".
        JsonObject withFx = config(new JsonObject().put("fx", Upstreams.fixtureStdio("--name", "gap")));
        AtomicInteger asked = new AtomicInteger();
        vertx.eventBus()
                .<JsonObject>consumer(
                        Addresses.CONFIG_GET,
                        m -> m.reply(
                                asked.getAndIncrement() == 0
                                        ? new JsonObject().put("revision", 1).put("config", config(new JsonObject()))
                                        : new JsonObject().put("revision", 5).put("config", withFx)));
        vertx.eventBus().<JsonObject>consumer(Addresses.CATALOG_CHANGED, m -> {
            if ("fx".equals(m.body().getString("service"))
                    && "ready".equals(m.body().getString("state"))) {
                test.verify(() -> assertThat(asked.get()).isEqualTo(2));
                test.completeNow();
            }
        });
        vertx.deployVerticle(new ServiceManager())
                .onComplete(test.succeeding(id -> vertx.eventBus()
                        // Revisions 2 to 4 never arrived; this broadcast's own body is not trusted.
                        .publish(
                                Addresses.CONFIG_CHANGED,
                                new JsonObject().put("revision", 5).put("config", config(new JsonObject())))));
    }
}
