package io.mcpstore.security;

import io.mcpstore.TestGateway;
import io.mcpstore.bus.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Users, keys and sign-ins for tests, through the config store's own bus ops (as the admin API calls them) on a
 * real gateway. Reusable by every test that needs a credential.
 */
public final class TestIdentities {
    private TestIdentities() {}

    public static final JsonObject TEST_ACTOR =
            new JsonObject().put("subject", "test").put("kind", "user").put("role", "admin");

    /** Runs a config op; returns its reply, or throws an {@link AssertionError} with the store's error. */
    public static JsonObject op(TestGateway gateway, JsonObject op) {
        JsonObject reply = tryOp(gateway, op);
        if (reply.getJsonObject("error") != null) {
            throw new AssertionError("config op " + op.getString("op") + " failed: " + reply.encode());
        }
        return reply;
    }

    /** Runs a config op; returns its reply, which carries {@code error: {status, detail, field?}} when refused. */
    public static JsonObject tryOp(TestGateway gateway, JsonObject op) {
        JsonObject body = op.containsKey("actor") ? op : op.copy().put("actor", TEST_ACTOR);
        return await(vertx(gateway)
                .eventBus()
                .<JsonObject>request(Addresses.CONFIG_UPDATE, body)
                .map(m -> m.body()));
    }

    /** Creates or changes a user. */
    public static JsonObject putUser(TestGateway gateway, String name, String role, String password) {
        JsonObject entry = new JsonObject().put("role", role);
        if (password != null) entry.put("password", password);
        return op(
                gateway,
                new JsonObject().put("op", "user.put").put("name", name).put("entry", entry));
    }

    /** Creates a key; the reply's {@code key} object holds {@code id} and {@code key} (the text). */
    public static JsonObject createKey(
            TestGateway gateway, String name, String role, List<String> apps, List<String> tools) {
        JsonObject entry = new JsonObject().put("name", name).put("role", role);
        if (apps != null) entry.put("apps", new JsonArray(apps));
        if (tools != null) entry.put("tools", new JsonArray(tools));
        return op(gateway, new JsonObject().put("op", "key.create").put("entry", entry))
                .getJsonObject("key");
    }

    /** A key's text, for an {@code Authorization: Bearer} header. */
    public static String keyText(TestGateway gateway, String role) {
        return createKey(gateway, "test " + role, role, null, null).getString("key");
    }

    public static void deleteKey(TestGateway gateway, String id) {
        op(gateway, new JsonObject().put("op", "key.delete").put("name", id));
    }

    /** The identities the store hands authenticators ({@code users}, {@code keys}, {@code signing}). */
    public static JsonObject identities(TestGateway gateway) {
        return await(vertx(gateway)
                        .eventBus()
                        .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                        .map(m -> m.body()))
                .getJsonObject("identities");
    }

    /** The gateway's security section as it runs. */
    public static SecurityConfig security(TestGateway gateway) {
        JsonObject config = await(vertx(gateway)
                        .eventBus()
                        .<JsonObject>request(Addresses.CONFIG_GET, new JsonObject())
                        .map(m -> m.body()))
                .getJsonObject("config");
        return SecurityConfig.fromJson(config.getJsonObject("security"), true);
    }

    /** An authenticator of the gateway's own, on a context of its own: run its calls with {@link #on}. */
    public static On<Authenticator> authenticator(TestGateway gateway) {
        Context context = vertx(gateway).getOrCreateContext();
        On<Authenticator> on = new On<>(context, null);
        SecurityConfig security = security(gateway);
        Authenticator a = on.call(() -> Authenticators.start(vertx(gateway), security));
        return new On<>(context, a);
    }

    /** Something that lives on a context, and a way to call it there and wait. */
    public record On<T>(Context context, T it) {
        public <R> R call(Supplier<Future<R>> work) {
            Promise<R> promise = Promise.promise();
            context.runOnContext(v -> work.get().onComplete(promise));
            return await(promise.future());
        }

        /** The failure of {@code work}, which must fail. */
        public Throwable failure(Supplier<Future<?>> work) {
            Promise<Object> promise = Promise.promise();
            context.runOnContext(
                    v -> work.get().onComplete(ar -> promise.complete(ar.succeeded() ? null : ar.cause())));
            Object failure = await(promise.future());
            if (failure == null) throw new AssertionError("expected a failure, but it succeeded");
            return (Throwable) failure;
        }
    }

    static Vertx vertx(TestGateway gateway) {
        return gateway.store().vertx();
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
