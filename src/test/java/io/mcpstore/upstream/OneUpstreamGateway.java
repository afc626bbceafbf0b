package io.mcpstore.upstream;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * A gateway JVM with one stdio upstream ({@code sh -c <args[0]>}), run by {@link UpstreamShutdownTest}: prints {@code
 * PID <child pid>} once the service is ready, then waits to be killed.
 */
public final class OneUpstreamGateway {
    private OneUpstreamGateway() {}

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        Promise<Void> ready = Promise.promise();
        vertx.eventBus().<JsonObject>consumer(Addresses.UPSTREAM_STATE, m -> {
            if ("ready".equals(m.body().getString("state"))) ready.tryComplete();
        });
        JsonObject entry = new JsonObject()
                .put("command", "sh")
                .put("args", new JsonArray().add("-c").add(args[0]));
        ServiceConfig service = ServiceConfig.fromJson("orphan", entry, "services.orphan");
        vertx.deployVerticle(new UpstreamVerticle(), new DeploymentOptions().setConfig(service.toJson()))
                .await(10, TimeUnit.SECONDS);
        ready.future().await(30, TimeUnit.SECONDS);
        JsonObject status = vertx.eventBus()
                .<JsonObject>request(
                        Addresses.upstream("orphan"), new JsonObject().put("method", UpstreamVerticle.STATUS_METHOD))
                .map(Message::body)
                .await(10, TimeUnit.SECONDS);
        System.out.println("PID " + status.getLong("pid"));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
