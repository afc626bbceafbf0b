package io.mcpstore.service;

import io.mcpstore.bus.Addresses;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.upstream.UpstreamVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's upstream verticles matching the desired config: deploys new services, undeploys removed ones,
 * redeploys changed ones, and leaves the others (and their clients' sessions) alone.
 */
public final class ServiceManager extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);
    private static final long CONFIG_TIMEOUT_MS = 10_000;
    /** Marks a config fetched whole after a revision gap. */
    private static final String RELOADED = "reloaded";

    private record Deployed(JsonObject config, String deploymentId) {}

    private final Map<String, Deployed> deployed = new HashMap<>();
    /** Reconciliations run one after another, in the order the revisions arrived. */
    private Future<Void> last = Future.succeededFuture();

    private long revision;
    private boolean stopping;

    @Override
    public Future<?> start() {
        var changes = vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, m -> enqueue(m.body()));
        var restarts = vertx.eventBus().<JsonObject>localConsumer(Addresses.SERVICE_RESTART, this::restart);
        return Future.all(changes.completion(), restarts.completion())
                .compose(v -> vertx.eventBus()
                        .<JsonObject>request(
                                Addresses.CONFIG_GET,
                                new JsonObject(),
                                new DeliveryOptions().setSendTimeout(CONFIG_TIMEOUT_MS)))
                .map(Message::body)
                // Ready once the config is known: the upstreams deploy in the background, so that a gateway with a
                // thousand services listens at once and /health/ready reports them connecting meanwhile.
                .onSuccess(this::enqueue)
                .mapEmpty();
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        // A reconciliation under way ends first, so that none of its deployments is left half done.
        return last.transform(ignored -> {
            List<Future<Void>> undeploys = new ArrayList<>();
            // Vert.x may be undeploying them itself already (it is closing): not twice.
            deployed.values().stream()
                    .map(Deployed::deploymentId)
                    .filter(vertx.deploymentIDs()::contains)
                    .forEach(id -> undeploys.add(vertx.undeploy(id)));
            deployed.clear();
            return Future.join(undeploys);
        });
    }

    private Future<Void> enqueue(JsonObject change) {
        last = last.transform(ignored -> reconcile(change));
        return last;
    }

    /** Restarts one service's upstream on this node (a fresh connection or child process); replies when it is up. */
    private void restart(Message<JsonObject> m) {
        String name = m.body().getString("service");
        last = last.transform(ignored -> {
            Deployed d = deployed.remove(name);
            if (d == null) {
                m.fail(404, "service '" + name + "' is not running on this node");
                return Future.succeededFuture();
            }
            LOG.info("Restarting service '{}'", name);
            return vertx.undeploy(d.deploymentId())
                    .transform(v ->
                            vertx.deployVerticle(new UpstreamVerticle(), new DeploymentOptions().setConfig(d.config())))
                    .onSuccess(id -> {
                        deployed.put(name, new Deployed(d.config(), id));
                        m.reply(new JsonObject().put("service", name).put("restarted", true));
                    })
                    .onFailure(e -> m.fail(500, "service '" + name + "' could not be restarted: " + e.getMessage()))
                    .mapEmpty();
        });
    }

    private Future<Void> reconcile(JsonObject change) {
        if (stopping) return Future.succeededFuture();
        long rev = change.getLong("revision", 0L);
        if (rev != 0 && rev <= revision) return Future.succeededFuture();
        if (rev > revision + 1 && revision != 0 && !change.getBoolean(RELOADED, false)) {
            // A revision gap (a missed broadcast): reload the whole config from the store rather than trust the piece.
            LOG.warn("Config revision gap: at {}, got {}; reloading the whole config", revision, rev);
            return vertx.eventBus()
                    .<JsonObject>request(
                            Addresses.CONFIG_GET,
                            new JsonObject(),
                            new DeliveryOptions().setSendTimeout(CONFIG_TIMEOUT_MS))
                    .map(m -> m.body().copy().put(RELOADED, true))
                    .otherwise(e -> change.copy().put(RELOADED, true))
                    .compose(this::reconcile);
        }
        revision = rev;
        GatewayConfig config = GatewayConfig.fromJson(change.getJsonObject("config"));
        Map<String, JsonObject> desired = new HashMap<>();
        config.services().forEach((name, sc) -> {
            if (sc.enabled()) desired.put(name, sc.toJson());
        });

        List<Future<Void>> stops = new ArrayList<>();
        for (var it = deployed.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().config().equals(desired.get(e.getKey()))) {
                LOG.info("Stopping service '{}'", e.getKey());
                stops.add(vertx.undeploy(e.getValue().deploymentId()));
                it.remove();
            }
        }
        return Future.join(stops).transform(ignored -> {
            List<Future<String>> starts = new ArrayList<>();
            desired.forEach((name, json) -> {
                if (deployed.containsKey(name)) return;
                LOG.info(
                        "Starting service '{}' ({})",
                        name,
                        ServiceConfig.fromDeployment(json).transport().id());
                starts.add(vertx.deployVerticle(new UpstreamVerticle(), new DeploymentOptions().setConfig(json))
                        .onSuccess(id -> deployed.put(name, new Deployed(json, id)))
                        .onFailure(e -> {
                            // While the gateway stops, a start still under way fails because Vert.x is closing.
                            if (!stopping) LOG.error("Service '{}' could not be started: {}", name, e.getMessage());
                        }));
            });
            return Future.join(starts).mapEmpty();
        });
    }
}
