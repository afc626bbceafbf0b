package io.mcpstore.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The token buckets of {@code security.rateLimits}: one per principal subject ({@code perKey}) and one per tool name
 * for the tools a {@code perTool} pattern matches (the first matching pattern gives the bucket's size). Alone, buckets
 * are Bucket4j local buckets made on first use and held in bounded Caffeine caches, so that neither many subjects nor
 * many tool names can grow them without bound; a bucket dropped after standing unused long enough to refill is full
 * anyway. In a cluster they are Bucket4j's Hazelcast buckets ({@link ClusterBuckets}), one per key for the whole
 * cluster. Thread-safe: one limiter serves every router instance of a node (see {@link #shared}).
 */
public final class RateLimiter {
    /** Buckets kept per cache; beyond it the least recently used go. */
    static final long MAX_BUCKETS = 100_000;

    /** No limits at all. */
    public static final RateLimiter NONE = new RateLimiter(SecurityConfig.RateLimits.NONE);

    private static final String SHARED = "mcpstore.rateLimiter";

    private record Rule(ToolPatterns pattern, SecurityConfig.Bucket bucket) {}

    private record Shared(RateLimiter limiter) implements Shareable {}

    private final SecurityConfig.Bucket perKey;
    private final List<Rule> perTool = new ArrayList<>();
    private final Cache<String, Bucket> keyBuckets;
    private final Cache<String, Bucket> toolBuckets;
    /** The cluster's buckets, or null: this node's own. */
    private final ClusterBuckets cluster;

    public RateLimiter(SecurityConfig.RateLimits limits) {
        this(limits, null);
    }

    RateLimiter(SecurityConfig.RateLimits limits, ClusterBuckets cluster) {
        this.cluster = cluster;
        this.perKey = limits.perKey();
        long idleMs = perKey == null ? 1_000 : refillMs(perKey);
        for (Map.Entry<String, SecurityConfig.Bucket> e : limits.perTool().entrySet()) {
            perTool.add(new Rule(ToolPatterns.of(List.of(e.getKey())), e.getValue()));
            idleMs = Math.max(idleMs, refillMs(e.getValue()));
        }
        this.keyBuckets = cache(perKey == null ? 1_000 : refillMs(perKey));
        this.toolBuckets = cache(idleMs);
    }

    /**
     * The node's limiter, shared by its router instances (made by the first one that asks); in a cluster its buckets
     * are the cluster's.
     */
    public static RateLimiter shared(Vertx vertx, SecurityConfig.RateLimits limits) {
        LocalMap<String, Shared> map = vertx.sharedData().getLocalMap(SHARED);
        Shared mine = new Shared(new RateLimiter(limits, ClusterBuckets.of(vertx)));
        Shared held = map.putIfAbsent(SHARED, mine);
        return (held == null ? mine : held).limiter();
    }

    /** Whether any limit is configured at all. */
    public boolean limits() {
        return perKey != null || !perTool.isEmpty();
    }

    /** Takes a token from {@code subject}'s bucket: 0 when there was one, else the seconds until there is. */
    public Future<Long> forSubject(String subject) {
        if (perKey == null) return NO_WAIT;
        if (cluster != null) return cluster.take("key:" + subject, perKey);
        return Future.succeededFuture(take(keyBuckets.get(subject, s -> bucket(perKey))));
    }

    /** Takes a token from the bucket of the tool with this public name: 0, or the seconds to wait. */
    public Future<Long> forTool(String tool) {
        if (perTool.isEmpty()) return NO_WAIT;
        SecurityConfig.Bucket config = null;
        for (Rule rule : perTool) {
            if (rule.pattern().allows(tool)) {
                config = rule.bucket();
                break;
            }
        }
        if (config == null) return NO_WAIT;
        if (cluster != null) return cluster.take("tool:" + tool, config);
        SecurityConfig.Bucket size = config;
        return Future.succeededFuture(take(toolBuckets.get(tool, t -> bucket(size))));
    }

    private static final Future<Long> NO_WAIT = Future.succeededFuture(0L);

    private static long take(Bucket bucket) {
        return waitOf(bucket.tryConsumeAndReturnRemaining(1));
    }

    /** 0 when the probe took a token, else the whole seconds until one is there. */
    static long waitOf(ConsumptionProbe probe) {
        if (probe.isConsumed()) return 0;
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    private static Bucket bucket(SecurityConfig.Bucket config) {
        return Bucket.builder().addLimit(limit(config)).build();
    }

    /** One bucket's limit: {@code burst} tokens, refilled one by one at {@code requestsPerSecond}. */
    static Bandwidth limit(SecurityConfig.Bucket config) {
        long nanosPerToken = Math.max(1, Math.round(1_000_000_000d / config.requestsPerSecond()));
        return Bandwidth.builder()
                .capacity(config.burst())
                .refillGreedy(1, Duration.ofNanos(nanosPerToken))
                .build();
    }

    /** How long an empty bucket takes to fill up again. */
    static long refillMs(SecurityConfig.Bucket config) {
        return (long) Math.ceil(config.burst() * 1000d / config.requestsPerSecond());
    }

    private static Cache<String, Bucket> cache(long idleMs) {
        return Caffeine.newBuilder()
                .maximumSize(MAX_BUCKETS)
                .expireAfterAccess(Duration.ofMillis(Math.max(1_000, idleMs)))
                .build();
    }
}
