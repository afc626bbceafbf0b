package io.mcpstore.security;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Turns an {@code Authorization} header into a {@link Principal}: API keys ({@code mcps_…}), the gateway's own JWTs
 * (from {@code POST /api/v1/auth/login}) and, when configured, tokens of the external OAuth / OIDC issuer. One per
 * router instance, on its event loop; verified credentials are cached (bounded, expiring) and the cache is dropped
 * whenever the users or keys change.
 */
public interface Authenticator {

    /** The principal, or a failed future with an {@link AuthFailure}. With security off: {@link Principal#ANONYMOUS}. */
    Future<Principal> authenticate(String authorizationHeader);

    /** A signed gateway JWT for the user, or an {@link AuthFailure} (401) for a wrong name or password. */
    Future<String> login(String username, String password);

    /** The users and keys sections of a new config revision: revoked or changed credentials stop working at once. */
    void identitiesChanged(JsonObject users, JsonObject keys);

    /** Stops following the config store. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
