package io.mcpstore.admin;

import io.mcpstore.config.ConfigDocument;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** What every resource's handlers share: the bus client, the current config, and how a change is sent and answered. */
abstract class Resource {
    final AdminBus bus;
    final CurrentConfig current;

    Resource(AdminBus bus, CurrentConfig current) {
        this.bus = bus;
        this.current = current;
    }

    /** Who is asking, as the gate in front of every route authenticated them. */
    static Principal principal(RoutingContext ctx) {
        Principal principal = AuthGate.principal(ctx);
        if (principal == null) throw new IllegalStateException("no principal: the route is missing in AdminAccess");
        return principal;
    }

    static JsonObject op(String op, String name) {
        return new JsonObject().put("op", op).put("name", name);
    }

    /**
     * Sends a change to the config store with the base revision ({@code If-Match} or {@code ?revision}) and the
     * actor; the answer carries the new revision as {@code ETag}.
     */
    Future<JsonObject> change(RoutingContext ctx, JsonObject op) {
        Long base;
        try {
            base = AdminHttp.baseRevision(ctx);
        } catch (Problem p) {
            return Future.failedFuture(p);
        }
        if (base != null) op.put("baseRevision", base);
        op.put("actor", principal(ctx).toJson());
        return bus.change(op).onSuccess(reply -> {
            Long revision = reply.getLong("revision");
            if (revision != null) ctx.response().putHeader("ETag", "\"" + revision + "\"");
        });
    }

    /** A change answered as {@code {revision, changed}} (and the service, for a service change). */
    void update(RoutingContext ctx, JsonObject op, int status) {
        updated(ctx, op).onSuccess(out -> AdminHttp.json(ctx, status, out)).onFailure(ctx::fail);
    }

    /** The answer {@link #update} sends, for a handler that adds to it. */
    Future<JsonObject> updated(RoutingContext ctx, JsonObject op) {
        return change(ctx, op).map(reply -> {
            JsonObject out = new JsonObject()
                    .put("revision", reply.getLong("revision"))
                    .put("changed", reply.getBoolean("changed"));
            String name = op.getString("name");
            JsonObject config = reply.getJsonObject("config", new JsonObject());
            JsonObject services = config.getJsonObject("services", new JsonObject());
            if (op.getString("op").startsWith("service.") && services.getJsonObject(name) != null) {
                out.put(
                        "service",
                        ConfigDocument.redact(services.getJsonObject(name)).put("name", name));
            }
            return out;
        });
    }

    /** Answers {@code status} with the future's JSON, or fails the request with its problem. */
    static void answer(RoutingContext ctx, Future<?> future, int status) {
        future.onSuccess(body -> AdminHttp.json(ctx, status, body)).onFailure(ctx::fail);
    }
}
