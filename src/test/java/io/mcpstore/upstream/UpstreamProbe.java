package io.mcpstore.upstream;

import static org.awaitility.Awaitility.await;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.ServiceConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One deployed {@link UpstreamVerticle}, seen from the bus the way the router sees it: the states it announces, its
 * latest catalog, and calls to its address.
 */
final class UpstreamProbe implements AutoCloseable {
    final String service;
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<JsonObject> stateEvents = new CopyOnWriteArrayList<>();
    final AtomicReference<JsonObject> catalog = new AtomicReference<>();
    private final Vertx vertx;
    private final List<MessageConsumer<JsonObject>> consumers;
    private String deployment;

    private UpstreamProbe(Vertx vertx, String service) {
        this.vertx = vertx;
        this.service = service;
        this.consumers = List.of(
                vertx.eventBus().<JsonObject>consumer(Addresses.UPSTREAM_STATE, m -> {
                    if (service.equals(m.body().getString("service"))) {
                        stateEvents.add(m.body());
                        states.add(m.body().getString("state"));
                    }
                }),
                vertx.eventBus().<JsonObject>consumer(Addresses.CATALOG_CHANGED, m -> {
                    if (service.equals(m.body().getString("service"))) catalog.set(m.body());
                }));
    }

    /** Deploys an upstream for {@code entry} (a {@code services} entry as the config file has it). */
    static UpstreamProbe deploy(Vertx vertx, String service, JsonObject entry) throws Exception {
        UpstreamProbe probe = new UpstreamProbe(vertx, service);
        Future.all(probe.consumers.stream().map(MessageConsumer::completion).toList())
                .await(10, TimeUnit.SECONDS);
        ServiceConfig config = ServiceConfig.fromJson(service, entry, "services." + service);
        probe.deployment = vertx.deployVerticle(
                        new UpstreamVerticle(), new DeploymentOptions().setConfig(config.toJson()))
                .await(10, TimeUnit.SECONDS);
        return probe;
    }

    static JsonObject stdio(String... args) {
        return new JsonObject().put("command", "node").put("args", new io.vertx.core.json.JsonArray(List.of((Object[])
                args)));
    }

    void awaitState(String state, Duration within) {
        await().atMost(within).until(() -> states.contains(state) && state.equals(currentState()));
    }

    String currentState() {
        JsonObject latest = catalog.get();
        return latest == null ? null : latest.getString("state");
    }

    /** Sends {@code {method, params}} to the service's address and waits for the reply (or the failure). */
    Future<JsonObject> call(String method, JsonObject params) {
        return vertx.eventBus()
                .<JsonObject>request(
                        Addresses.upstream(service),
                        new JsonObject().put("method", method).put("params", params),
                        new DeliveryOptions().setSendTimeout(120_000))
                .map(Message::body);
    }

    JsonObject echo(String text) throws Exception {
        return call(
                        "tools/call",
                        new JsonObject().put("name", "echo").put("arguments", new JsonObject().put("message", text)))
                .await(30, TimeUnit.SECONDS);
    }

    JsonObject status() throws Exception {
        return call(UpstreamVerticle.STATUS_METHOD, null).await(10, TimeUnit.SECONDS);
    }

    static String text(JsonObject reply) {
        return reply.getJsonObject("result")
                .getJsonArray("content")
                .getJsonObject(0)
                .getString("text");
    }

    static ReplyException failure(Future<?> call) {
        try {
            call.await(30, TimeUnit.SECONDS);
        } catch (ReplyException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a failure reply, got " + e, e);
        }
        throw new AssertionError("expected a failure reply, got " + call.result());
    }

    @Override
    public void close() throws Exception {
        if (deployment != null) vertx.undeploy(deployment).await(15, TimeUnit.SECONDS);
        for (MessageConsumer<JsonObject> c : consumers) c.unregister().await(5, TimeUnit.SECONDS);
    }
}
