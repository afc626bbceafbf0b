package io.mcpstore.service;

import io.mcpstore.bus.Addresses;
import io.mcpstore.cluster.Placement;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.config.ServicePlacement;
import io.mcpstore.upstream.UpstreamVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's upstream verticles matching the desired config: deploys new services, undeploys removed ones,
 * redeploys changed ones, and leaves the others (and their clients' sessions) alone. In a cluster it runs only the
 * services whose slot it claims ({@link Placement}), and claims free slots again when members leave.
 */
public final class ServiceManager extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);
    private static final long CONFIG_TIMEOUT_MS = 10_000;
    /** Marks a config fetched whole after a revision gap. */
    private static final String RELOADED = "reloaded";

    private record Deployed(JsonObject config, String deploymentId) {}

    /** How often a clustered node looks for slots nobody holds (besides when a member leaves). */
    private static final long SWEEP_MS = 5_000;

    private final Map<String, Deployed> deployed = new HashMap<>();
    private final Placement placement;
    /** The enabled services of the latest config, as deployment configs. */
    private Map<String, JsonObject> desired = Map.of();

    private long sweepTimer = -1;
    /** Reconciliations run one after another, in the order the revisions arrived. */
    private Future<Void> last = Future.succeededFuture();

    private long revision;
    private boolean stopping;

    /** Runs every enabled service on this node. */
    public ServiceManager() {
        this(Placement.local());
    }

    public ServiceManager(Placement placement) {
        this.placement = placement;
    }

    @Override
    public Future<?> start() {
        var changes = vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, m -> enqueue(m.body()));
        var restarts = vertx.eventBus().<JsonObject>localConsumer(Addresses.SERVICE_RESTART, this::restart);
        var holdings = vertx.eventBus().<JsonObject>localConsumer(Addresses.SERVICE_HOLDINGS, this::holdings);
        List<Future<?>> ready = new ArrayList<>(List.of(changes.completion(), restarts.completion()));
        ready.add(holdings.completion());
        if (placement.clustered()) {
            var members = vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_MEMBERS, m -> {
                sweep();
                // Hazelcast frees a departed member's locks as it removes it; look again once that has settled.
                vertx.setTimer(1_000, id -> sweep());
            });
            ready.add(members.completion());
            sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep());
        }
        return Future.all(ready)
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
        if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
        // A reconciliation under way ends first, so that none of its deployments is left half done.
        return last.transform(ignored -> {
            List<Future<Void>> undeploys = new ArrayList<>();
            // Vert.x may be undeploying them itself already (it is closing): not twice.
            deployed.values().stream()
                    .map(Deployed::deploymentId)
                    .filter(vertx.deploymentIDs()::contains)
                    .forEach(id -> undeploys.add(vertx.undeploy(id)));
            deployed.clear();
            return Future.join(undeploys).eventually(() -> {
                placement.releaseAll();
                return Future.succeededFuture();
            });
        });
    }

    /** Claims the free slots of services this node may run but does not (a member left, or no one took them). */
    private void sweep() {
        if (stopping) return;
        last = last.transform(ignored -> {
            List<Future<String>> starts = new ArrayList<>();
            desired.forEach((name, json) -> {
                if (!deployed.containsKey(name)) starts.add(claimAndStart(name, json, true));
            });
            return Future.join(starts).mapEmpty();
        });
    }

    /** The services this node runs, their slots and states (for the cluster's picture). */
    private void holdings(Message<JsonObject> m) {
        List<Future<JsonObject>> states = new ArrayList<>();
        deployed.keySet().stream()
                .sorted()
                .forEach(name -> states.add(vertx.eventBus()
                        .<JsonObject>request(
                                Addresses.upstream(name),
                                new JsonObject().put("method", UpstreamVerticle.STATUS_METHOD),
                                // This node's replica, not any.
                                new DeliveryOptions().setLocalOnly(true).setSendTimeout(2_000))
                        .map(r -> new JsonObject()
                                .put("name", name)
                                .put("slot", placement.slot(name))
                                .put("state", r.body().getString("state")))
                        .otherwise(e -> new JsonObject()
                                .put("name", name)
                                .put("slot", placement.slot(name))
                                .put("state", "unknown"))));
        Future.join(states).onComplete(ar -> {
            JsonArray out = new JsonArray();
            states.forEach(f -> out.add(f.result()));
            m.reply(new JsonObject().put("services", out));
        });
    }

    /**
     * Deploys {@code name} here if this node claims one of its slots: at once when it is among the service's preferred
     * nodes (or {@code any}), else only on a later sweep, so that services spread over the members.
     */
    private Future<String> claimAndStart(String name, JsonObject json, boolean any) {
        ServicePlacement p = ServiceConfig.fromDeployment(json).placement();
        if (!placement.fits(p)) return Future.succeededFuture();
        if (placement.slot(name) < 0 && !any && !placement.preferred(name, p.replicas())) {
            return Future.succeededFuture();
        }
        return placement.claim(name, p.replicas()).compose(slot -> {
            if (slot < 0 || stopping || deployed.containsKey(name) || !json.equals(desired.get(name))) {
                if (slot >= 0 && !json.equals(desired.get(name))) placement.release(name);
                return Future.succeededFuture();
            }
            LOG.info(
                    "Starting service '{}' ({}){}",
                    name,
                    ServiceConfig.fromDeployment(json).transport().id(),
                    placement.clustered() ? " in slot " + slot + " of " + p.replicas() : "");
            return vertx.deployVerticle(new UpstreamVerticle(), new DeploymentOptions().setConfig(json))
                    .onSuccess(id -> deployed.put(name, new Deployed(json, id)))
                    .onFailure(e -> {
                        placement.release(name);
                        // While the gateway stops, a start still under way fails because Vert.x is closing.
                        if (!stopping) LOG.error("Service '{}' could not be started: {}", name, e.getMessage());
                    });
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
        Map<String, JsonObject> wanted = new HashMap<>();
        config.services().forEach((name, sc) -> {
            if (sc.enabled()) wanted.put(name, sc.toJson());
        });
        desired = wanted;

        List<Future<Void>> stops = new ArrayList<>();
        for (var it = deployed.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().config().equals(wanted.get(e.getKey()))) {
                LOG.info("Stopping service '{}'", e.getKey());
                stops.add(vertx.undeploy(e.getValue().deploymentId()));
                it.remove();
            }
        }
        // A slot this node no longer may or need hold (removed, disabled, fewer replicas, other labels) is freed.
        // (after its upstream has stopped, so that it never runs on two nodes for one slot).
        List<String> freed = new ArrayList<>();
        for (String name : placement.claimed()) {
            JsonObject json = wanted.get(name);
            ServicePlacement p =
                    json == null ? null : ServiceConfig.fromDeployment(json).placement();
            if (p == null || !placement.fits(p) || placement.slot(name) >= p.replicas()) freed.add(name);
        }
        return Future.join(stops).transform(ignored -> {
            freed.forEach(placement::release);
            List<Future<String>> starts = new ArrayList<>();
            wanted.forEach((name, json) -> {
                if (!deployed.containsKey(name)) starts.add(claimAndStart(name, json, false));
            });
            return Future.join(starts).mapEmpty();
        });
    }
}
