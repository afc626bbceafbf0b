package io.mcpstore.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Where {@link Authenticator}s come from. */
public final class Authenticators {
    private Authenticators() {}

    /**
     * An authenticator on the caller's context: it reads the users, keys and signing key from the config store
     * ({@code CONFIG_GET}) and follows every {@code CONFIG_CHANGED} itself until {@link Authenticator#close()}. With
     * security off it answers {@link Principal#ANONYMOUS} to everything and reads nothing.
     */
    public static Future<Authenticator> start(Vertx vertx, SecurityConfig config) {
        if (!config.enabled()) return Future.succeededFuture(OPEN);
        GatewayAuthenticator authenticator = new GatewayAuthenticator(vertx, config);
        return authenticator.start().map(authenticator);
    }

    private static final Authenticator OPEN = new Authenticator() {
        @Override
        public Future<Principal> authenticate(String authorizationHeader) {
            return Future.succeededFuture(Principal.ANONYMOUS);
        }

        @Override
        public Future<String> login(String username, String password) {
            return Future.failedFuture(
                    new AuthFailure(401, "invalid_request", "security is off: there is nothing to sign in to"));
        }

        @Override
        public void identitiesChanged(io.vertx.core.json.JsonObject users, io.vertx.core.json.JsonObject keys) {}
    };
}
