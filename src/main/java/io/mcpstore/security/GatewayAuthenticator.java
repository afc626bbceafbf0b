package io.mcpstore.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticator of one router instance: API keys, the gateway's own HS256 JWTs, and the external issuer's tokens
 * (keys from its JWKS). Verified credentials are cached — at most 10,000, for at most a minute and never beyond the
 * credential's expiry — and the cache is dropped whenever the identities change.
 */
final class GatewayAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayAuthenticator.class);
    static final String ISSUER = "mcpstore";
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long JWKS_REFRESH_MS = 10_000;

    private final Vertx vertx;
    private final SecurityConfig config;
    private final String audience;
    private final Cache<String, Principal> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(new Expiry<String, Principal>() {
                @Override
                public long expireAfterCreate(String key, Principal p, long now) {
                    if (p.expiresAt() <= 0) return CACHE_NANOS;
                    long left = TimeUnit.MILLISECONDS.toNanos(p.expiresAt() - System.currentTimeMillis());
                    return Math.max(0, Math.min(CACHE_NANOS, left));
                }

                @Override
                public long expireAfterUpdate(String key, Principal p, long now, long current) {
                    return expireAfterCreate(key, p, now);
                }

                @Override
                public long expireAfterRead(String key, Principal p, long now, long current) {
                    return current;
                }
            })
            .build();

    private volatile Map<String, Identities.User> users = Map.of();
    private volatile Map<String, Identities.Key> keys = Map.of();
    private String signingKey;
    private JWTAuth own;

    private WebClient web;
    private Future<External> external;
    private long externalFetchedAt;

    private MessageConsumer<JsonObject> changes;

    /** The external issuer's verifier and the key ids its JWKS held. */
    private record External(JWTAuth auth, Set<String> kids) {}

    GatewayAuthenticator(Vertx vertx, SecurityConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.audience = config.resource() != null ? config.resource() : ISSUER;
    }

    Future<Void> start() {
        if (config.oauth() != null && config.oauth().audience() == null && config.resource() == null) {
            return Future.failedFuture(new io.mcpstore.config.ConfigException(
                    "security.oauth.audience",
                    "is required when security.resource is not set: tokens of the issuer must be meant for us"));
        }
        changes = vertx.eventBus().consumer(Addresses.CONFIG_CHANGED, m -> {
            JsonObject identities = m.body().getJsonObject("identities");
            if (identities != null) adopt(identities);
        });
        return changes.completion()
                .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.CONFIG_GET, new JsonObject()))
                .map(reply -> {
                    adopt(reply.body().getJsonObject("identities", new JsonObject()));
                    return null;
                });
    }

    @Override
    public Future<Void> close() {
        if (web != null) web.close();
        return changes == null ? Future.succeededFuture() : changes.unregister();
    }

    private void adopt(JsonObject identities) {
        identitiesChanged(identities.getJsonObject("users"), identities.getJsonObject("keys"));
        String key = config.jwtKey() != null
                ? config.jwtKey()
                : identities.getJsonObject("signing", new JsonObject()).getString("jwtKey");
        if (key != null && !key.equals(signingKey)) {
            signingKey = key;
            own = JWTAuth.create(
                    vertx,
                    new JWTAuthOptions()
                            .addPubSecKey(
                                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(key))
                            .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(audience))));
        }
    }

    @Override
    public void identitiesChanged(JsonObject users, JsonObject keys) {
        try {
            this.users = Map.copyOf(Identities.users(users));
            this.keys = Map.copyOf(Identities.keys(keys));
        } catch (RuntimeException e) {
            // The store validates what it commits; this is a document it could not have written.
            LOG.error("Identities not adopted: {}", e.getMessage());
        }
        cache.invalidateAll();
    }

    @Override
    public Future<Principal> authenticate(String header) {
        if (header == null || header.isBlank()) return Future.failedFuture(AuthFailure.missing());
        String h = header.trim();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Future.failedFuture(new AuthFailure(
                    401, "invalid_request", "the Authorization header must be 'Bearer <token or API key>'"));
        }
        String token = h.substring(7).trim();
        if (token.isEmpty()) return Future.failedFuture(AuthFailure.missing());
        Principal cached = cache.getIfPresent(token);
        if (cached != null && (cached.expiresAt() <= 0 || cached.expiresAt() > System.currentTimeMillis())) {
            return Future.succeededFuture(cached);
        }
        Future<Principal> verified = ApiKeys.looksLikeKey(token) ? key(token) : jwt(token);
        return verified.andThen(ar -> {
            if (ar.succeeded()) cache.put(token, ar.result());
        });
    }

    private Future<Principal> key(String token) {
        String id = ApiKeys.idOf(token);
        Identities.Key key = id == null ? null : keys.get(id);
        if (key == null || !ApiKeys.matches(token, key.hash())) {
            return Future.failedFuture(AuthFailure.invalid("unknown or revoked API key"));
        }
        if (key.expired(System.currentTimeMillis())) {
            return Future.failedFuture(AuthFailure.invalid(
                    "the API key expired at " + key.principal().toJson().getString("expiresAt")));
        }
        return Future.succeededFuture(key.principal());
    }

    private Future<Principal> jwt(String token) {
        String[] parts = token.split("\\.", -1);
        JsonObject header;
        JsonObject payload;
        try {
            if (parts.length != 3) throw new IllegalArgumentException();
            header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
            payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Future.failedFuture(AuthFailure.invalid("the token is neither an API key nor a JWT"));
        }
        Object iss = payload.getValue("iss");
        if (ISSUER.equals(iss)) return own(token);
        if (config.oauth() != null && config.oauth().issuer().equals(iss)) {
            return external(token, header.getString("kid"));
        }
        return Future.failedFuture(AuthFailure.invalid("the token's issuer is not trusted"));
    }

    private Future<Principal> own(String token) {
        if (own == null) return Future.failedFuture(AuthFailure.invalid("no signing key yet"));
        return own.authenticate(new TokenCredentials(token))
                .recover(e -> Future.failedFuture(AuthFailure.invalid("invalid token: " + e.getMessage())))
                .compose(user -> {
                    JsonObject claims = claims(user);
                    Identities.User u = users.get(claims.getString("sub"));
                    if (u == null) return Future.failedFuture(AuthFailure.invalid("the token's user no longer exists"));
                    if (!fingerprint(u.passwordHash()).equals(claims.getString("pwv"))) {
                        return Future.failedFuture(
                                AuthFailure.invalid("the password changed since the token was issued"));
                    }
                    return Future.succeededFuture(u.principal(claims.getLong("exp", 0L) * 1000));
                });
    }

    private Future<Principal> external(String token, String kid) {
        SecurityConfig.OAuth oauth = config.oauth();
        return externalAuth(kid)
                .compose(ext -> ext.auth().authenticate(new TokenCredentials(token)))
                .recover(e -> Future.failedFuture(
                        e instanceof AuthFailure ? e : AuthFailure.invalid("invalid token: " + e.getMessage())))
                .compose(user -> {
                    JsonObject claims = claims(user);
                    Set<String> scopes = scopes(claims);
                    List<String> missing = new ArrayList<>();
                    for (String s : oauth.scopes()) if (!scopes.contains(s)) missing.add(s);
                    if (!missing.isEmpty()) {
                        return Future.failedFuture(
                                AuthFailure.forbidden("the token lacks the scope(s) " + String.join(" ", missing)));
                    }
                    String sub = claims.getString("sub", "unknown");
                    return Future.succeededFuture(new Principal(
                            sub,
                            Principal.Kind.OAUTH,
                            sub,
                            oauth.role(),
                            null,
                            ToolPatterns.ALL,
                            scopes,
                            claims.getLong("exp", 0L) * 1000));
                });
    }

    /** The issuer's verifier, (re)fetching its JWKS on first use and when a token names a key id it lacked. */
    private Future<External> externalAuth(String kid) {
        long now = System.currentTimeMillis();
        boolean stale = external == null
                || external.failed()
                || (external.succeeded()
                        && kid != null
                        && !external.result().kids().contains(kid));
        if (stale && (external == null || now - externalFetchedAt >= JWKS_REFRESH_MS || !external.isComplete())) {
            if (external == null || external.isComplete()) {
                externalFetchedAt = now;
                external = fetchJwks();
            }
        }
        return external;
    }

    private Future<External> fetchJwks() {
        SecurityConfig.OAuth oauth = config.oauth();
        if (web == null) web = WebClient.create(vertx);
        return web.getAbs(oauth.jwksUrl())
                .timeout(10_000)
                .send()
                .compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture(
                                AuthFailure.invalid("the issuer's JWKS answered HTTP " + resp.statusCode()));
                    }
                    JsonArray list = resp.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
                    JWTAuthOptions options = new JWTAuthOptions()
                            .setJWTOptions(new JWTOptions()
                                    .setIssuer(oauth.issuer())
                                    .setAudience(List.of(oauth.audience() != null ? oauth.audience() : audience)));
                    Set<String> kids = new HashSet<>();
                    for (Object o : list) {
                        if (!(o instanceof JsonObject jwk) || "enc".equals(jwk.getString("use"))) continue;
                        options.addJwk(jwk);
                        if (jwk.getString("kid") != null) kids.add(jwk.getString("kid"));
                    }
                    return Future.succeededFuture(new External(JWTAuth.create(vertx, options), kids));
                })
                .onFailure(e -> LOG.warn("Cannot read the JWKS of {}: {}", oauth.issuer(), e.getMessage()))
                .recover(e -> Future.failedFuture(
                        e instanceof AuthFailure
                                ? e
                                : AuthFailure.invalid("cannot read the issuer's keys: " + e.getMessage())));
    }

    @Override
    public Future<String> login(String username, String password) {
        Identities.User u = username == null ? null : users.get(username);
        String hash = u == null ? null : u.passwordHash();
        return Passwords.verify(vertx, hash, password).compose(ok -> {
            if (!ok || u == null) return Future.failedFuture(AuthFailure.invalid("wrong user name or password"));
            if (own == null) return Future.failedFuture(AuthFailure.invalid("no signing key yet"));
            return Future.succeededFuture(own.generateToken(
                    new JsonObject().put("role", u.role().id()).put("pwv", fingerprint(u.passwordHash())),
                    new JWTOptions()
                            .setAlgorithm("HS256")
                            .setIssuer(ISSUER)
                            .setAudience(List.of(audience))
                            .setSubject(u.name())
                            .setExpiresInSeconds((int) config.tokenTtlSeconds())));
        });
    }

    private static JsonObject claims(User user) {
        JsonObject claims = user.attributes().getJsonObject("accessToken");
        return claims == null ? user.principal() : claims;
    }

    /** Which password a token was issued under: changing the password ends the user's tokens. */
    private static String fingerprint(String passwordHash) {
        return ApiKeys.hash(passwordHash).substring(0, 16);
    }

    private static Set<String> scopes(JsonObject claims) {
        Set<String> out = new LinkedHashSet<>();
        for (String claim : List.of("scope", "scp")) {
            Object v = claims.getValue(claim);
            if (v instanceof String s) {
                for (String part : s.trim().split("\\s+")) if (!part.isEmpty()) out.add(part);
            } else if (v instanceof JsonArray a) {
                a.forEach(o -> out.add(String.valueOf(o)));
            }
        }
        return out;
    }
}
