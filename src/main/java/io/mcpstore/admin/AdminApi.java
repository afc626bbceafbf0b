package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.Catalog;
import io.mcpstore.catalog.CatalogView;
import io.mcpstore.catalog.ServiceCatalog;
import io.mcpstore.catalog.ServiceSummary;
import io.mcpstore.config.AppConfig;
import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.ConfigException;
import io.mcpstore.config.GatewayConfig;
import io.mcpstore.config.Secrets;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.upstream.UpstreamVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin REST API, mounted by the router at {@code /api/v1}: services, apps, tools, config revisions, export and
 * import. Follows the config on the bus and reads the catalog copy of the router it is mounted on; every change goes to the
 * config store verticle, whose revision is the API's {@code ETag}. Errors are RFC 9457 problem documents.
 */
public final class AdminApi {
    private static final long STORE_TIMEOUT_MS = 15_000;
    private static final long STATUS_TIMEOUT_MS = 5_000;
    private static final long BUS_GRACE_MS = 5_000;
    private static final int MAX_BATCH = 100;

    private final Vertx vertx;
    private final Router router;
    private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    private GatewayConfig config;
    private long revision;
    /** The catalog copy of the router this API is mounted on. */
    private final Supplier<Catalog> catalogs;

    private AdminApi(Vertx vertx, GatewayConfig config, Supplier<Catalog> catalogs) {
        this.vertx = vertx;
        this.config = config;
        this.catalogs = catalogs;
        this.router = routes(config.http().maxBodyBytes());
    }

    /**
     * Creates the API for the calling router verticle, reading its catalog copy; the future completes once it follows
     * config changes.
     */
    public static Future<AdminApi> create(Vertx vertx, GatewayConfig config, Supplier<Catalog> catalogs) {
        AdminApi api = new AdminApi(vertx, config, catalogs);
        var bus = vertx.eventBus();
        api.consumers.add(bus.consumer(Addresses.CONFIG_CHANGED, m -> api.configChanged(m.body())));
        return Future.all(
                        api.consumers.stream().map(MessageConsumer::completion).toList())
                .compose(v ->
                        bus.<JsonObject>request(Addresses.CONFIG_GET, new JsonObject(), timeout(STATUS_TIMEOUT_MS)))
                .map(reply -> {
                    api.configChanged(reply.body());
                    return api;
                });
    }

    /** The sub-router for {@code /api/v1}. */
    public Router router() {
        return router;
    }

    public Future<Void> close() {
        return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
                .mapEmpty();
    }

    private void configChanged(JsonObject change) {
        long rev = change.getLong("revision", 0L);
        if (rev != 0 && rev < revision) return;
        revision = rev;
        config = GatewayConfig.fromJson(change.getJsonObject("config"));
    }

    private JsonObject serviceState(String name, ServiceConfig sc) {
        return ServiceSummary.of(name, sc, catalogs.get().service(name));
    }

    // ---- routes

