package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /events}: what the console shows live, as a {@code text/event-stream} fed from the event bus — {@code
 * state} (an upstream's state transition, as published), {@code catalog} (a service's catalog, summarised to counts),
 * {@code config} (a new revision: its number only, never the document) and {@code metrics} (calls and errors per
 * service, their rates, and p50/p99 latency over the last minute per service and per tool, every {@link #TICK_MS}
 * ms). A comment line every {@link #HEARTBEAT_MS} ms keeps proxies
 * from closing an idle stream. A client that reads slower than events arrive is dropped once {@link #MAX_QUEUED_BYTES}
 * wait in its write queue (the page reconnects); the stream ends when the bearer token it was opened with expires.
 */
final class EventsApi {
    static final long TICK_MS = 2000;
    static final long HEARTBEAT_MS = 15000;
    static final int MAX_QUEUED_BYTES = 256 * 1024;

    private final Vertx vertx;
    private final GatewayMetrics metrics;

    EventsApi(Vertx vertx, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    void stream(RoutingContext ctx) {
        Resource.principal(ctx); // the gate has checked READ; fail loudly if the route table lost the rule
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no")
                .setWriteQueueMaxSize(MAX_QUEUED_BYTES);
        new Connection(response, expiresAt(ctx)).open();
    }

    /** The {@code exp} of the bearer JWT the stream was opened with, or null (an API key, or security off). */
    private static Instant expiresAt(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String exp = AuthApi.expiresAt(header.substring(7).trim());
        return exp == null ? null : Instant.parse(exp);
    }

    /** One client's stream: its consumers and timers, all released when it closes for whatever reason. */
    private final class Connection {
        private final HttpServerResponse response;
        private final Instant expires;
        private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
        private final List<Long> timers = new ArrayList<>();
        private Map<String, long[]> last;
        private long lastAt;
        private boolean closed;

        Connection(HttpServerResponse response, Instant expires) {
            this.response = response;
            this.expires = expires;
        }

        void open() {
            response.closeHandler(v -> release());
            response.exceptionHandler(e -> release());
            var bus = vertx.eventBus();
            consumers.add(bus.consumer(Addresses.UPSTREAM_STATE, m -> send("state", m.body())));
            consumers.add(bus.consumer(Addresses.CATALOG_CHANGED, m -> send("catalog", catalogSummary(m.body()))));
            consumers.add(bus.consumer(
                    Addresses.CONFIG_CHANGED,
                    m -> send(
                            "config", new JsonObject().put("revision", m.body().getLong("revision")))));
            timers.add(vertx.setPeriodic(TICK_MS, id -> tick()));
            timers.add(vertx.setPeriodic(HEARTBEAT_MS, id -> write(": heartbeat\n\n")));
            if (expires != null) {
                long ms = Math.max(1, expires.toEpochMilli() - System.currentTimeMillis());
                timers.add(vertx.setTimer(ms, id -> {
                    send("expired", new JsonObject().put("detail", "the sign-in has expired"));
                    end();
                }));
            }
            // The first bytes go out at once, so the client knows the stream is open; the first tick sets the base.
            write("retry: 3000\n: open\n\n");
            tick();
        }

        private void tick() {
            Map<String, long[]> now = metrics.callTotals();
            long at = System.currentTimeMillis();
            JsonObject services = new JsonObject();
            double seconds = last == null ? 0 : Math.max(0.001, (at - lastAt) / 1000.0);
            now.forEach((service, t) -> {
                long[] before = last == null ? null : last.get(service);
                long calls = before == null ? t[0] : t[0] - before[0];
                long errors = before == null ? t[1] : t[1] - before[1];
                JsonObject s = new JsonObject().put("calls", t[0]).put("errors", t[1]);
                if (last != null) {
                    s.put("callsPerSecond", round(calls / seconds)).put("errorsPerSecond", round(errors / seconds));
                }
                services.put(service, s);
            });
            // Live latency: p50/p99 over the last minute per service, and per tool (bounded per service).
            metrics.serviceLatencies().forEach((service, l) -> {
                JsonObject s = services.getJsonObject(service);
                if (s == null) services.put(service, s = new JsonObject());
                s.put("p50Ms", round(l.p50Ms())).put("p99Ms", round(l.p99Ms()));
            });
            metrics.toolLatencies().forEach((service, tools) -> {
                JsonObject s = services.getJsonObject(service);
                if (s == null) services.put(service, s = new JsonObject());
                JsonObject byTool = new JsonObject();
                tools.forEach((tool, l) -> byTool.put(
                        tool,
                        new JsonObject()
                                .put("calls", l.count())
                                .put("p50Ms", round(l.p50Ms()))
                                .put("p99Ms", round(l.p99Ms()))));
                s.put("tools", byTool);
            });
            last = new HashMap<>(now);
            lastAt = at;
            send(
                    "metrics",
                    new JsonObject()
                            .put("at", Instant.ofEpochMilli(at).toString())
                            .put("services", services));
        }

        private void send(String event, JsonObject data) {
            write("event: " + event + "\ndata: " + data.encode() + "\n\n");
        }

        private void write(String text) {
            if (closed) return;
            if (response.writeQueueFull()) {
                // The client cannot keep up: drop it rather than hold an unbounded backlog; it reconnects.
                response.reset();
                metrics.eventStreamDropped();
                release();
                return;
            }
            response.write(text);
        }

        private void end() {
            if (!closed) response.end();
            release();
        }

        private void release() {
            if (closed) return;
            closed = true;
            consumers.forEach(MessageConsumer::unregister);
            timers.forEach(vertx::cancelTimer);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A catalog change without the lists: the console needs the counts and the state, not every schema. */
    static JsonObject catalogSummary(JsonObject catalog) {
        JsonObject out =
                new JsonObject().put("service", catalog.getString("service")).put("state", catalog.getString("state"));
        if (catalog.getValue("error") != null) out.put("error", catalog.getValue("error"));
        for (String list : List.of("tools", "resources", "prompts")) {
            Object v = catalog.getValue(list);
            out.put(list, v instanceof JsonArray a ? a.size() : 0);
        }
        return out;
    }
}
