package io.mcpstore.security;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The one place that authenticates HTTP requests, for the MCP endpoints and the admin API: the {@code Authorization}
 * header becomes a {@link Principal} (through the {@link Authenticator}, whose cache makes a known credential a map
 * lookup), the subject's bucket is charged, and refusals are answered the one way RFC 6750 and RFC 9728 ask — 401
 * with {@code WWW-Authenticate: Bearer resource_metadata="…"}, 403 {@code insufficient_scope}, 429 with {@code
 * Retry-After} — and written to the audit log. With security off every request is {@link Principal#ANONYMOUS}.
 */
public final class AuthGate {
    /** Where {@link #admin} keeps the principal in the routing context. */
    public static final String PRINCIPAL = "mcpstore.principal";

    /** The well-known path of RFC 9728 protected-resource metadata; a resource's own document is under it. */
    public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private static final Future<Principal> ANONYMOUS = Future.succeededFuture(Principal.ANONYMOUS);

    private final Authenticator authenticator;
    private final SecurityConfig config;
    private final RateLimiter limiter;
    private final AuditTrail audit;

    /** Made on the verticle's context: refusals are audited on its event bus. */
    public AuthGate(Authenticator authenticator, SecurityConfig config, RateLimiter limiter) {
        this(authenticator, config, limiter, auditOfCurrentContext());
    }

    public AuthGate(Authenticator authenticator, SecurityConfig config, RateLimiter limiter, AuditTrail audit) {
        this.authenticator = authenticator;
        this.config = config;
        this.limiter = limiter == null ? RateLimiter.NONE : limiter;
        this.audit = audit == null ? AuditTrail.NONE : audit;
    }

    private static AuditTrail auditOfCurrentContext() {
        var context = Vertx.currentContext();
        return context == null ? AuditTrail.NONE : new AuditTrail(context.owner());
    }

    /** Whether requests need a credential at all. */
    public boolean enabled() {
        return config.enabled();
    }

    public SecurityConfig config() {
        return config;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public AuditTrail audit() {
        return audit;
    }

    /**
     * The request's principal, or a failed future: an {@link AuthFailure} (no, or an invalid, credential; 403 from
     * the authenticator for an external token without the scopes) or {@link RateLimited} (the subject's bucket is
     * empty). Every refusal is audited here.
     */
    public Future<Principal> authenticate(HttpServerRequest request) {
        if (!config.enabled()) return ANONYMOUS;
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            AuthFailure missing = AuthFailure.missing();
            audit.refusal(request, null, missing);
            return Future.failedFuture(missing);
        }
        Future<Principal> verified;
        try {
            verified = authenticator.authenticate(header);
        } catch (RuntimeException e) {
            verified = Future.failedFuture(e);
        }
        return verified.transform(ar -> {
            if (ar.failed()) {
                Throwable failure = ar.cause() instanceof AuthFailure
                        ? ar.cause()
                        : AuthFailure.invalid("the credential could not be verified");
                audit.refusal(request, null, failure);
                return Future.failedFuture(failure);
            }
            Principal principal = ar.result();
            return limiter.forSubject(principal.subject()).compose(wait -> {
                if (wait > 0) {
                    RateLimited limited = new RateLimited(
                            wait, "Rate limit exceeded for " + principal.subject() + ": retry in " + wait + " s");
                    audit.refusal(request, principal, limited);
                    return Future.failedFuture(limited);
                }
                return Future.succeededFuture(principal);
            });
        });
    }

    /**
     * Answers a refusal as problem JSON: 401 or 403 with {@code WWW-Authenticate} ({@code resource_metadata} names
     * the RFC 9728 document of the resource asked for), 429 with {@code Retry-After}; anything else is a 401.
     */
    public void refuse(HttpServerResponse response, Throwable failure, String resourceMetadataUrl) {
        if (response.ended() || response.closed()) return;
        int status = status(failure);
        headers(response, failure, resourceMetadataUrl);
        JsonObject body = new JsonObject()
                .put("type", "about:blank")
                .put("title", title(status))
                .put("status", status)
                .put("detail", detail(failure));
        if (failure instanceof AuthFailure f && f.error() != null) body.put("error", f.error());
        if (failure instanceof RateLimited r) body.put("retryAfterSeconds", r.retryAfterSeconds());
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(body.toBuffer());
    }

    /** The headers of a refusal (for callers that write their own body, as the MCP endpoints do). */
    public void headers(HttpServerResponse response, Throwable failure, String resourceMetadataUrl) {
        int status = status(failure);
        if (failure instanceof RateLimited r) {
            response.putHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
        } else if (status == 401 || status == 403) {
            response.putHeader("WWW-Authenticate", challenge(failure, resourceMetadataUrl));
        }
    }

    /**
     * The admin API's guard: authenticates, then checks what {@code required} says the route needs ({@code null}: a
     * public route, served without a credential). Stores the principal for {@link #principal}.
     */
    public Handler<RoutingContext> admin(Function<RoutingContext, Permission> required) {
        return ctx -> {
            Permission permission = required.apply(ctx);
            if (permission == null || !config.enabled()) {
                if (!config.enabled()) ctx.put(PRINCIPAL, Principal.ANONYMOUS);
                ctx.next();
                return;
            }
            String metadata = baseUrl(ctx.request()) + METADATA_PATH;
            authenticate(ctx.request())
                    .onSuccess(principal -> {
                        if (!principal.can(permission)) {
                            AuthFailure denied = AuthFailure.forbidden(
                                    "role '" + principal.role().id()
                                            + "' of " + principal.subject() + " lacks the permission "
                                            + permission.name());
                            audit.refusal(ctx.request(), principal, denied);
                            refuse(ctx.response(), denied, metadata);
                            return;
                        }
                        ctx.put(PRINCIPAL, principal);
                        ctx.next();
                    })
                    .onFailure(failure -> refuse(ctx.response(), failure, metadata));
        };
    }

    /** The principal {@link #admin} stored; {@link Principal#ANONYMOUS} with security off; null on a public route. */
    public static Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    /**
     * This gateway's base URL: {@code security.resource} (without a trailing slash) or the request's scheme and
     * {@code Host}. RFC 9728 documents and {@code resource_metadata} are made of it.
     */
    public String baseUrl(HttpServerRequest request) {
        String resource = config.resource();
        if (resource != null && !resource.isBlank()) {
            return resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        }
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null && request.authority() != null)
            host = request.authority().toString();
        return request.scheme() + "://" + (host == null ? "localhost" : host);
    }

    /** The URL of the RFC 9728 document of the resource at {@code path} ({@code /mcp}, {@code /research/mcp}). */
    public String metadataUrl(HttpServerRequest request, String path) {
        return baseUrl(request) + METADATA_PATH + path;
    }

    /** The RFC 9728 document of the resource at {@code path} ({@code ""} for the gateway itself). */
    public JsonObject metadata(HttpServerRequest request, String path) {
        JsonObject doc = new JsonObject()
                .put("resource", baseUrl(request) + path)
                .put("bearer_methods_supported", new io.vertx.core.json.JsonArray().add("header"))
                .put("resource_name", "MCPStore");
        SecurityConfig.OAuth oauth = config.oauth();
        if (oauth != null) {
            doc.put("authorization_servers", new io.vertx.core.json.JsonArray().add(oauth.issuer()));
            doc.put("scopes_supported", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(oauth.scopes())));
        }
        return doc;
    }

    /** The HTTP status of a refusal. */
    public static int status(Throwable failure) {
        if (failure instanceof AuthFailure f) return f.status();
        if (failure instanceof RateLimited) return 429;
        return 401;
    }

    private static String detail(Throwable failure) {
        if (failure instanceof AuthFailure || failure instanceof RateLimited) return failure.getMessage();
        return "the credential could not be verified";
    }

    private String challenge(Throwable failure, String resourceMetadataUrl) {
        StringBuilder h = new StringBuilder("Bearer resource_metadata=\"")
                .append(resourceMetadataUrl)
                .append('"');
        String error = failure instanceof AuthFailure f ? f.error() : "invalid_token";
        if (error != null) {
            h.append(", error=\"").append(error).append('"');
            String description = quotable(detail(failure));
            if (!description.isEmpty())
                h.append(", error_description=\"").append(description).append('"');
        }
        if ("insufficient_scope".equals(error)
                && config.oauth() != null
                && !config.oauth().scopes().isEmpty()) {
            h.append(", scope=\"")
                    .append(String.join(" ", config.oauth().scopes()))
                    .append('"');
        }
        return h.toString();
    }

    /** RFC 6750 allows %x20-21 / %x23-5B / %x5D-7E in error_description. */
    private static String quotable(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') out.append(c);
        }
        return out.toString();
    }

    private static String title(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 429 -> "Too Many Requests";
            default -> "Error";
        };
    }
}
