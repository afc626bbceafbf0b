package io.mcpstore.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
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

    /** Tools per service that get their own latency timer; the calls of any further tool share {@link #OTHER}. */
    public static final int TOOLS_PER_SERVICE = 100;

    /** The tool tag of the calls beyond {@link #TOOLS_PER_SERVICE} distinct tools of one service. */
    public static final String OTHER = "_other";

    /** How far back the live percentiles look: a decaying window, rotated in thirds. */
    static final Duration LATENCY_WINDOW = Duration.ofMinutes(1);

    private final Map<String, Timer> serviceLatency = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Timer>> toolLatency = new ConcurrentHashMap<>();

    /** A live latency reading: the median and the 99th percentile over the last minute, and the calls counted. */
    public record Latency(double p50Ms, double p99Ms, long count) {}

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
        serviceLatency
                .computeIfAbsent(service, k -> latencyTimer("mcpstore.service.call.latency", "service", service))
                .record(nanos, TimeUnit.NANOSECONDS);
        Map<String, Timer> tools = toolLatency.computeIfAbsent(service, k -> new ConcurrentHashMap<>());
        Timer timer = tools.get(tool);
        if (timer == null) {
            // Bounded: a service that names ever new tools cannot grow the registry past TOOLS_PER_SERVICE + 1.
            String tag = tools.size() < TOOLS_PER_SERVICE ? tool : OTHER;
            timer = tools.computeIfAbsent(
                    tag, k -> latencyTimer("mcpstore.tool.call.latency", "service", service, "tool", tag));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A timer with client-side p50/p99 over {@link #LATENCY_WINDOW} (two gauges in Prometheus, not a histogram). */
    private Timer latencyTimer(String name, String... tags) {
        return Timer.builder(name)
                .description("tools/call latency through the gateway, live percentiles over the last minute")
                .tags(tags)
                .publishPercentiles(0.5, 0.99)
                .percentilePrecision(2)
                .distributionStatisticExpiry(LATENCY_WINDOW)
                .distributionStatisticBufferLength(3)
                .register(registry);
    }

    /** p50/p99 per service over the last minute (a service with no call in that window reads 0). */
    public Map<String, Latency> serviceLatencies() {
        Map<String, Latency> out = new java.util.TreeMap<>();
        serviceLatency.forEach((service, timer) -> out.put(service, latency(timer)));
        return out;
    }

    /** p50/p99 per service and tool over the last minute; the tools past the bound are under {@link #OTHER}. */
    public Map<String, Map<String, Latency>> toolLatencies() {
        Map<String, Map<String, Latency>> out = new java.util.TreeMap<>();
        toolLatency.forEach((service, tools) -> {
            Map<String, Latency> t = new java.util.TreeMap<>();
            tools.forEach((tool, timer) -> t.put(tool, latency(timer)));
            out.put(service, t);
        });
        return out;
    }

    private static Latency latency(Timer timer) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        double p50 = 0, p99 = 0;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            if (v.percentile() == 0.5) p50 = v.value(TimeUnit.MILLISECONDS);
            else if (v.percentile() == 0.99) p99 = v.value(TimeUnit.MILLISECONDS);
        }
        return new Latency(p50, p99, snapshot.count());
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
