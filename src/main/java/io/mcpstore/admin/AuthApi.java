package io.mcpstore.admin;

import io.mcpstore.security.AuditTrail;
import io.mcpstore.security.AuthFailure;
import io.mcpstore.security.AuthGate;
import io.mcpstore.security.Authenticator;
import io.mcpstore.security.Principal;
import io.mcpstore.security.RateLimited;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** {@code /auth}: sign-in with a user's password for a gateway JWT, and who the caller is. */
final class AuthApi extends Resource {
    private final AuthGate gate;
    private final Authenticator authenticator;

    AuthApi(AdminBus bus, CurrentConfig current, AuthGate gate, Authenticator authenticator) {
        super(bus, current);
        this.gate = gate;
        this.authenticator = authenticator;
    }

    /** {@code {username, password}} → {@code {token, expiresAt}}; a wrong name or password is 401. */
    void login(RoutingContext ctx) {
        JsonObject body = AdminHttp.body(ctx);
        String username = text(body, "username");
        String password = text(body, "password");
        if (authenticator == null) throw new Problem(503, "sign-in is not available on this gateway");
        JsonObject entry = AuditTrail.entry("auth", null, "login", "ok").put("who", username);
        if (ctx.request().remoteAddress() != null)
            entry.put("remote", ctx.request().remoteAddress().hostAddress());
        // Sign-in is public, so the gate charges no bucket: each user name has its own (security.rateLimits.perKey),
        // which slows guessing a password.
        Future<Long> waits =
                gate.enabled() ? gate.limiter().forSubject("login:" + username) : Future.succeededFuture(0L);
        waits.onSuccess(wait -> {
            if (wait > 0) {
                RateLimited limited = new RateLimited(
                        wait, "Rate limit exceeded for sign-in as " + username + ": retry in " + wait + " s");
                gate.audit().record(entry.put("outcome", "rate_limited").put("status", 429));
                gate.refuse(ctx.response(), limited, gate.baseUrl(ctx.request()) + AuthGate.METADATA_PATH);
            } else {
                login(ctx, username, password, entry);
            }
        });
    }

    private void login(RoutingContext ctx, String username, String password, JsonObject entry) {
        authenticator
                .login(username, password)
                .onSuccess(token -> {
                    JsonObject out = new JsonObject().put("token", token);
                    String expiresAt = expiresAt(token);
                    if (expiresAt != null) out.put("expiresAt", expiresAt);
                    gate.audit().record(entry.put("status", 200));
                    ctx.response().putHeader("Cache-Control", "no-store");
                    AdminHttp.json(ctx, 200, out);
                })
                .onFailure(failure -> {
                    if (failure instanceof AuthFailure f) {
                        gate.audit()
                                .record(entry.put("outcome", "unauthenticated")
                                        .put("status", f.status())
                                        .put("detail", f.getMessage()));
                        gate.refuse(ctx.response(), f, gate.baseUrl(ctx.request()) + AuthGate.METADATA_PATH);
                    } else {
                        ctx.fail(failure);
                    }
                });
    }

    /** The caller's principal; any valid credential may ask (with security off: the anonymous admin). */
    void me(RoutingContext ctx) {
        gate.authenticate(ctx.request())
                .onSuccess(principal -> AdminHttp.json(ctx, 200, shown(principal)))
                .onFailure(failure ->
                        gate.refuse(ctx.response(), failure, gate.baseUrl(ctx.request()) + AuthGate.METADATA_PATH));
    }

    private JsonObject shown(Principal principal) {
        return principal.toJson().put("securityEnabled", gate.enabled());
    }

    private static String text(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (!(v instanceof String s) || s.isEmpty()) throw Problem.badRequest(field, "is required: a string");
        return s;
    }

    /** The {@code exp} of a JWT, as an ISO instant; null when it has none or is not a JWT. */
    static String expiresAt(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) return null;
        try {
            JsonObject claims =
                    new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            Long exp = claims.getLong("exp");
            return exp == null ? null : Instant.ofEpochSecond(exp).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
