package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.Catalog;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.metrics.GatewayMetrics;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Authenticator;
import io.mcpstore.security.SecurityConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The admin REST API, mounted by the router at {@code /api/v1}: the route table, and in front of every route the
 * gate ({@link AuthGate#admin} with the {@link AdminAccess} table), the body limit, the content-type guard and a fresh
 * read of the config. Each resource has its handler class ({@link ServicesApi}, {@link RestServicesApi}, {@link AppsApi}, {@link ToolsApi},
 * {@link ConfigApi}, {@link AuthApi}, {@link UsersApi}, {@link KeysApi}, {@link AuditApi}, {@link ClusterApi},
 * {@link EventsApi}, {@link ChatApi}); they share one bus client ({@link AdminBus})
 * and one failure edge ({@link FailureHandler}), so every error is an RFC 9457 problem document. The config store's
 * revision is the API's {@code ETag}.
 */
public final class AdminApi {
    private final Vertx vertx;
    private final CurrentConfig current;
    private final Buffer openapi;
    private final ServicesApi services;
    private final RestServicesApi restServices;
    private final AppsApi apps;
    private final ToolsApi tools;
    private final ConfigApi config;
    private final AuthApi auth;
    private final UsersApi users;
    private final KeysApi keys;
    private final AuditApi audit;
    private final ClusterApi cluster;
    private final EventsApi events;
    private final StateHistory history;
    private final ChatApi chat;
    private final AuthGate gate;
    private final Router router;
    private MessageConsumer<JsonObject> changes;

    private AdminApi(
            Vertx vertx,
            GatewayConfig config,
            Supplier<Catalog> catalogs,
            AuthGate gate,
            Authenticator authenticator,
            GatewayMetrics metrics,
            Buffer openapi) {
        this.vertx = vertx;
        this.gate = gate;
        AdminBus bus = new AdminBus(vertx, io.mcpstore.cluster.Replicas.of(vertx));
        this.current = new CurrentConfig(bus, config);
        this.openapi = openapi;
        ServiceRules rules = new ServiceRules(vertx);
        this.cluster = new ClusterApi(vertx, bus, current);
        this.history = new StateHistory(vertx);
        this.services = new ServicesApi(bus, current, catalogs, rules, cluster, history);
        this.restServices = new RestServicesApi(bus, current, vertx, rules, gate);
        this.apps = new AppsApi(bus, current);
        this.tools = new ToolsApi(bus, current, catalogs, gate, metrics);
        this.config = new ConfigApi(bus, current, rules);
        this.auth = new AuthApi(bus, current, gate, authenticator);
        this.users = new UsersApi(bus, current);
        this.keys = new KeysApi(bus, current);
        this.audit = new AuditApi(bus, current);
        this.events = new EventsApi(vertx, metrics);
        this.chat = new ChatApi(bus, current, tools, vertx);
        this.router = routes(config.http().maxBodyBytes());
    }

    /**
     * Creates the API for the calling router verticle, reading its catalog copy; the future completes once it follows
     * config changes and has read the OpenAPI document (once, here, not per request).
     */
    public static Future<AdminApi> create(
            Vertx vertx,
            GatewayConfig config,
            Supplier<Catalog> catalogs,
            AuthGate gate,
            Authenticator authenticator,
            GatewayMetrics metrics) {
        return vertx.executeBlocking(AdminApi::readOpenApi).compose(openapi -> {
            AdminApi api = new AdminApi(vertx, config, catalogs, gate, authenticator, metrics, openapi);
            var bus = vertx.eventBus();
            api.changes = bus.consumer(Addresses.CONFIG_CHANGED, m -> api.current.changed(m.body()));
            return api.changes
                    .completion()
                    .compose(v -> new AdminBus(vertx)
                            .request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS))
                    .map(state -> {
                        api.current.changed(state);
                        return api;
                    });
        });
    }

    /**
     * As {@link #create(Vertx, GatewayConfig, Supplier, AuthGate, Authenticator, GatewayMetrics)}, without sign-in
     * and with the meters of the default registry.
     */
    public static Future<AdminApi> create(
            Vertx vertx, GatewayConfig config, Supplier<Catalog> catalogs, AuthGate gate) {
        return create(vertx, config, catalogs, gate, null, GatewayMetrics.of(null));
    }

    /** With security off only (the API as it was before security): every request is the anonymous admin. */
    public static Future<AdminApi> create(Vertx vertx, GatewayConfig config, Supplier<Catalog> catalogs) {
        if (config.security().enabled()) {
            return Future.failedFuture(new IllegalStateException("security is on: the admin API needs an AuthGate"));
        }
        return create(vertx, config, catalogs, new AuthGate(null, SecurityConfig.OFF, null));
    }

    /** The sub-router for {@code /api/v1}. */
    public Router router() {
        return router;
    }

    public Future<Void> close() {
        Future<Void> unregistered = changes == null ? Future.succeededFuture() : changes.unregister();
        return Future.join(unregistered, restServices.close(), history.close(), chat.close())
                .mapEmpty();
    }

    private Router routes(long maxBodyBytes) {
        Router r = Router.router(vertx);
        // First: no body is read and nothing is looked up for a request without the right credential.
        r.route().handler(gate.admin(AdminAccess::required));
        r.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        r.route().handler(new ChangeContentTypes());
        r.route().handler(current::refresh);
        r.get("/openapi.yaml").handler(this::openapi);

        r.get("/services").handler(services::list);
        r.post("/services").handler(services::create);
        r.post("/services/import-openapi").handler(restServices::importOpenApi);
        r.get("/services/:name").handler(services::get);
        r.put("/services/:name").handler(services::put);
        r.patch("/services/:name").handler(services::patch);
        r.delete("/services/:name").handler(services::delete);
        r.get("/services/:name/status").handler(services::status);
        r.get("/services/:name/history").handler(services::history);
        r.post("/services/:name/restart").handler(services::restart);
        r.post("/services/:name/stop").handler(services::stop);
        r.post("/services/:name/start").handler(services::start);
        r.post("/services/:name/tools/:tool/dry-run").handler(restServices::dryRun);

        r.get("/tools").handler(tools::list);
        r.post("/tools/call").handler(tools::call);
        r.post("/tools/batch").handler(tools::batch);

        r.get("/apps").handler(apps::list);
        r.post("/apps").handler(apps::create);
        r.get("/apps/:name").handler(apps::get);
        r.put("/apps/:name").handler(apps::put);
        r.delete("/apps/:name").handler(apps::delete);

        r.get("/config").handler(config::get);
        r.get("/config/revisions").handler(config::revisions);
        r.get("/config/revisions/:n").handler(config::revision);
        r.post("/config/rollback/:n").handler(config::rollback);
        r.get("/config/export").handler(config::export);
        r.post("/config/import").handler(config::importConfig);
        r.get("/store").handler(config::store);

        r.post("/auth/login").handler(auth::login);
        r.get("/auth/me").handler(auth::me);

        r.get("/users").handler(users::list);
        r.post("/users").handler(users::create);
        r.get("/users/:name").handler(users::get);
        r.put("/users/:name").handler(users::put);
        r.delete("/users/:name").handler(users::delete);

        r.get("/keys").handler(keys::list);
        r.post("/keys").handler(keys::create);
        r.get("/keys/:id").handler(keys::get);
        r.delete("/keys/:id").handler(keys::delete);

        r.get("/audit").handler(audit::query);

        r.get("/cluster").handler(cluster::get);
        r.get("/events").handler(events::stream);
        chat.mount(r);

        r.route().handler(ctx -> {
            throw Problem.notFound("no such admin API path: " + ctx.request().path());
        });
        r.route().failureHandler(new FailureHandler(maxBodyBytes));
        return r;
    }

    private void openapi(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/yaml").end(openapi);
    }

    private static Buffer readOpenApi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.yaml")) {
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
