package io.mcpstore.cluster;

import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.Failures;
import io.mcpstore.config.ServicePlacement;
import io.mcpstore.config.ServicePlacement.Balance;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.upstream.UpstreamState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One router instance's calls to the replicas of services in a cluster. The replicas of a service are the nodes with
 * a consumer on {@link Addresses#upstream(String)} in the cluster manager's subscription map (which Vert.x keeps and
 * Hazelcast cleans up when a node leaves); a call goes to one of them on its own address ({@link
 * Addresses#upstreamAt}), picked by the service's {@link Balance}. Calls in flight are kept by the node they went to,
 * so that when the cluster manager reports the node gone they fail at once ({@link ReplicaLost}) instead of waiting out
 * the service's timeout; such a call, when the caller says it is safe, goes once to another replica. A replica that
 * said it cannot take calls (its state on {@link Addresses#UPSTREAM_STATE}: connecting, reconnecting...) is passed
 * over while another can. Lives on the
 * router's event loop; not thread-safe. Not used when the gateway is not clustered (calls then take the plain
 * address, no lookup).
 */
public final class Replicas {
    /** How long a service's list of holders is trusted before it is looked up again (new replicas join). */
    private static final long HOLDERS_TTL_MS = 2_000;

    /** A call failed because its replica went away: its node left, no longer serves the service, or is unreachable. */
    public static final class ReplicaLost extends RuntimeException {
        private final String node;
        private final boolean retried;

        ReplicaLost(String node, String message, boolean retried) {
            super(message, null, false, false);
            this.node = node;
            this.retried = retried;
        }

        /** The node id of the replica that went away. */
        public String node() {
            return node;
        }

        /** Whether the call had been retried on another replica already (and that failed too). */
        public boolean retried() {
            return retried;
        }
    }

    private record Holders(List<String> nodes, long until) {}

    private record Pending(String service, String node, Promise<Message<JsonObject>> promise) {}

    private final Vertx vertx;
    private final HazelcastClusterManager manager;
    private final Context context;
    private final Map<String, Holders> holders = new HashMap<>();
    private final Map<String, Integer> turns = new HashMap<>();
    /** Calls in flight by the node they went to. */
    private final Map<String, Set<Pending>> byNode = new HashMap<>();
    /** By service, the replicas that said they cannot take calls now (a replica not heard of is taken to). */
    private final Map<String, Set<String>> notTaking = new HashMap<>();
    /** Calls in flight by service, then node: what least-inflight reads. */
    private final Map<String, Map<String, Integer>> inflight = new HashMap<>();

    private Replicas(Vertx vertx, HazelcastClusterManager manager) {
        this.vertx = vertx;
        this.manager = manager;
        this.context = vertx.getOrCreateContext();
        // Published by this node's ClusterVerticle on every membership change; unregistered with the router verticle.
        vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_MEMBERS, m -> membersChanged());
        vertx.eventBus().<JsonObject>consumer(Addresses.UPSTREAM_STATE, m -> stateChanged(m.body()));
    }

    /** A replica changed state: one that cannot take calls (connecting, reconnecting, failed, stopped) is passed over. */
    private void stateChanged(JsonObject event) {
        String node = event.getString("node");
        String service = event.getString("service");
        if (node == null || service == null) return;
        boolean takes = UpstreamState.READY.id().equals(event.getString("state"))
                || UpstreamState.DEGRADED.id().equals(event.getString("state"));
        Set<String> down = notTaking.computeIfAbsent(service, s -> new HashSet<>());
        if (takes) down.remove(node);
        else down.add(node);
        if (down.isEmpty()) notTaking.remove(service);
    }

    /**
     * Whether a call may go once more to another replica after its own went away: the service says {@code retry:
     * safe}, or the method only reads ({@code resources/read}, {@code prompts/get}, {@code completion/complete}), or
     * the tool is marked {@code readOnlyHint} or {@code idempotentHint}.
     */
    public static boolean retrySafe(ServicePlacement placement, String method, JsonObject toolAnnotations) {
        if (placement != null && placement.retrySafe()) return true;
        if (McpMethods.RESOURCES_READ.equals(method)
                || McpMethods.PROMPTS_GET.equals(method)
                || McpMethods.COMPLETION_COMPLETE.equals(method)) {
            return true;
        }
        return McpMethods.TOOLS_CALL.equals(method)
                && toolAnnotations != null
                && (Boolean.TRUE.equals(toolAnnotations.getValue("readOnlyHint"))
                        || Boolean.TRUE.equals(toolAnnotations.getValue("idempotentHint")));
    }

    /** The replicas of a clustered gateway for the router whose context this runs on; null when not clustered. */
    public static Replicas of(Vertx vertx) {
        HazelcastClusterManager manager = ClusterNode.manager(vertx);
        return manager == null ? null : new Replicas(vertx, manager);
    }

    /**
     * Sends {@code body} to one replica of {@code service}; with {@code retry}, a call whose replica went away is sent
     * once more, to another replica. Fails with {@link ReplicaLost} when the replica went away (and no retry was
     * allowed or possible), or with the bus's own failure (a timeout, the upstream's error, no replica at all).
     */
    public Future<Message<JsonObject>> request(
            String service, JsonObject body, DeliveryOptions options, Balance balance, boolean retry) {
        return attempt(service, body, options, balance, retry, Set.of());
    }

    private Future<Message<JsonObject>> attempt(
            String service,
            JsonObject body,
            DeliveryOptions options,
            Balance balance,
            boolean retry,
            Set<String> excluded) {
        return holders(service).compose(all -> {
            List<String> live = new ArrayList<>(all);
            live.removeAll(excluded);
            if (live.isEmpty()) {
                if (!excluded.isEmpty()) {
                    String gone = excluded.iterator().next();
                    return Future.failedFuture(new ReplicaLost(
                            gone,
                            "its node " + gone + " went away while the call was in flight, and no other replica"
                                    + " holds it now",
                            false));
                }
                // Nobody holds it (as far as the subscriptions say): the plain address, so that the bus answers.
                return vertx.eventBus().request(Addresses.upstream(service), body, options);
            }
            String node = pick(service, live, balance);
            return send(service, node, body, options).recover(e -> {
                ReplicaLost lost = lost(e, node);
                if (lost == null) {
                    // A replica that cannot take calls right now (it is connecting): a safe call tries another.
                    if (retry && unavailable(e) && live.size() > 1) {
                        Set<String> tried = new LinkedHashSet<>(excluded);
                        tried.add(node);
                        return attempt(service, body, options, balance, false, tried);
                    }
                    return Future.failedFuture(e);
                }
                holders.remove(service);
                if (!retry) return Future.failedFuture(lost);
                Set<String> tried = new LinkedHashSet<>(excluded);
                tried.add(node);
                return attempt(service, body, options, balance, false, tried)
                        .recover(again -> Future.failedFuture(
                                again instanceof ReplicaLost l
                                        ? new ReplicaLost(
                                                l.node(),
                                                lost.getMessage() + "; retried on another replica: " + l.getMessage(),
                                                true)
                                        : again));
            });
        });
    }

    private Future<Message<JsonObject>> send(String service, String node, JsonObject body, DeliveryOptions options) {
        Promise<Message<JsonObject>> promise = Promise.promise();
        Pending pending = new Pending(service, node, promise);
        byNode.computeIfAbsent(node, n -> new HashSet<>()).add(pending);
        inflight.computeIfAbsent(service, s -> new HashMap<>()).merge(node, 1, Integer::sum);
        vertx.eventBus()
                .<JsonObject>request(Addresses.upstreamAt(service, node), body, options)
                .onComplete(ar -> {
                    if (ar.succeeded()) promise.tryComplete(ar.result());
                    else promise.tryFail(ar.cause());
                });
        return promise.future().andThen(ar -> {
            Set<Pending> of = byNode.get(node);
            if (of != null && of.remove(pending) && of.isEmpty()) byNode.remove(node);
            Map<String, Integer> counts = inflight.get(service);
            if (counts != null && counts.merge(node, -1, Integer::sum) <= 0) {
                counts.remove(node);
                if (counts.isEmpty()) inflight.remove(service);
            }
        });
    }

    /** The cluster's members changed: calls in flight to a node that left fail now; holders are looked up again. */
    private void membersChanged() {
        holders.clear();
        Set<String> members = new HashSet<>(manager.getNodes());
        notTaking.values().forEach(down -> down.retainAll(members));
        for (String node : new ArrayList<>(byNode.keySet())) {
            if (members.contains(node)) continue;
            for (Pending p : new ArrayList<>(byNode.getOrDefault(node, Set.of()))) {
                p.promise().tryFail(new ReplicaLost(node, left(node), false));
            }
        }
    }

    /** Whether {@code failure} of a call to {@code node} means the replica went away; the failure to report if so. */
    private ReplicaLost lost(Throwable failure, String node) {
        if (failure instanceof ReplicaLost l) return l;
        if (!manager.getNodes().contains(node)) return new ReplicaLost(node, left(node), false);
        if (failure instanceof ReplyException e) {
            // The upstream's own failures (unavailable, timeout, bad request) and a timeout of a live node are not.
            if (e.failureType() == ReplyFailure.NO_HANDLERS) {
                return new ReplicaLost(node, "its replica on node " + node + " no longer serves it", false);
            }
            if (e.failureType() != ReplyFailure.ERROR) return null;
        }
        return new ReplicaLost(
                node, "the connection to its node " + node + " was lost (" + failure.getMessage() + ")", false);
    }

    private static boolean unavailable(Throwable failure) {
        return failure instanceof ReplyException e
                && e.failureType() == ReplyFailure.RECIPIENT_FAILURE
                && e.failureCode() == Failures.UNAVAILABLE;
    }

    private static String left(String node) {
        return "its node " + node + " left the cluster while the call was in flight";
    }

    private String pick(String service, List<String> holders, Balance balance) {
        Set<String> down = notTaking.getOrDefault(service, Set.of());
        List<String> live = holders.stream().filter(n -> !down.contains(n)).toList();
        // None says it takes calls: any of them, to be answered with why not.
        if (live.isEmpty()) live = holders;
        int turn = turns.merge(service, 1, Integer::sum) & Integer.MAX_VALUE;
        if (balance != Balance.LEAST_INFLIGHT) return live.get(turn % live.size());
        Map<String, Integer> counts = inflight.getOrDefault(service, Map.of());
        String best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < live.size(); i++) {
            String node = live.get((turn + i) % live.size());
            int n = counts.getOrDefault(node, 0);
            if (n < fewest) {
                fewest = n;
                best = node;
            }
        }
        return best;
    }

    /** The member nodes holding {@code service}, sorted; cached for {@link #HOLDERS_TTL_MS}. */
    private Future<List<String>> holders(String service) {
        Holders known = holders.get(service);
        long now = System.currentTimeMillis();
        if (known != null && known.until() > now) return Future.succeededFuture(known.nodes());
        Promise<List<RegistrationInfo>> found = Promise.promise();
        // The cluster manager answers on a worker thread: back onto this router's event loop.
        manager.getRegistrations(
                Addresses.upstream(service),
                (list, failure) -> context.runOnContext(v -> {
                    if (failure != null) found.fail(failure);
                    else found.complete(list);
                }));
        return found.future().map(list -> {
            Set<String> members = new HashSet<>(manager.getNodes());
            Set<String> nodes = new TreeSet<>();
            for (RegistrationInfo r : list) {
                if (!r.localOnly() && members.contains(r.nodeId())) nodes.add(r.nodeId());
            }
            List<String> out = List.copyOf(nodes);
            holders.put(service, new Holders(out, System.currentTimeMillis() + HOLDERS_TTL_MS));
            return out;
        });
    }
}
