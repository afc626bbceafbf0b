package io.mcpstore.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Stand-in until h-core's Authenticators is merged (theirs replaces this file). */
public final class Authenticators {
    private Authenticators() {}

    public static Future<Authenticator> start(Vertx vertx, SecurityConfig config) {
        if (!config.enabled()) return Future.succeededFuture(OPEN);
        return Future.failedFuture("no authenticator yet");
    }

    private static final Authenticator OPEN = new Authenticator() {
        @Override
        public Future<Principal> authenticate(String authorizationHeader) {
            return Future.succeededFuture(Principal.ANONYMOUS);
        }

        @Override
        public Future<String> login(String username, String password) {
            return Future.failedFuture(new AuthFailure(401, "invalid_request", "security is off"));
        }

        @Override
        public void identitiesChanged(io.vertx.core.json.JsonObject users, io.vertx.core.json.JsonObject keys) {}
    };
}
