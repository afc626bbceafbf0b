package io.mcpstore.router;

import io.mcpstore.admin.AdminApi;
import io.mcpstore.bus.Addresses;
import io.mcpstore.bus.AsIsJsonCodec;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.catalog.ServiceSummary;
import io.mcpstore.cluster.ClusterHealth;
import io.mcpstore.config.AppConfig;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.security.AuditTrail;
import io.mcpstore.security.AuthFailure;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Authenticator;
import io.mcpstore.security.Authenticators;
import io.mcpstore.security.Permission;
import io.mcpstore.security.Principal;
import io.mcpstore.security.RateLimited;
import io.mcpstore.security.RateLimiter;
import io.mcpstore.security.SecurityConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door, one instance per core sharing the HTTP port: MCP endpoints (Streamable HTTP and legacy SSE, for
 * the gateway and for every app), health, metrics, the console. Owns its sessions' streams and a read-only copy of
 * the catalog, kept current from {@code mcpstore.catalog.changed}.
 */
public final class RouterVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(RouterVerticle.class);
    private static final long KEEP_ALIVE_MS = 25_000;
    private static final long STORE_STATUS_MS = 2_000;
    /** The last segment of an endpoint's MCP paths: {@code /research/mcp} is the Streamable HTTP path of app /research. */
    private static final List<String> TRANSPORT_PATHS = List.of("mcp", "sse", "message");

    /** One MCP path: the endpoint it belongs to and its transport path ({@code mcp}, {@code sse} or {@code message}). */
    private record McpPath(Endpoint endpoint, String transport) {}

    private McpDispatcher dispatcher;
    private SessionStore sessions;
    private SessionStreams streams;
    private ListenStreams listens;
    private RequestStates states;
    private SessionOwner owners;
    private CallRelay relay;
    private RequestGuard guard;
    private StreamableHttpHandler streamable;
    private LegacySseHandler legacy;
    private Map<String, Endpoint> endpoints = Map.of();
    /** Every endpoint's MCP paths, matched exactly and first, ahead of the router, so calls skip Vert.x Web. */
    private Map<String, McpPath> mcpPaths = Map.of();

    private Router router;
    private long maxBodyBytes;
    private HttpServer server;
    private AdminApi admin;
    private Authenticator authenticator;
    /** The one place that authenticates: every MCP path, health details, metrics (and the admin API's routes). */
    private AuthGate gate;

    private long keepAliveTimer;
    /** The node's one expiry sweep, run by instance 0; -1 on the others. */
    private long sweepTimer = -1;

    private ConnectionTimeouts timeouts;
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

        AsIsJsonCodec.register(vertx.eventBus());
        sessions = SessionStore.shared(vertx, gateway.sessions());
        dispatcher =
                new McpDispatcher(vertx, sessions, gateway, metrics, instance == 0, conf.getString("version", "dev"));
        StreamRegistry registry = new StreamRegistry(vertx, tag);
        relay = new CallRelay(vertx, tag, registry);
        streams = new SessionStreams(vertx, relay, sessions);
        guard = new RequestGuard(gateway.http(), instance == 0);
        RouterParts parts = new RouterParts(vertx, dispatcher, sessions, streams, relay, registry);
        listens = new ListenStreams(vertx, dispatcher, registry, tag);
        owners = new SessionOwner(parts, tag, prefix -> endpoints.get(prefix), instance == 0);
        streamable = new StreamableHttpHandler(parts, new StatelessHandler(parts, listens), owners);
        states = new RequestStates(vertx, gateway.security().jwtKey());
        dispatcher.states(states);
        legacy = new LegacySseHandler(parts);
        endpoints(gateway);
        maxBodyBytes = gateway.http().maxBodyBytes();
        if (instance == 0) metrics.openSessions(sessions::size);

        var bus = vertx.eventBus();
        SecurityConfig security = gateway.security();
        RateLimiter limiter = security.enabled() ? RateLimiter.shared(vertx, security.rateLimits()) : RateLimiter.NONE;
        var catalog = bus.<JsonObject>consumer(
                Addresses.CATALOG_CHANGED, m -> dispatcher.catalog(ServiceCatalog.fromJson(m.body())));
        var config = bus.<JsonObject>consumer(Addresses.CONFIG_CHANGED, m -> reconfigure(m.body()));
        var notify = bus.<JsonObject>consumer(Addresses.SESSIONS_NOTIFY, m -> {
            streams.notify(m.body(), endpoints::get);
            listens.notify(m.body(), endpoints::get);
        });
        keepAliveTimer = vertx.setPeriodic(KEEP_ALIVE_MS, id -> {
            streams.keepAlive();
            listens.keepAlive();
        });
        if (instance == 0 && gateway.sessions().idleTimeoutMs() > 0) {
            sweepTimer = vertx.setPeriodic(sessions.sweepPeriodMs(), id -> expire());
        }

        GatewayConfig.Http http = gateway.http();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(http.port())
                .setCompressionSupported(false)
                // HTTP/1.1 only in cleartext: with h2c, Vert.x makes a connection known only once it has chosen the
                // protocol, and one that sends half a request line would never be watched by ConnectionTimeouts.
                .setHttp2ClearTextEnabled(false)
                .setTcpNoDelay(true);
        timeouts = new ConnectionTimeouts(vertx, http.requestTimeoutMs(), http.idleTimeoutMs());
        return Future.all(
                        catalog.completion(),
                        config.completion(),
                        notify.completion(),
                        relay.start(),
                        states.start(),
                        owners.start())
                .compose(v -> Authenticators.start(vertx, security))
                .compose(a -> {
                    authenticator = a;
                    gate = new AuthGate(a, security, limiter, new AuditTrail(vertx));
                    // Tool calls are audited when there is someone to tell apart; with security off all is as before.
                    dispatcher.security(limiter, security.enabled() ? gate.audit() : AuditTrail.NONE);
                    return AdminApi.create(vertx, gateway, dispatcher::catalog, gate, a, metrics);
                })
                .onSuccess(api -> admin = api)
                .compose(v -> {
                    router = routes(metrics);
                    return vertx.createHttpServer(options)
                            .connectionHandler(timeouts::connected)
                            .requestHandler(this::handle)
                            .listen();
                })
                .onSuccess(s -> {
                    server = s;
                    // Upstreams that were ready before this instance started publish their catalog again.
                    bus.publish(Addresses.CATALOG_REFRESH, new JsonObject());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(keepAliveTimer);
        if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
        if (timeouts != null) timeouts.close();
        streams.closeAll();
        listens.closeAll();
        Future<Void> auth = authenticator == null ? Future.succeededFuture() : authenticator.close();
        return Future.join(
                auth, admin == null ? Future.succeededFuture() : admin.close(), states.close(), owners.close());
    }

    /** Closes the node's idle sessions: their streams end and their calls are cancelled, wherever they are. */
    private void expire() {
        List<String> expired = sessions.expire();
        if (!expired.isEmpty()) {
            LOG.debug(
                    "closed {} session(s) idle for {} ms",
                    expired.size(),
                    sessions.limits().idleTimeoutMs());
        }
    }

    /** Health, metrics, the admin API and the console; MCP paths never get here (see {@link #handle}). */
    private Router routes(GatewayMetrics metrics) {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> HttpReplies.json(ctx, 200, new JsonObject().put("status", "live")));
        router.get("/health/ready").handler(this::ready);
        router.get(AuthGate.METADATA_PATH).handler(this::resourceMetadata);
        router.get(AuthGate.METADATA_PATH + "/*").handler(this::resourceMetadata);
        if (metrics.prometheus() != null) {
            router.get("/metrics")
                    .handler(gate.admin(ctx -> Permission.READ))
                    .handler(PrometheusScrapingHandler.create(metrics.prometheus()));
        }
        router.route("/api/*").handler(ctx -> {
            RequestGuard.Refusal refusal = guard.refusal(ctx.request());
            if (refusal != null) {
                HttpReplies.error(ctx.response(), refusal.status(), refusal.message());
            } else {
                ctx.next();
            }
        });
        router.route("/api/v1/*").subRouter(admin.router());
        router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
        return router;
    }

    /**
     * Every request: an MCP path of an endpoint is answered here directly (one map lookup, the body read with its
     * limit), everything else goes to the router.
     */
    private void handle(HttpServerRequest request) {
        timeouts.request(request);
        try {
            route(request);
        } catch (RuntimeException e) {
            internalError(request, e);
        }
    }

    /**
     * The last resort behind the one that answers every JSON-RPC request ({@link McpDispatcher#answer}): a handler
     * that threw before it answered must not leave the request open.
     */
    private static void internalError(HttpServerRequest request, RuntimeException e) {
        LOG.error("Internal error while serving {} {}", request.method(), request.path(), e);
        HttpReplies.json(
                request.response(),
                500,
                JsonRpc.error(
                        null,
                        JsonRpc.INTERNAL_ERROR,
                        "Internal error: " + e.getClass().getSimpleName()));
    }

    private void route(HttpServerRequest request) {
        String malformed = RequestGuard.malformedHost(request);
        if (malformed != null) {
            HttpReplies.error(request.response(), 400, "Bad Request: " + malformed);
            return;
        }
        String path = request.path();
        McpPath target = mcpPaths.get(path);
        if (target != null || path.equals("/api") || path.startsWith("/api/")) {
            // (The router guards /api/* once more, after it has normalised the path.)
            RequestGuard.Refusal refusal = guard.refusal(request);
            if (refusal != null) {
                HttpReplies.error(request.response(), refusal.status(), refusal.message());
                return;
            }
        }
        if (target == null) {
            router.handle(request);
            return;
        }
        if (!gate.enabled()) {
            serve(request, target, Principal.ANONYMOUS);
            return;
        }
        // Held while the credential is checked (a cache hit answers at once): nothing of the body is lost.
        request.pause();
        gate.authenticate(request).onComplete(ar -> {
            try {
                if (ar.failed()) refuse(request, target.endpoint(), ar.cause());
                else admit(request, target, ar.result());
            } catch (RuntimeException e) {
                internalError(request, e);
            } finally {
                request.resume();
            }
        });
    }

    /** The endpoint check: MCP access, and the endpoint's app among the principal's; else 403 insufficient_scope. */
    private void admit(HttpServerRequest request, McpPath target, Principal principal) {
        Endpoint endpoint = target.endpoint();
        String refused = null;
        if (!principal.can(Permission.MCP)) {
            refused = "role '" + principal.role().id() + "' of " + principal.subject() + " has no MCP access";
        } else if (!principal.mayUse(endpoint.app())) {
            refused = endpoint.app() == null
                    ? principal.subject() + " may use only the endpoints of the apps " + principal.apps()
                            + ", not the gateway's own " + endpoint.mcpPath()
                    : principal.subject() + " may not use the endpoint of app '" + endpoint.app() + "'";
        }
        if (refused != null) {
            AuthFailure denied = AuthFailure.forbidden(refused);
            gate.audit().refusal(request, principal, denied);
            refuse(request, endpoint, denied);
            return;
        }
        serve(request, target, principal);
    }

    /**
     * A refused MCP request: 401/403 with the {@code WWW-Authenticate} challenge naming the endpoint's RFC 9728
     * document, 429 with {@code Retry-After}; the body a JSON-RPC error as the transports' other refusals.
     */
    private void refuse(HttpServerRequest request, Endpoint endpoint, Throwable failure) {
        HttpServerResponse response = request.response();
        request.handler(chunk -> {});
        gate.headers(response, failure, gate.metadataUrl(request, endpoint.mcpPath()));
        int status = AuthGate.status(failure);
        String message = failure instanceof AuthFailure || failure instanceof RateLimited
                ? failure.getMessage()
                : "the credential could not be verified";
        JsonObject error = new JsonObject();
        if (failure instanceof RateLimited limited) {
            error.put("code", RateLimited.CODE)
                    .put("message", "Rate limit exceeded: " + message)
                    .put("data", new JsonObject().put("retryAfterSeconds", limited.retryAfterSeconds()));
        } else {
            error.put("code", JsonRpc.CONNECTION_CLOSED)
                    .put("message", (status == 403 ? "Forbidden: " : "Unauthorized: ") + message);
        }
        HttpReplies.json(response, status, JsonRpc.error(null, error));
    }

    private void serve(HttpServerRequest request, McpPath target, Principal principal) {
        Endpoint endpoint = target.endpoint();
        HttpMethod method = request.method();
        switch (target.transport()) {
            case "mcp" -> {
                if (method == HttpMethod.POST)
                    withBody(request, body -> streamable.post(request, body, endpoint, principal));
                else if (method == HttpMethod.GET) streamable.get(request, endpoint, principal);
                else if (method == HttpMethod.DELETE) streamable.delete(request, endpoint, principal);
                else notAllowed(request, "GET, POST, DELETE");
            }
            case "sse" -> {
                if (method == HttpMethod.GET) legacy.open(request, endpoint, principal);
                else notAllowed(request, "GET");
            }
            default -> {
                if (method == HttpMethod.POST)
                    withBody(request, body -> legacy.post(request, body, endpoint, principal));
                else notAllowed(request, "POST");
            }
        }
    }

    /** Reads the whole body, refusing one over the limit with 413 (the rest of it is read and dropped). */
    private void withBody(HttpServerRequest request, Handler<Buffer> then) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLength(length) > maxBodyBytes) {
            tooLarge(request);
            request.handler(chunk -> {});
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (request.response().ended()) return;
            if (body.length() + chunk.length() > maxBodyBytes) {
                tooLarge(request);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            if (request.response().ended()) return;
            try {
                then.handle(body);
            } catch (RuntimeException e) {
                internalError(request, e);
            }
        });
    }

    private static long parseLength(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void tooLarge(HttpServerRequest request) {
        HttpReplies.error(request.response(), 413, "Payload Too Large: the body exceeds " + maxBodyBytes + " bytes");
    }

    private static void notAllowed(HttpServerRequest request, String allow) {
        request.response().putHeader("Allow", allow);
        HttpReplies.error(request.response(), 405, "Method Not Allowed");
    }

    /**
     * RFC 9728 protected-resource metadata: of the gateway at the well-known path itself, of an endpoint under it
     * ({@code /.well-known/oauth-protected-resource/research/mcp}). Only while security is on.
     */
    private void resourceMetadata(RoutingContext ctx) {
        String suffix = ctx.request().path().substring(AuthGate.METADATA_PATH.length());
        McpPath target = suffix.isEmpty() ? null : mcpPaths.get(suffix);
        if (!gate.enabled() || (!suffix.isEmpty() && (target == null || !"mcp".equals(target.transport())))) {
            HttpReplies.json(ctx, 404, new JsonObject().put("error", "no protected resource at " + suffix));
            return;
        }
        HttpReplies.json(ctx, 200, gate.metadata(ctx.request(), suffix));
    }

    /**
     * With security on, the details (the store's and each service's state) only for a credential that may read
     * them; without one (as a load balancer's probe asks) only {@code {status}}, and no refusal is audited.
     */
    private void ready(RoutingContext ctx) {
        if (!gate.enabled()) {
            ready(ctx, true);
            return;
        }
        if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
            ready(ctx, false);
            return;
        }
        gate.authenticate(ctx.request())
                .onComplete(ar -> ready(ctx, ar.succeeded() && ar.result().can(Permission.READ)));
    }

    /** 200 when every service is ready, degraded (connected) or disabled, else 503; each one's state if shown. */
    private void ready(RoutingContext ctx, boolean details) {
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
                .onComplete(ar -> ClusterHealth.of(vertx).onComplete(cluster -> {
                    // In a cluster, ready only while this node is a member (its consumers registered at start).
                    boolean up = ready && ClusterHealth.joined(cluster.result());
                    JsonObject body = new JsonObject().put("status", up ? "ready" : "not ready");
                    if (details) body.put("store", ar.result()).put("services", services);
                    if (details && cluster.result() != null) body.put("cluster", cluster.result());
                    HttpReplies.json(ctx, up ? 200 : 503, body);
                }));
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
        endpoints(next);
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
                listens.notify(notice, p -> p.equals(prefix) ? old : null);
            }
        });
    }

    /** The gateway's own endpoint and every app's, and their MCP paths. */
    private void endpoints(GatewayConfig config) {
        Map<String, Endpoint> out = new HashMap<>();
        out.put("", new Endpoint("", null, new ArrayList<>(config.services().keySet())));
        for (AppConfig app : config.apps().values()) {
            out.put(app.prefix(), new Endpoint(app.prefix(), app.name(), List.copyOf(app.services())));
        }
        Map<String, McpPath> paths = new HashMap<>();
        out.forEach((prefix, endpoint) -> TRANSPORT_PATHS.forEach(
                transport -> paths.put(prefix + "/" + transport, new McpPath(endpoint, transport))));
        endpoints = out;
        mcpPaths = paths;
    }
}
