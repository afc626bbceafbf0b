package io.mcpstore.upstream.rest;

import io.mcpstore.config.Placeholders;
import io.mcpstore.config.RestConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2 client-credentials token of one rest service (RFC 6749 §4.4): fetched from {@code tokenUrl} with a
 * form POST when a call first needs it (one fetch at a time, shared by the calls waiting), kept until shortly before
 * it expires, and dropped when the API refuses it with 401. The token endpoint is held to the same private-network
 * rule as the API, through the same {@link HttpCaller}.
 */
final class OAuthTokens {
    /** A token endpoint's answer is small; a larger one is not a token. */
    private static final long MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
    /** When the endpoint says nothing about expiry. */
    static final long DEFAULT_LIFETIME_MS = 600_000;
    /** Refresh this long before expiry at most (a tenth of the lifetime for short-lived tokens). */
    static final long EARLY_MS = 30_000;

    private static final long TOKEN_TIMEOUT_MS = 10_000;

    private final HttpCaller caller;
    private final String tokenUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final String form;
    private String token;
    private long renewAt;
    private Future<String> fetching;
    private int fetches;

    OAuthTokens(HttpCaller caller, RestConfig.Auth auth, String userAgent) {
        this.caller = caller;
        this.tokenUrl = Placeholders.resolve(auth.tokenUrl());
        String clientId = Placeholders.resolve(auth.clientId());
        String secret = Placeholders.resolve(auth.clientSecret());
        StringBuilder body = new StringBuilder("grant_type=client_credentials");
        if (!auth.scopes().isEmpty()) body.append("&scope=").append(RestTool.encode(String.join(" ", auth.scopes())));
        if (auth.audience() != null) {
            body.append("&audience=").append(RestTool.encode(Placeholders.resolve(auth.audience())));
        }
        headers.put("Content-Type", RestTool.FORM);
        headers.put("Accept", "application/json");
        headers.put("User-Agent", userAgent);
        if ("post".equals(auth.clientAuth())) {
            body.append("&client_id=").append(RestTool.encode(clientId));
            body.append("&client_secret=").append(RestTool.encode(secret));
        } else { // client_secret_basic: each part form-encoded first (RFC 6749 §2.3.1)
            String pair = RestTool.encode(clientId) + ":" + RestTool.encode(secret);
            headers.put(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        this.form = body.toString();
    }

    /** {@code Bearer <token>}, fetched first when there is none or it is about to expire. */
    Future<String> authorization() {
        if (token != null && System.nanoTime() - renewAt < 0) return Future.succeededFuture("Bearer " + token);
        if (fetching != null) return fetching;
        Future<String> fetch = fetch();
        fetching = fetch;
        fetch.onComplete(done -> fetching = null);
        return fetch;
    }

    /** The API refused {@code authorization}: if it is the one held, it is dropped. */
    void refused(String authorization) {
        if (token != null && authorization.equals("Bearer " + token)) token = null;
    }

    int fetches() {
        return fetches;
    }

    private Future<String> fetch() {
        fetches++;
        long started = System.nanoTime();
        RestRequest request = new RestRequest(HttpMethod.POST, tokenUrl, headers, Buffer.buffer(form, "UTF-8"));
        return caller.follow(request, null, started + TOKEN_TIMEOUT_MS * 1_000_000, 0, MAX_TOKEN_RESPONSE_BYTES)
                .recover(e -> Future.failedFuture(new HttpCaller.CallFailure(
                        "cannot get an OAuth token from " + HttpCaller.shown(tokenUrl) + ": " + e.getMessage(), false)))
                .compose(answer -> {
                    JsonObject json = null;
                    try {
                        json = answer.body().length() == 0
                                ? null
                                : answer.body().toJsonObject();
                    } catch (DecodeException | ClassCastException notJson) {
                        // reported below
                    }
                    if (!answer.ok() || json == null || !(json.getValue("access_token") instanceof String access)) {
                        String error = json != null && json.getValue("error") != null
                                ? " (" + json.getValue("error") + ")"
                                : "";
                        return Future.failedFuture(new HttpCaller.CallFailure(
                                "the token endpoint " + HttpCaller.shown(tokenUrl) + " answered HTTP " + answer.status()
                                        + error + " without an access_token",
                                false));
                    }
                    long lifetimeMs = json.getValue("expires_in") instanceof Number n
                            ? n.longValue() * 1000
                            : DEFAULT_LIFETIME_MS;
                    token = access;
                    renewAt = started + (lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 10)) * 1_000_000;
                    return Future.succeededFuture("Bearer " + access);
                });
    }
}
