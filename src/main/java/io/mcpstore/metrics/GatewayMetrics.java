package io.mcpstore.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's own meters, on the Micrometer registry Vert.x reports to. Meters are thread-safe by design, so the
 * router instances and the notifier of one gateway share one {@code GatewayMetrics}.
 */
public final class GatewayMetrics {
    private static final Map<String, GatewayMetrics> BY_REGISTRY = new ConcurrentHashMap<>();
    private static final List<String> STATES =
            List.of("connecting", "ready", "degraded", "reconnecting", "failed", "stopped");

    private final MeterRegistry registry;
    private final Map<String, String> upstreamStates = new ConcurrentHashMap<>();
    /** Meters by their tags: building a meter id and looking it up on every call costs more than the record. */
    private final Map<List<String>, Counter> calls = new ConcurrentHashMap<>();

    private final Map<List<String>, Timer> durations = new ConcurrentHashMap<>();

    private GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of the gateway whose Vert.x metrics use the registry named {@code registryName}. */
    public static GatewayMetrics of(String registryName) {
        String key = registryName == null ? "default" : registryName;
        return BY_REGISTRY.computeIfAbsent(key, k -> {
            MeterRegistry r = BackendRegistries.getNow(k);
            return new GatewayMetrics(r == null ? new SimpleMeterRegistry() : r);
        });
    }

    /** Forgets the meters of a gateway that has stopped. */
    public static void release(String registryName) {
        if (registryName != null) BY_REGISTRY.remove(registryName);
    }

    /** The Prometheus registry to scrape, or {@code null} when Vert.x runs without Prometheus metrics. */
    public PrometheusMeterRegistry prometheus() {
        return registry instanceof PrometheusMeterRegistry p ? p : null;
    }

    public void toolCall(String service, String tool, String outcome, long nanos) {
        calls.computeIfAbsent(
                        List.of(service, tool, outcome),
                        k -> Counter.builder("mcpstore.tool.calls")
                                .description("tools/call requests by service, tool and outcome")
                                .tags("service", service, "tool", tool, "outcome", outcome)
                                .register(registry))
                .increment();
        durations
                .computeIfAbsent(
                        List.of(service, outcome),
                        k -> Timer.builder("mcpstore.tool.call.duration")
                                .description("tools/call latency through the gateway")
                                .tags("service", service, "outcome", outcome)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofMinutes(5))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The calls counted so far per service, {@code [calls, errors]} (an error is any outcome but {@code ok}): the
     * console's metrics tick turns two readings into rates.
     */
    public Map<String, long[]> callTotals() {
        Map<String, long[]> totals = new java.util.TreeMap<>();
        calls.forEach((tags, counter) -> {
            long[] t = totals.computeIfAbsent(tags.get(0), k -> new long[2]);
            long n = (long) counter.count();
            t[0] += n;
            if (!"ok".equals(tags.get(2))) t[1] += n;
        });
        return totals;
    }

    public void openSessions(Supplier<Number> count) {
        Gauge.builder("mcpstore.sessions.open", count)
                .description("open MCP client sessions")
                .register(registry);
    }

    /** One gauge per service and state, 1 for the state the service is in and 0 for the others. */
    public void upstreamState(String service, String state) {
        if (upstreamStates.put(service, state) == null) {
            for (String s : STATES) {
                Gauge.builder("mcpstore.upstream.state", () -> s.equals(upstreamStates.get(service)) ? 1 : 0)
                        .description("1 when the upstream service is in this state")
                        .tags("service", service, "state", s)
                        .register(registry);
            }
        }
    }

    /** A console event stream dropped because its client read slower than events arrived. */
    public void eventStreamDropped() {
        Counter.builder("mcpstore.events.dropped")
                .description("admin event streams dropped because the client read too slowly")
                .register(registry)
                .increment();
    }
}
