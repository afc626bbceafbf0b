package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.catalog.Catalog;
import io.mcpstore.catalog.ServiceSummary;
import io.mcpstore.config.ConfigDocument;
import io.mcpstore.config.ServiceConfig;
import io.mcpstore.upstream.UpstreamVerticle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/** {@code /services}: the services' config and state; changes go to the config store. */
final class ServicesApi extends Resource {
    private final Supplier<Catalog> catalogs;
    private final ServiceRules rules;
    private final ClusterApi cluster;
    private final StateHistory history;

    ServicesApi(
            AdminBus bus,
            CurrentConfig current,
            Supplier<Catalog> catalogs,
            ServiceRules rules,
            ClusterApi cluster,
            StateHistory history) {
        super(bus, current);
        this.catalogs = catalogs;
        this.rules = rules;
        this.cluster = cluster;
        this.history = history;
    }

    void list(RoutingContext ctx) {
        JsonArray services = new JsonArray();
        current.get()
                .services()
                .forEach((name, sc) -> services.add(state(name, sc).put("config", shown(sc))));
        ctx.response().putHeader("ETag", current.etag());
        AdminHttp.json(
                ctx, 200, new JsonObject().put("revision", current.revision()).put("services", services));
    }

    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ServiceConfig sc = current.service(name);
        ctx.response().putHeader("ETag", current.etag());
        AdminHttp.json(
                ctx, 200, state(name, sc).put("revision", current.revision()).put("config", shown(sc)));
    }

    void create(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object name = body.remove("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest("name", "is required: the service's name");
        checked(ctx, n, body, op("service.create", n).put("entry", body), 201);
    }

    void put(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        String name = ctx.pathParam("name");
        Object given = body.remove("name");
        if (given != null && !name.equals(given))
            throw Problem.badRequest("name", "must match the path ('" + name + "'); renaming is remove + add");
        checked(ctx, name, body, op("service.put", name).put("entry", body), 200);
    }

    /**
     * A JSON merge patch (RFC 7396, sent as {@code application/json}) of the entry as GET shows it: what the patch does
     * not name stays as stored, secrets included; {@code null} removes a key. The merged entry goes to the store as a
     * PUT would, so a {@code ***} in it keeps the stored secret and one with nothing stored is a 400 naming the key.
     */
    void patch(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        String name = ctx.pathParam("name");
        Object given = body.remove("name");
        if (given != null && !name.equals(given))
            throw Problem.badRequest("name", "must match the path ('" + name + "'); renaming is remove + add");
        JsonObject entry = mergePatch(shown(current.service(name)), body);
        checked(ctx, name, entry, op("service.put", name).put("entry", entry), 200);
    }

    static JsonObject mergePatch(JsonObject target, JsonObject patch) {
        JsonObject out = target.copy();
        patch.forEach(e -> {
            Object value = e.getValue();
            if (value == null) out.remove(e.getKey());
            else if (value instanceof JsonObject p)
                out.put(
                        e.getKey(),
                        mergePatch(out.getValue(e.getKey()) instanceof JsonObject t ? t : new JsonObject(), p));
            else out.put(e.getKey(), value);
        });
        return out;
    }

    /** A change that creates or replaces a service: {@link ServiceRules} first. */
    private void checked(RoutingContext ctx, String name, JsonObject entry, JsonObject op, int status) {
        rules.check(principal(ctx), current.get().security(), name, entry)
                .onSuccess(v -> update(ctx, op, status))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        update(ctx, op("service.delete", ctx.pathParam("name")), 200);
    }

    void start(RoutingContext ctx) {
        enable(ctx, true);
    }

    void stop(RoutingContext ctx) {
        enable(ctx, false);
    }

    private void enable(RoutingContext ctx, boolean enabled) {
        update(ctx, op("service.enable", ctx.pathParam("name")).put("enabled", enabled), 200);
    }

    /**
     * Restarts the service's upstream where it runs: on this node alone, or in a cluster on every node that holds it,
     * one after another (each node's cluster verticle hands the restart to its service manager); {@code nodes} then
     * names them.
     */
    void restart(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        current.service(name);
        JsonObject ask = new JsonObject().put("service", name);
        Future<JsonObject> restarted = cluster.holders(name).compose(holders -> {
            if (holders.isEmpty()) return bus.request(Addresses.SERVICE_RESTART, ask, AdminBus.STORE_TIMEOUT_MS);
            // One node after another, so that the other replicas of a service go on taking calls meanwhile.
            JsonArray done = new JsonArray();
            Future<Void> chain = Future.succeededFuture();
            for (Object o : holders) {
                JsonObject node = (JsonObject) o;
                chain = chain.compose(v -> bus.request(
                                Addresses.node(node.getString("id")),
                                new JsonObject().put("restart", name),
                                AdminBus.STORE_TIMEOUT_MS)
                        .<Void>map(r -> {
                            done.add(node);
                            return null;
                        }));
            }
            return chain.map(v ->
                    new JsonObject().put("service", name).put("restarted", true).put("nodes", done));
        });
        answer(ctx, restarted, 200);
    }

    /**
     * The upstream's own status; a service without a running upstream is stopped (or disabled). In a cluster also the
     * node holding it ({@code node: {id, name, http}}; every holder in {@code nodes} when it has replicas).
     */
    void status(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ServiceConfig sc = current.service(name);
        JsonObject ask = new JsonObject().put("method", UpstreamVerticle.STATUS_METHOD);
        Future<JsonObject> status = bus.upstream(name, ask, AdminBus.STATUS_TIMEOUT_MS)
                .recover(e -> Future.succeededFuture(new JsonObject()
                        .put("state", sc.enabled() ? "stopped" : "disabled")
                        .put("error", e.getMessage())));
        Future<JsonArray> holders = cluster.holders(name);
        Future.all(status, holders).onComplete(ar -> {
            JsonObject out = status.result()
                    .copy()
                    .put("name", name)
                    .put("transport", sc.transport().id());
            JsonArray nodes = holders.result();
            if (nodes != null && !nodes.isEmpty()) {
                out.put("node", nodes.getJsonObject(0));
                if (sc.placement().replicas() > 1) out.put("nodes", nodes);
            }
            AdminHttp.json(ctx, 200, out);
        });
    }

    /**
     * {@code {service, limit, transitions}}: the last {@link StateHistory#PER_SERVICE} state transitions this API has
     * heard, newest first, each {@code {state, at, reason?}} (the reason is the upstream's error: an exit code, a
     * connect failure, a failed ping).
     */
    void history(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        current.service(name);
        AdminHttp.json(
                ctx,
                200,
                new JsonObject()
                        .put("service", name)
                        .put("limit", StateHistory.PER_SERVICE)
                        .put("transitions", history.of(name)));
    }

    private JsonObject state(String name, ServiceConfig sc) {
        return ServiceSummary.of(name, sc, catalogs.get().service(name));
    }

    private static JsonObject shown(ServiceConfig sc) {
        JsonObject json = ConfigDocument.redact(sc.toJson());
        json.remove("name");
        return json;
    }
}
