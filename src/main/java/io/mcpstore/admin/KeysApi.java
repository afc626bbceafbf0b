package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.security.Identities;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /keys}: API keys. Creating one answers the key text, the only time it is ever shown (the store keeps its
 * hash); listing and reading show neither key nor hash; deleting revokes it at once.
 */
final class KeysApi extends Resource {
    KeysApi(AdminBus bus, CurrentConfig current) {
        super(bus, current);
    }

    void list(RoutingContext ctx) {
        answer(ctx, keys().map(keys -> new JsonObject().put("keys", Identities.shownKeys(keys))), 200);
    }

    void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        answer(
                ctx,
                keys().map(keys -> {
                    JsonObject entry = keys.getJsonObject(id);
                    if (entry == null) throw Problem.notFound("key '" + id + "' not found");
                    return Identities.shownKey(id, entry);
                }),
                200);
    }

    /** {@code {name, role, apps?, tools?, expiresAt?}} → 201 {@code {id, key, name, role, …}}. */
    void create(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        change(ctx, new JsonObject().put("op", "key.create").put("entry", body))
                .map(reply -> {
                    JsonObject key = reply.getJsonObject("key");
                    if (key == null) throw new Problem(500, "the config store created no key");
                    return key.copy().put("revision", reply.getLong("revision"));
                })
                .onSuccess(key -> {
                    ctx.response()
                            .putHeader("Cache-Control", "no-store")
                            .putHeader("Location", ctx.request().path() + "/" + key.getString("id"));
                    AdminHttp.json(ctx, 201, key);
                })
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        answer(
                ctx,
                change(ctx, op("key.delete", ctx.pathParam("id")))
                        .map(reply -> new JsonObject().put("revision", reply.getLong("revision"))),
                200);
    }

    private Future<JsonObject> keys() {
        return bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS)
                .map(state ->
                        state.getJsonObject("identities", new JsonObject()).getJsonObject("keys", new JsonObject()));
    }
}
