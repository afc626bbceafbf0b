package io.mcpstore.router;

import io.mcpstore.admin.AdminApi;
import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.catalog.ServiceSummary;
import io.mcpstore.config.AppConfig;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The front door, one instance per core sharing the HTTP port: MCP endpoints (Streamable HTTP and legacy SSE, for
 * the gateway and for every app), health, metrics, the console. Owns its sessions' streams and a read-only copy of
 * the catalog, kept current from {@code mcpstore.catalog.changed}.
 */
public final class RouterVerticle extends VerticleBase {
    private static final long KEEP_ALIVE_MS = 25_000;
    private static final long STORE_STATUS_MS = 2_000;
    /** {@code /research/mcp} → prefix {@code /research}, transport path {@code mcp}. */
    private static final String MCP_PATHS = "^(.*)/(mcp|sse|message)$";

    private McpDispatcher dispatcher;
    private Sessions sessions;
    private SessionStreams streams;
    private CallRelay relay;
    private RequestGuard guard;
    private StreamableHttpHandler streamable;
    private LegacySseHandler legacy;
    private Map<String, Endpoint> endpoints = Map.of();
    private HttpServer server;
    private AdminApi admin;
    private long keepAliveTimer;
    private final int instance;

    /** @param instance this instance's number among the router instances (0 logs what all of them would) */
    public RouterVerticle(int instance) {
        this.instance = instance;
    }

    /** The port this instance listens on (useful when configured with port 0). */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public Future<?> start() {
        JsonObject conf = config();
        GatewayConfig gateway = GatewayConfig.fromJson(conf.getJsonObject("gateway"));
        GatewayMetrics metrics = GatewayMetrics.of(conf.getString("metricsRegistry"));
        // Names this instance on the bus and in the ids it hands out; no '-' in it (ids are split on it).
        String tag = Integer.toString(instance, 36)
                + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36);

        sessions = new Sessions(vertx);
        dispatcher =
                new McpDispatcher(vertx, sessions, gateway, metrics, instance == 0, conf.getString("version", "dev"));
        StreamRegistry registry = new StreamRegistry(vertx, tag);
        relay = new CallRelay(vertx, tag, registry);
        streams = new SessionStreams(vertx, relay, sessions);
        guard = new RequestGuard(gateway.http());
        RouterParts parts = new RouterParts(dispatcher, sessions, streams, relay, registry);
        streamable = new StreamableHttpHandler(parts);
        legacy = new LegacySseHandler(parts);
        endpoints = endpoints(gateway);
        if (instance == 0) metrics.openSessions(sessions::size);

        var bus = vertx.eventBus();
        var catalog = bus.<JsonObject>consumer(
                Addresses.CATALOG_CHANGED, m -> dispatcher.catalog(ServiceCatalog.fromJson(m.body())));
        var config = bus.<JsonObject>consumer(Addresses.CONFIG_CHANGED, m -> reconfigure(m.body()));
        var notify = bus.<JsonObject>consumer(Addresses.SESSIONS_NOTIFY, m -> streams.notify(m.body(), endpoints::get));
        keepAliveTimer = vertx.setPeriodic(KEEP_ALIVE_MS, id -> streams.keepAlive());

