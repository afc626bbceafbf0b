package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.security.Identities;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /users}: the users who sign in to the console and the admin API. Passwords go to the config store in plain
 * text over the bus and are hashed there; no answer ever carries a hash.
 */
final class UsersApi extends Resource {
    UsersApi(AdminBus bus, CurrentConfig current) {
        super(bus, current);
    }

    void list(RoutingContext ctx) {
        answer(ctx, users().map(users -> new JsonObject().put("users", Identities.shownUsers(users))), 200);
    }

    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        answer(ctx, users().map(users -> shown(users, name)), 200);
    }

    /** {@code {name, role, password, apps?, tools?}}: 201 with the user; 409 if the name is taken. */
    void create(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        Object name = body.remove("name");
        if (!(name instanceof String n) || n.isBlank())
            throw Problem.badRequest("name", "is required: the user's name");
        users().compose(users -> {
                    if (users.getValue(n) != null) {
                        return Future.failedFuture(
                                new Problem(409, "user '" + n + "' already exists: PUT /users/" + n + " changes it"));
                    }
                    return put(ctx, n, body);
                })
                .onSuccess(out -> AdminHttp.json(ctx, 201, out))
                .onFailure(ctx::fail);
    }

    /** Changes role, apps, tools or password (the password stays when none is given). */
    void put(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        String name = ctx.pathParam("name");
        Object given = body.remove("name");
        if (given != null && !name.equals(given))
            throw Problem.badRequest("name", "must match the path ('" + name + "'); renaming is remove + add");
        answer(ctx, put(ctx, name, body), 200);
    }

    void delete(RoutingContext ctx) {
        answer(
                ctx,
                change(ctx, op("user.delete", ctx.pathParam("name")))
                        .map(reply -> new JsonObject().put("revision", reply.getLong("revision"))),
                200);
    }

    private Future<JsonObject> put(RoutingContext ctx, String name, JsonObject entry) {
        return change(ctx, op("user.put", name).put("entry", entry)).map(reply -> {
            JsonObject out = new JsonObject().put("revision", reply.getLong("revision"));
            JsonObject user = reply.getJsonObject("user");
            if (user != null) out.put("user", Identities.withoutCredentials(user));
            return out;
        });
    }

    /** The stored users, read fresh from the store (they are not in the config the API follows). */
    private Future<JsonObject> users() {
        return bus.request(Addresses.CONFIG_GET, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS)
                .map(state ->
                        state.getJsonObject("identities", new JsonObject()).getJsonObject("users", new JsonObject()));
    }

    private static JsonObject shown(JsonObject users, String name) {
        JsonObject entry = users.getJsonObject(name);
        if (entry == null) throw Problem.notFound("user '" + name + "' not found");
        return Identities.shownUser(name, entry);
    }
}