    private Router routes(long maxBodyBytes) {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        r.route().handler(new ChangeContentTypes());
        r.route().handler(this::fresh);
        r.get("/openapi.yaml").handler(this::openapi);

        r.get("/services").handler(this::listServices);
        r.post("/services").handler(this::createService);
        r.get("/services/:name").handler(this::getService);
        r.put("/services/:name").handler(this::putService);
        r.delete("/services/:name").handler(this::deleteService);
        r.get("/services/:name/status").handler(this::serviceStatus);
        r.post("/services/:name/restart").handler(this::restartService);
        r.post("/services/:name/stop").handler(ctx -> enable(ctx, false));
        r.post("/services/:name/start").handler(ctx -> enable(ctx, true));

        r.get("/tools").handler(this::listTools);
        r.post("/tools/call").handler(this::callTool);
        r.post("/tools/batch").handler(this::batch);

        r.get("/apps").handler(this::listApps);
        r.post("/apps").handler(this::createApp);
        r.get("/apps/:name").handler(this::getApp);
        r.put("/apps/:name").handler(this::putApp);
        r.delete("/apps/:name").handler(this::deleteApp);

        r.get("/config").handler(this::getConfig);
        r.get("/config/revisions").handler(this::revisions);
        r.get("/config/revisions/:n").handler(this::revision);
        r.post("/config/rollback/:n").handler(this::rollback);
        r.get("/config/export").handler(this::export);
        r.post("/config/import").handler(this::importConfig);
        r.get("/store")
                .handler(ctx -> request(Addresses.CONFIG_STATUS, new JsonObject(), STATUS_TIMEOUT_MS)
                        .onComplete(ar -> reply(ctx, ar, 200)));

        r.route()
                .handler(ctx -> Problem.send(
                        ctx, 404, "no such admin API path: " + ctx.request().path(), null));
        r.route().failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (failure instanceof Problem p) p.send(ctx);
            else if (failure instanceof ConfigException c)
                Problem.badRequest(c.key(), rule(c)).send(ctx);
            else if (ctx.statusCode() == 413)
                Problem.send(ctx, 413, "the body exceeds " + maxBodyBytes + " bytes", null);
            else if (failure == null) Problem.send(ctx, ctx.statusCode(), Problem.title(ctx.statusCode()), null);
            else Problem.send(ctx, 500, String.valueOf(failure), null);
        });
        return r;
    }

    /**
     * Reads the store's current config before answering: a client that has just made a change sees it, whichever
     * router instance serves its next request (the broadcast may not have reached that one yet).
     */
    private void fresh(RoutingContext ctx) {
        vertx.eventBus()
                .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject(), timeout(STATUS_TIMEOUT_MS))
                .onComplete(ar -> {
                    if (ar.succeeded()) configChanged(ar.result().body());
                    ctx.next();
                });
    }

    private void openapi(RoutingContext ctx) {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.yaml")) {
            ctx.response().putHeader("Content-Type", "application/yaml").end(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- services

    private void listServices(RoutingContext ctx) {
        JsonArray services = new JsonArray();
        config.services()
                .forEach((name, sc) -> services.add(serviceState(name, sc).put("config", shown(sc))));
        ctx.response().putHeader("ETag", etag());
        json(ctx, 200, new JsonObject().put("revision", revision).put("services", services));
    }

    private void getService(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ServiceConfig sc = service(name);
        ctx.response().putHeader("ETag", etag());
        json(ctx, 200, serviceState(name, sc).put("revision", revision).put("config", shown(sc)));
    }

    private void createService(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Object name = body.remove("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest("name", "is required: the service's name");
        update(ctx, op("service.create", n).put("entry", body), 201);
    }

    private void putService(RoutingContext ctx) {
        JsonObject body = body(ctx);
        String name = ctx.pathParam("name");
        Object given = body.remove("name");
        if (given != null && !name.equals(given))
            throw Problem.badRequest("name", "must match the path ('" + name + "'); renaming is remove + add");
        update(ctx, op("service.put", name).put("entry", body), 200);
    }

    private void deleteService(RoutingContext ctx) {
        update(ctx, op("service.delete", ctx.pathParam("name")), 200);
    }

    private void enable(RoutingContext ctx, boolean enabled) {
        update(ctx, op("service.enable", ctx.pathParam("name")).put("enabled", enabled), 200);
    }

    private void restartService(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        service(name);
        request(Addresses.SERVICE_RESTART, new JsonObject().put("service", name), STORE_TIMEOUT_MS)
                .onComplete(ar -> reply(ctx, ar, 200));
    }

    private void serviceStatus(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ServiceConfig sc = service(name);
        JsonObject ask = new JsonObject().put("method", UpstreamVerticle.STATUS_METHOD);
        vertx.eventBus()
                .<JsonObject>request(Addresses.upstream(name), ask, timeout(STATUS_TIMEOUT_MS))
                .map(Message::body)
                .recover(e -> Future.succeededFuture(new JsonObject()
                        .put("state", sc.enabled() ? "stopped" : "disabled")
                        .put("error", e.getMessage())))
                .onComplete(ar -> {
                    JsonObject status = ar.result()
                            .copy()
                            .put("name", name)
                            .put("transport", sc.transport().id());
                    json(ctx, 200, status);
                });
    }

    // ---- tools

    private CatalogView view(String app) {
        List<String> services = new ArrayList<>(config.services().keySet());
        if (app != null) {
            AppConfig a = config.apps().get(app);
            if (a == null) throw Problem.notFound("app '" + app + "' not found");
            services = a.services();
        }
        return CatalogView.build(catalogs.get(), services, config.naming());
    }

    private void listTools(RoutingContext ctx) {
        String app = ctx.queryParams().get("app");
        String q = ctx.queryParams().get("q");
        String text = q == null ? null : q.toLowerCase(Locale.ROOT);
        CatalogView view = view(app);
        JsonArray tools = new JsonArray();
        for (Object o : view.tools()) {
            JsonObject tool = (JsonObject) o;
            String name = tool.getString("name");
            if (text != null
                    && !name.toLowerCase(Locale.ROOT).contains(text)
                    && !tool.getString("description", "")
                            .toLowerCase(Locale.ROOT)
                            .contains(text)) {
                continue;
            }
            CatalogView.Target target = view.tool(name);
            ServiceCatalog sc = target == null ? null : catalogs.get().service(target.service());
            JsonObject out = new JsonObject().put("name", name);
            if (target != null) out.put("service", target.service()).put("upstreamName", target.name());
            out.put("state", sc == null ? "unknown" : sc.state());
            tool.forEach(e -> {
                if (!e.getKey().equals("name")) out.put(e.getKey(), e.getValue());
            });
            tools.add(out);
        }
        json(ctx, 200, new JsonObject().put("tools", tools));
    }

    private void callTool(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Call call = call(body, "", view(body.getString("app")));
        invoke(call).onComplete(ar -> reply(ctx, ar, 200));
    }

    /** Several calls: one group per service, all groups in parallel; results in the order given. */
    private void batch(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Object calls = body.getValue("calls");
        if (!(calls instanceof JsonArray list))
            throw Problem.badRequest("calls", "must be a list of {name, arguments}");
        if (list.size() > MAX_BATCH) throw Problem.badRequest("calls", "at most " + MAX_BATCH + " calls per batch");
        CatalogView view = view(body.getString("app"));
        List<Future<JsonObject>> results = new ArrayList<>();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.getValue(i);
            try {
                if (!(item instanceof JsonObject c))
                    throw Problem.badRequest("calls[" + i + "]", "must be an object {name, arguments}");
                Call call = call(c, "calls[" + i + "].", view);
                groups.computeIfAbsent(call.service(), s -> new ArrayList<>()).add(i);
                results.add(invoke(call)
                        .map(result -> new JsonObject().put("result", result))
                        .recover(e -> Future.succeededFuture(errorItem(problem(e)))));
            } catch (Problem p) {
                results.add(Future.succeededFuture(errorItem(p)));
            }
        }
        Future.join(results).onComplete(ar -> {
            JsonArray out = new JsonArray();
            for (int i = 0; i < results.size(); i++) {
                String name = list.getValue(i) instanceof JsonObject c ? c.getString("name") : null;
                out.add(results.get(i).result().put("index", i).put("name", name));
            }
            JsonObject grouping = new JsonObject();
            groups.forEach((s, idx) -> grouping.put(s, new JsonArray(new ArrayList<>(idx))));
            json(ctx, 200, new JsonObject().put("results", out).put("services", grouping));
        });
    }

    private static JsonObject errorItem(Problem p) {
        JsonObject error = new JsonObject().put("status", p.status).put("message", p.getMessage());
        return new JsonObject().put("error", error.mergeIn(p.extra));
    }

    /** A call as the upstream gets it: its service, the upstream's tool name; {@code publicName} as the caller gave it. */
    private record Call(String service, String publicName, String name, JsonObject arguments, long timeoutMs) {}

    private Call call(JsonObject body, String prefix, CatalogView view) {
        Object name = body.getValue("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest(prefix + "name", "is required: a tool name from GET /tools");
        Object args = body.getValue("arguments");
        if (args != null && !(args instanceof JsonObject))
            throw Problem.badRequest(prefix + "arguments", "must be an object");
        CatalogView.Target target = view.tool(n);
        if (target == null) {
            ServiceCatalog down = view.unavailableOwner(n);
            if (down != null) throw Problem.serviceDown(n, down.service(), down.state());
            throw Problem.unknownTool(n);
        }
        ServiceConfig sc = config.services().get(target.service());
        long timeout = sc == null ? ServiceConfig.DEFAULT_TIMEOUT_MS : sc.timeoutMs();
        return new Call(
                target.service(), n, target.name(), args == null ? new JsonObject() : (JsonObject) args, timeout);
    }

    /** The call's {@code CallToolResult}, or a {@link Problem} saying why there is none (see {@link Problem}). */
    private Future<JsonObject> invoke(Call call) {
        JsonObject body = new JsonObject()
                .put("method", "tools/call")
                .put("params", new JsonObject().put("name", call.name()).put("arguments", call.arguments()));
        return vertx.eventBus()
                .<JsonObject>request(Addresses.upstream(call.service()), body, timeout(call.timeoutMs() + BUS_GRACE_MS))
                .recover(e -> Future.failedFuture(Problem.callFailed(call.service(), e)))
                .compose(m -> {
                    JsonObject reply = m.body();
                    JsonObject error = reply.getJsonObject("error");
                    if (error != null) {
                        return Future.failedFuture(Problem.upstreamError(call.publicName(), call.service(), error));
                    }
                    return Future.succeededFuture(reply.getJsonObject("result", new JsonObject()));
                });
    }

    // ---- apps

    private void listApps(RoutingContext ctx) {
        JsonArray apps = new JsonArray();
        config.apps()
                .forEach(
                        (name, app) -> apps.add(app.toJson().put("name", name).put("endpoint", app.prefix() + "/mcp")));
        ctx.response().putHeader("ETag", etag());
        json(ctx, 200, new JsonObject().put("revision", revision).put("apps", apps));
    }

    private void getApp(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        AppConfig app = config.apps().get(name);
        if (app == null) throw Problem.notFound("app '" + name + "' not found");
        ctx.response().putHeader("ETag", etag());
        json(
                ctx,
                200,
                app.toJson()
                        .put("name", name)
                        .put("endpoint", app.prefix() + "/mcp")
                        .put("revision", revision));
    }

    private void createApp(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Object name = body.remove("name");
        if (!(name instanceof String n) || n.isBlank()) throw Problem.badRequest("name", "is required: the app's name");
        update(ctx, op("app.create", n).put("entry", body), 201);
    }

    private void putApp(RoutingContext ctx) {
        JsonObject body = body(ctx);
        body.remove("name");
        update(ctx, op("app.put", ctx.pathParam("name")).put("entry", body), 200);
    }

    private void deleteApp(RoutingContext ctx) {
        update(ctx, op("app.delete", ctx.pathParam("name")), 200);
    }

    // ---- config

    private void getConfig(RoutingContext ctx) {
        request(Addresses.CONFIG_GET, new JsonObject(), STATUS_TIMEOUT_MS)
                .map(s -> new JsonObject()
                        .put("revision", s.getLong("revision"))
                        .put("document", ConfigDocument.redactDocument(s.getJsonObject("document"))))
                .onComplete(ar -> {
                    if (ar.succeeded())
                        ctx.response().putHeader("ETag", "\"" + ar.result().getLong("revision") + "\"");
                    reply(ctx, ar, 200);
                });
    }

    private void revisions(RoutingContext ctx) {
        int limit;
        try {
            limit = Integer.parseInt(
                    ctx.queryParams().get("limit") == null
                            ? "100"
                            : ctx.queryParams().get("limit"));
        } catch (NumberFormatException e) {
            throw Problem.badRequest("limit", "must be a whole number");
        }
        request(Addresses.CONFIG_REVISIONS, new JsonObject().put("limit", limit), STORE_TIMEOUT_MS)
                .onComplete(ar -> reply(ctx, ar, 200));
    }

    private void revision(RoutingContext ctx) {
        request(Addresses.CONFIG_REVISION, new JsonObject().put("revision", revisionParam(ctx)), STORE_TIMEOUT_MS)
                .onComplete(ar -> reply(ctx, ar, 200));
    }

    private void rollback(RoutingContext ctx) {
        JsonObject op = new JsonObject().put("op", "rollback").put("revision", revisionParam(ctx));
        update(ctx, op, 200);
    }

    private static long revisionParam(RoutingContext ctx) {
        try {
            long n = Long.parseLong(ctx.pathParam("n"));
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(
                    "revision", "must be a revision number (1 or more), got '" + ctx.pathParam("n") + "'");
        }
    }

    private void export(RoutingContext ctx) {
        String format = ctx.queryParams().get("format") == null
                ? "yaml"
                : ctx.queryParams().get("format");
        request(Addresses.CONFIG_GET, new JsonObject(), STATUS_TIMEOUT_MS).onComplete(ar -> {
            if (ar.failed()) {
                problem(ar.cause()).send(ctx);
                return;
            }
            JsonObject doc = ConfigDocument.exportDocument(ar.result().getJsonObject("document"));
            ctx.response().putHeader("ETag", "\"" + ar.result().getLong("revision") + "\"");
            switch (format) {
                case "yaml" ->
                    ctx.response()
                            .putHeader("Content-Type", "application/yaml")
                            .end("# MCPStore config, revision " + ar.result().getLong("revision") + "\n"
                                    + (Secrets.exportsSealed()
                                            ? "# Secrets are encrypted with this gateway's MCPSTORE_SECRET_KEY: import"
                                                    + " into a gateway with the same key.\n"
                                            : "# Secrets are left out as '***' (no MCPSTORE_SECRET_KEY): an import"
                                                    + " keeps what the importing gateway stores for them.\n")
                                    + ConfigDocument.toYaml(doc));
                case "json" -> json(ctx, 200, doc);
                case "mcpServers", "mcpservers" -> json(ctx, 200, ConfigDocument.toMcpServers(doc));
                default ->
                    Problem.badRequest("format", "must be yaml, json or mcpServers, got '" + format + "'")
                            .send(ctx);
            }
        });
    }

    /** Our YAML or JSON (sections replace the current ones; {@code ?mode=merge} merges by name), or mcpServers. */
    private void importConfig(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank())
            throw Problem.badRequest("(body)", "is empty: send YAML, JSON or {\"mcpServers\": {...}}");
        JsonObject doc;
        try {
            doc = ConfigDocument.parseYaml(text);
        } catch (ConfigException e) {
            throw Problem.badRequest(e.key(), rule(e));
        }
        String mode = ctx.queryParams().get("mode");
        if (mode != null && !mode.equals("merge") && !mode.equals("replace"))
            throw Problem.badRequest("mode", "must be merge or replace");
        JsonObject op = new JsonObject().put("op", "import");
        if (doc.containsKey("mcpServers") || doc.containsKey("servers")) {
            JsonObject services;
            try {
                services = ConfigDocument.fromMcpServers(doc);
            } catch (ConfigException e) {
                throw Problem.badRequest(e.key(), rule(e));
            }
            op.put("document", new JsonObject().put("services", services)).put("mode", mode == null ? "merge" : mode);
        } else {
            op.put("document", doc).put("mode", mode == null ? "replace" : mode);
        }
        update(ctx, op, 200);
    }

    // ---- plumbing

    private JsonObject op(String op, String name) {
        return new JsonObject().put("op", op).put("name", name);
    }

    /** Sends a change to the config store verticle, with the base revision from {@code If-Match} or {@code ?revision}. */
    private void update(RoutingContext ctx, JsonObject op, int status) {
        Long base = baseRevision(ctx);
        if (base != null) op.put("baseRevision", base);
        request(Addresses.CONFIG_UPDATE, op, STORE_TIMEOUT_MS)
                .map(reply -> {
                    JsonObject out = new JsonObject()
                            .put("revision", reply.getLong("revision"))
                            .put("changed", reply.getBoolean("changed"));
                    String name = op.getString("name");
                    JsonObject services = reply.getJsonObject("config").getJsonObject("services", new JsonObject());
                    if (op.getString("op").startsWith("service.") && services.getJsonObject(name) != null) {
                        out.put(
                                "service",
                                ConfigDocument.redact(services.getJsonObject(name))
                                        .put("name", name));
                    }
                    return out;
                })
                .onComplete(ar -> {
                    if (ar.succeeded())
                        ctx.response().putHeader("ETag", "\"" + ar.result().getLong("revision") + "\"");
                    reply(ctx, ar, status);
                });
    }

    private static Long baseRevision(RoutingContext ctx) {
        String value = ctx.request().getHeader("If-Match");
        String field = "If-Match";
        if (value == null) {
            value = ctx.queryParams().get("revision");
            field = "revision";
        }
        if (value == null || value.equals("*")) return null;
        String v = value.trim();
        if (v.startsWith("W/")) v = v.substring(2);
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Problem.badRequest(field, "must be a revision number, got '" + value + "'");
        }
    }

    private Future<JsonObject> request(String address, JsonObject body, long timeoutMs) {
        return vertx.eventBus()
                .<JsonObject>request(address, body, timeout(timeoutMs))
                .recover(e -> {
                    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                        return Future.failedFuture(new Problem(r.failureCode() == 404 ? 404 : 500, r.getMessage()));
                    }
                    return Future.failedFuture(new Problem(503, "the config store is unreachable: " + e.getMessage()));
                })
                .compose(m -> {
                    JsonObject reply = m.body();
                    if (reply != null && reply.getJsonObject("error") != null) {
                        return Future.failedFuture(Problem.fromStore(reply.getJsonObject("error")));
                    }
                    return Future.succeededFuture(reply);
                });
    }

    private static void reply(RoutingContext ctx, io.vertx.core.AsyncResult<JsonObject> ar, int status) {
        if (ar.succeeded()) json(ctx, status, ar.result());
        else problem(ar.cause()).send(ctx);
    }

    private static Problem problem(Throwable e) {
        if (e instanceof Problem p) return p;
        if (e instanceof ConfigException c) return Problem.badRequest(c.key(), rule(c));
        return new Problem(500, String.valueOf(e.getMessage()));
    }

    private static String rule(ConfigException c) {
        String m = c.getMessage();
        return m.startsWith(c.key() + ": ") ? m.substring(c.key().length() + 2) : m;
    }

    private ServiceConfig service(String name) {
        ServiceConfig sc = config.services().get(name);
        if (sc == null) throw Problem.notFound("service '" + name + "' not found");
        return sc;
    }

    private static JsonObject shown(ServiceConfig sc) {
        JsonObject json = ConfigDocument.redact(sc.toJson());
        json.remove("name");
        return json;
    }

    private String etag() {
        return "\"" + revision + "\"";
    }

    private static JsonObject body(RoutingContext ctx) {
        // ChangeContentTypes let JSON or YAML through; these routes take JSON only.
        String ct = ctx.request().getHeader("Content-Type");
        if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Problem(415, "this endpoint takes application/json, not " + ct);
        }
        try {
            Object v = ctx.body().asString() == null || ctx.body().asString().isBlank()
                    ? null
                    : io.vertx.core.json.Json.decodeValue(ctx.body().asString());
            if (!(v instanceof JsonObject o)) throw Problem.badRequest("(body)", "must be a JSON object");
            return o;
        } catch (DecodeException e) {
            throw Problem.badRequest("(body)", "is not valid JSON: " + e.getMessage());
        }
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(io.vertx.core.json.Json.encodeToBuffer(body));
    }

    private static DeliveryOptions timeout(long ms) {
        return new DeliveryOptions().setSendTimeout(ms);
    }
}