        GatewayConfig.Http http = gateway.http();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                .setCompressionSupported(false)
                .setTcpNoDelay(true);
        return Future.all(catalog.completion(), config.completion(), notify.completion(), relay.start())
                .compose(v -> AdminApi.create(vertx, gateway, dispatcher::catalog))
                .onSuccess(api -> admin = api)
                .compose(v -> vertx.createHttpServer(options)
                        .requestHandler(routes(http, metrics))
                        .listen())
                .onSuccess(s -> {
                    server = s;
                    // Upstreams that were ready before this instance started publish their catalog again.
                    bus.publish(Addresses.CATALOG_REFRESH, new JsonObject());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(keepAliveTimer);
        streams.closeAll();
        return admin == null ? Future.succeededFuture() : admin.close();
    }

    private Router routes(GatewayConfig.Http http, GatewayMetrics metrics) {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> HttpReplies.json(ctx, 200, new JsonObject().put("status", "live")));
        router.get("/health/ready").handler(this::ready);
        if (metrics.prometheus() != null) {
            router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.prometheus()));
        }
        router.route("/api/*").handler(this::guard);
        router.route("/api/v1/*").subRouter(admin.router());

        router.routeWithRegex(MCP_PATHS).handler(this::guard);
        router.routeWithRegex(HttpMethod.POST, MCP_PATHS)
                .handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()));
        router.routeWithRegex(MCP_PATHS).handler(this::mcp);
        router.errorHandler(
                413,
                ctx -> HttpReplies.error(
                        ctx, 413, "Payload Too Large: the body exceeds " + http.maxBodyBytes() + " bytes"));

        router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        return router;
    }

    private void guard(RoutingContext ctx) {
        String refusal = guard.refusal(ctx.request());
        if (refusal != null) {
            HttpReplies.error(ctx, 403, "Forbidden: " + refusal);
        } else {
            ctx.next();
        }
    }

    /** Every MCP path of every endpoint: the prefix picks the endpoint, the last segment the transport. */
    private void mcp(RoutingContext ctx) {
        Endpoint endpoint = endpoints.get(ctx.pathParam("param0"));
        if (endpoint == null) {
            ctx.next();
            return;
        }
        HttpMethod method = ctx.request().method();
        switch (ctx.pathParam("param1")) {
            case "mcp" -> {
                if (method == HttpMethod.POST) streamable.post(ctx, endpoint);
                else if (method == HttpMethod.GET) streamable.get(ctx, endpoint);
                else if (method == HttpMethod.DELETE) streamable.delete(ctx, endpoint);
                else notAllowed(ctx, "GET, POST, DELETE");
            }
            case "sse" -> {
                if (method == HttpMethod.GET) legacy.open(ctx, endpoint);
                else notAllowed(ctx, "GET");
            }
            default -> {
                if (method == HttpMethod.POST) legacy.post(ctx, endpoint);
                else notAllowed(ctx, "POST");
            }
        }
    }

    private static void notAllowed(RoutingContext ctx, String allow) {
        ctx.response().putHeader("Allow", allow);
        HttpReplies.error(ctx, 405, "Method Not Allowed");
    }

    /** 200 when every service is ready, degraded (connected) or disabled, else 503; always each one's state. */
    private void ready(RoutingContext ctx) {
        JsonArray services = serviceStates();
        boolean ready = services.stream()
                .map(JsonObject.class::cast)
                .allMatch(s -> "ready".equals(s.getString("state"))
                        || "degraded".equals(s.getString("state"))
                        || "disabled".equals(s.getString("state")));
        // The config store's state too: while it is down the last good config is served.
        vertx.eventBus()
                .<JsonObject>request(
                        Addresses.CONFIG_STATUS,
                        new JsonObject(),
                        new DeliveryOptions().setSendTimeout(STORE_STATUS_MS))
                .map(Message::body)
                .otherwise(e -> new JsonObject().put("state", "down").put("error", e.getMessage()))
                .onComplete(ar -> {
                    JsonObject body = new JsonObject()
                            .put("status", ready ? "ready" : "not ready")
                            .put("store", ar.result())
                            .put("services", services);
                    HttpReplies.json(ctx, ready ? 200 : 503, body);
                });
    }

    /** From this router's own config, which it has from start (the admin API's arrives over the bus later). */
    private JsonArray serviceStates() {
        JsonArray out = new JsonArray();
        dispatcher
                .config()
                .services()
                .forEach((name, sc) ->
                        out.add(ServiceSummary.of(name, sc, dispatcher.catalog().service(name))));
        return out;
    }

    private void reconfigure(JsonObject change) {
        GatewayConfig next = GatewayConfig.fromJson(change.getJsonObject("config"));
        dispatcher.config(next);
        Map<String, Endpoint> before = endpoints;
        endpoints = endpoints(next);
        // A service an endpoint no longer shows can no longer reach its sessions through its own last catalog: tell
        // them here that their lists changed.
        before.forEach((prefix, old) -> {
            Endpoint now = endpoints.get(prefix);
            List<String> gone = old.services().stream()
                    .filter(s -> now == null || !now.services().contains(s))
                    .toList();
            if (gone.isEmpty()) return;
            for (String method : List.of(
                    McpMethods.NOTIFICATIONS_TOOLS_LIST_CHANGED,
                    McpMethods.NOTIFICATIONS_RESOURCES_LIST_CHANGED,
                    McpMethods.NOTIFICATIONS_PROMPTS_LIST_CHANGED)) {
                JsonObject notice = new JsonObject()
                        .put("services", new JsonArray(new ArrayList<>(gone)))
                        .put("message", JsonRpc.notification(method, null));
                streams.notify(notice, p -> p.equals(prefix) ? old : null);
            }
        });
    }

    private static Map<String, Endpoint> endpoints(GatewayConfig config) {
        Map<String, Endpoint> out = new HashMap<>();
        out.put("", new Endpoint("", null, new ArrayList<>(config.services().keySet())));
        for (AppConfig app : config.apps().values()) {
            out.put(app.prefix(), new Endpoint(app.prefix(), app.name(), List.copyOf(app.services())));
        }
        return out;
    }
}
