package io.mcpstore.admin;

import io.mcpstore.config.AppConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /apps}: the apps (an endpoint each, over some services); changes go to the config store. */
final class AppsApi extends Resource {
    AppsApi(AdminBus bus, CurrentConfig current) {
        super(bus, current);
    }

    void list(RoutingContext ctx) {
        JsonArray apps = new JsonArray();
        current.get().apps().forEach((name, app) -> apps.add(shown(name, app)));
        ctx.response().putHeader("ETag", current.etag());
        AdminHttp.json(
                ctx, 200, new JsonObject().put("revision", current.revision()).put("apps", apps));
    }

    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        AppConfig app = current.get().apps().get(name);
        if (app == null) throw Problem.notFound("app '" + name + "' not found");
        ctx.response().putHeader("ETag", current.etag());
        AdminHttp.json(ctx, 200, shown(name, app).put("revision", current.revision()));
    }

    void create(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object name = body.remove("name");
        if (!(name instanceof String n) || n.isBlank()) throw Problem.badRequest("name", "is required: the app's name");
        update(ctx, op("app.create", n).put("entry", body), 201);
    }

    void put(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        body.remove("name");
        update(ctx, op("app.put", ctx.pathParam("name")).put("entry", body), 200);
    }

    void delete(RoutingContext ctx) {
        update(ctx, op("app.delete", ctx.pathParam("name")), 200);
    }

    private static JsonObject shown(String name, AppConfig app) {
        return app.toJson().put("name", name).put("endpoint", app.prefix() + "/mcp");
    }
}
