package io.mcpstore.cluster;

import io.mcpstore.config.ServicePlacement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Which node runs which service. Alone, every service runs here. In a cluster a service of {@code replicas: N} has N
 * slots, each a cluster-wide lock ({@code vertx.sharedData()}, Hazelcast's): the node holding a slot's lock runs one
 * upstream for it, and Hazelcast frees the locks of a node that leaves, so a survivor claims them. Which node tries
 * first is a rendezvous hash of the service over the members, so services spread; any fitting node may claim a slot
 * that nobody holds. Owned by one ServiceManager; not thread-safe.
 */
public final class Placement {
    /** How long one try of a slot's lock waits: a held lock is someone else's, not worth waiting for. */
    private static final long TRY_MS = 10;

    private static final String LOCK_PREFIX = "mcpstore.placement.";

    private final Vertx vertx;
    private final HazelcastClusterManager manager;
    private final List<String> labels;
    private final Map<String, Claim> claims = new HashMap<>();

    private record Claim(int slot, Lock lock) {}

    private Placement(Vertx vertx, HazelcastClusterManager manager, List<String> labels) {
        this.vertx = vertx;
        this.manager = manager;
        this.labels = List.copyOf(labels);
    }

    /** Every service here: the gateway is not clustered. */
    public static Placement local() {
        return new Placement(null, null, List.of());
    }

    /** Cluster-wide placement for a Vert.x joined by {@link ClusterNode}, this node offering {@code labels}. */
    public static Placement of(Vertx vertx, List<String> labels) {
        HazelcastClusterManager manager = ClusterNode.manager(vertx);
        return manager == null ? local() : new Placement(vertx, manager, labels);
    }

    public boolean clustered() {
        return manager != null;
    }

    /** Whether this node may run the service at all (it has the labels the service asks for). */
    public boolean fits(ServicePlacement p) {
        return !clustered() || p.fits(labels);
    }

    /** Whether this node is among the first {@code replicas} nodes to try the service (the rendezvous order). */
    public boolean preferred(String service, int replicas) {
        if (!clustered()) return true;
        String me = manager.getNodeId();
        List<String> nodes = new ArrayList<>(manager.getNodes());
        if (!nodes.contains(me)) nodes.add(me);
        nodes.sort(Comparator.comparingLong((String n) -> score(service, n))
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        return nodes.indexOf(me) < replicas;
    }

    /** The slot this node holds for {@code service}, or -1. */
    public int slot(String service) {
        Claim c = claims.get(service);
        return c == null ? -1 : c.slot();
    }

    /**
     * Tries the free slots of {@code service} in order; the slot claimed (and then held until {@link #release}), or
     * -1 when every slot is held elsewhere.
     */
    public Future<Integer> claim(String service, int replicas) {
        Claim held = claims.get(service);
        if (held != null) return Future.succeededFuture(held.slot());
        if (!clustered()) {
            claims.put(service, new Claim(0, null));
            return Future.succeededFuture(0);
        }
        return tryFrom(service, 0, replicas);
    }

    private Future<Integer> tryFrom(String service, int slot, int replicas) {
        if (slot >= replicas) return Future.succeededFuture(-1);
        return vertx.sharedData()
                .getLockWithTimeout(LOCK_PREFIX + service + "#" + slot, TRY_MS)
                .map(lock -> {
                    claims.put(service, new Claim(slot, lock));
                    return slot;
                })
                .recover(e -> tryFrom(service, slot + 1, replicas));
    }

    /** Gives up this node's slot of {@code service}, so another node may claim it. */
    public void release(String service) {
        Claim c = claims.remove(service);
        if (c != null && c.lock() != null) c.lock().release();
    }

    /** The services this node holds a slot of. */
    public List<String> claimed() {
        return List.copyOf(claims.keySet());
    }

    public void releaseAll() {
        List.copyOf(claims.keySet()).forEach(this::release);
    }

    private static long score(String service, String node) {
        CRC32 crc = new CRC32();
        crc.update((service + "\u0000" + node).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
