package io.mcpstore.security;

import com.hazelcast.config.Config;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import io.mcpstore.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate-limit buckets of a cluster: Bucket4j's Hazelcast buckets in one map of the cluster manager's Hazelcast, so
 * that a limit of N a minute is N for the whole cluster. A token is taken by an entry processor on the member that
 * owns the bucket's key (one network round trip, no lock); every node has the Bucket4j classes, so no user code is
 * deployed to members, only Bucket4j's serializers registered ({@link #configure}). A bucket left unused until it would
 * be full again expires from the map, so that many keys do not grow it without bound.
 */
public final class ClusterBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBuckets.class);
    private static final String MAP = "mcpstore.rateLimits";
    /** The first of the Hazelcast type ids of Bucket4j's serializers (it takes a few after it). */
    private static final int TYPE_ID_BASE = 7_100;

    private final Vertx vertx;
    private final AsyncProxyManager<String> buckets;

    private ClusterBuckets(Vertx vertx, HazelcastClusterManager manager) {
        this.vertx = vertx;
        this.buckets = Bucket4jHazelcast.<String>entryProcessorBasedBuilder(
                        manager.getHazelcastInstance().getMap(MAP))
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
                .build()
                .asAsync();
    }

    /** The cluster's buckets for a Vert.x joined by {@link ClusterNode}; null when it is not clustered. */
    static ClusterBuckets of(Vertx vertx) {
        HazelcastClusterManager manager = ClusterNode.manager(vertx);
        return manager == null ? null : new ClusterBuckets(vertx, manager);
    }

    /**
     * Registers Bucket4j's serializers for its entry processors in a member's config (before the member starts); every
     * member of a cluster does it with the same ids, or a member cannot read what another sent.
     */
    public static void configure(Config config) {
        HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), TYPE_ID_BASE);
    }

    /**
     * Takes a token from the cluster's bucket {@code key} of size {@code config}: 0, or the seconds to wait. Answers on
     * the caller's context. When the cluster cannot answer, the call is let through (and logged): a limiter outage
     * must not stop every call.
     */
    Future<Long> take(String key, SecurityConfig.Bucket config) {
        BucketConfiguration size = BucketConfiguration.builder()
                .addLimit(RateLimiter.limit(config))
                .build();
        return Future.fromCompletionStage(
                        buckets.builder().build(key, size).tryConsumeAndReturnRemaining(1), vertx.getOrCreateContext())
                .map(RateLimiter::waitOf)
                .otherwise(e -> {
                    LOG.warn(
                            "Rate limit '{}': the cluster's bucket did not answer ({}); the call goes through",
                            key,
                            e.toString());
                    return 0L;
                });
    }
}
