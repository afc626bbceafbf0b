package io.mcpstore.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.mcpstore.bus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster: it publishes who it is (id, name, HTTP address, labels) in a cluster-wide map,
 * answers for itself on {@link Addresses#node}, tells this node when members come and go ({@link
 * Addresses#CLUSTER_MEMBERS}), and gathers the whole cluster's picture for {@code /api/v1/cluster} and health.
 * Deployed only when the gateway is clustered.
 */
public final class ClusterVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);
    private static final String NODES_MAP = "mcpstore.cluster.nodes";
    private static final long NODE_TIMEOUT_MS = 3_000;
    /** A restart waits for the upstream to be up again (a child process started, a connection made). */
    private static final long RESTART_TIMEOUT_MS = 10_000;

    private HazelcastClusterManager manager;
    private AsyncMap<String, JsonObject> nodes;
    private UUID listener;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();

    /** What this verticle needs: this node's name, HTTP address and labels. */
    public static JsonObject deploymentConfig(String name, String http, List<String> labels) {
        return new JsonObject()
                .put("name", name)
                .put("http", http)
                .put("labels", new JsonArray(new ArrayList<>(labels)));
    }

    @Override
    public Future<?> start() {
        manager = ClusterNode.manager(vertx);
        if (manager == null) return Future.failedFuture(new IllegalStateException("the gateway is not clustered"));
        var bus = vertx.eventBus();
        consumers.add(bus.<JsonObject>localConsumer(Addresses.CLUSTER_STATUS, m -> m.reply(status())));
        consumers.add(bus.<JsonObject>localConsumer(Addresses.CLUSTER_NODES, this::nodes));
        consumers.add(bus.<JsonObject>consumer(Addresses.node(manager.getNodeId()), this::self));
        Context context = vertx.getOrCreateContext();
        listener = manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                context.runOnContext(v -> membersChanged("joined", event));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                context.runOnContext(v -> membersChanged("left", event));
            }
        });
        return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .compose(v -> vertx.sharedData().<String, JsonObject>getAsyncMap(NODES_MAP))
                .compose(map -> {
                    nodes = map;
                    return map.put(manager.getNodeId(), me());
                })
                .onSuccess(v -> LOG.info(
                        "Cluster '{}': joined as {} ({}), {} member(s)",
                        manager.getConfig().getClusterName(),
                        config().getString("name"),
                        manager.getNodeId(),
                        manager.getNodes().size()));
    }

    @Override
    public Future<?> stop() {
        if (listener != null
                && manager.getHazelcastInstance().getLifecycleService().isRunning()) {
            manager.getHazelcastInstance().getCluster().removeMembershipListener(listener);
        }
        Future<Void> gone = nodes == null || !manager.isActive()
                ? Future.succeededFuture()
                : nodes.remove(manager.getNodeId()).<Void>mapEmpty().otherwiseEmpty();
        return gone.eventually(() ->
                Future.join(consumers.stream().map(MessageConsumer::unregister).toList()));
    }

    private JsonObject me() {
        return new JsonObject()
                .put("id", manager.getNodeId())
                .put("name", config().getString("name"))
                .put("http", config().getString("http"))
                .put("labels", config().getJsonArray("labels", new JsonArray()));
    }

    private void membersChanged(String what, MembershipEvent event) {
        List<String> members = manager.getNodes();
        LOG.info("Cluster: member {} {}; {} member(s) now", event.getMember().getAddress(), what, members.size());
        vertx.eventBus()
                .publish(
                        Addresses.CLUSTER_MEMBERS,
                        new JsonObject().put("members", new JsonArray(new ArrayList<>(members))),
                        new DeliveryOptions().setLocalOnly(true));
    }

    /** For health: this node and how many members it sees. */
    private JsonObject status() {
        List<String> members = manager.getNodes();
        return new JsonObject()
                .put("state", manager.isActive() ? "joined" : "left")
                .put("name", manager.getConfig().getClusterName())
                .put("node", me())
                .put("members", members.size())
                .put("nodes", new JsonArray(new ArrayList<>(members)));
    }

    /**
     * This node with the services it holds, as its ServiceManager says; {@code {restart: service}} restarts that
     * service's upstream here instead (a restart asked on another node).
     */
    private void self(Message<JsonObject> m) {
        String restart = m.body().getString("restart");
        if (restart != null) {
            vertx.eventBus()
                    .<JsonObject>request(
                            Addresses.SERVICE_RESTART,
                            new JsonObject().put("service", restart),
                            new DeliveryOptions().setLocalOnly(true).setSendTimeout(RESTART_TIMEOUT_MS))
                    .onSuccess(r -> m.reply(r.body()))
                    .onFailure(e -> m.fail(
                            e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
                                    ? r.failureCode()
                                    : 503,
                            "node " + manager.getNodeId() + ": " + e.getMessage()));
            return;
        }
        vertx.eventBus()
                .<JsonObject>request(
                        Addresses.SERVICE_HOLDINGS,
                        new JsonObject(),
                        new DeliveryOptions().setLocalOnly(true).setSendTimeout(NODE_TIMEOUT_MS))
                .map(Message::body)
                .map(h -> me().put("services", h.getJsonArray("services", new JsonArray())))
                .onSuccess(m::reply)
                .onFailure(e -> m.fail(503, "node " + manager.getNodeId() + ": " + e.getMessage()));
    }

    /** Every member, each asked for itself; a member that does not answer is listed as unreachable. */
    private void nodes(Message<JsonObject> m) {
        List<String> members = new ArrayList<>(manager.getNodes());
        members.sort(null);
        List<Future<JsonObject>> asks = new ArrayList<>();
        for (String id : members) {
            asks.add(vertx.eventBus()
                    .<JsonObject>request(
                            Addresses.node(id), new JsonObject(), new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MS))
                    .map(Message::body)
                    .recover(e -> nodes.get(id)
                            .map(known -> (known == null ? new JsonObject().put("id", id) : known)
                                    .put("state", "unreachable")
                                    .put("error", e.getMessage()))));
        }
        Future.join(asks).onComplete(ar -> {
            JsonArray out = new JsonArray();
            for (Future<JsonObject> f : asks) {
                if (f.succeeded())
                    out.add(f.result()
                            .put("self", manager.getNodeId().equals(f.result().getString("id"))));
            }
            m.reply(new JsonObject()
                    .put("name", manager.getConfig().getClusterName())
                    .put("node", manager.getNodeId())
                    .put("nodes", out));
        });
    }
}
