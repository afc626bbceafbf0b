package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.cluster.ClusterNode;
import io.mcpstore.cluster.ClusterSecrets;
import io.mcpstore.protocol.McpException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code requestState} the gateway hands a 2026-07-28 client with an {@code input_required} result that stands
 * for a call held at a 2025 upstream: {@code mcps1.<payload>.<HMAC-SHA256>}, the payload naming the service, the
 * pending call, the subject, the method and target, and an expiry. The key is derived from the config store's
 * signing secret, so every router instance on every node verifies what any of them signed.
 */
final class RequestStates {
    static final String PREFIX = "mcps1.";
    private static final byte[] CONTEXT = "mcpstore requestState v1".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    /** What a verified state says: where the call is held, for whom, and what it was. */
    record Held(String service, String pending, String subject, String method, String target) {}

    private final Vertx vertx;
    private final String configuredSecret;
    private byte[] key;
    /** In a cluster: the members' shared secret, used when no JWT key is configured or stored. */
    private byte[] clusterSecret;

    private MessageConsumer<JsonObject> changes;

    /** @param configuredSecret {@code security.jwtKey} when configured (it wins over the store's), else null */
    RequestStates(Vertx vertx, String configuredSecret) {
        this.vertx = vertx;
        this.configuredSecret = configuredSecret;
        if (configuredSecret != null) key = derive(configuredSecret.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the store's secret, and follows it as it changes. */
    Future<Void> start() {
        // Each node's store may make its own stateKey (PostgreSQL: every node runs one), so in a cluster a state
        // signed by one node would not verify on another: the cluster's shared secret is used instead.
        Future<Void> shared = ClusterNode.manager(vertx) == null
                ? Future.succeededFuture()
                : ClusterSecrets.get(vertx, "requestState")
                        .onSuccess(s -> clusterSecret = s)
                        .mapEmpty();
        return shared.compose(v -> follow());
    }

    private Future<Void> follow() {
        changes = vertx.eventBus()
                .consumer(Addresses.CONFIG_CHANGED, m -> adopt(m.body().getJsonObject("identities")));
        return changes.completion()
                .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.CONFIG_GET, new JsonObject()))
                .onSuccess(reply -> adopt(reply.body().getJsonObject("identities")))
                .mapEmpty();
    }

    Future<Void> close() {
        return changes == null ? Future.succeededFuture() : changes.unregister();
    }

    private void adopt(JsonObject identities) {
        if (configuredSecret != null || identities == null) return;
        JsonObject signing = identities.getJsonObject("signing", new JsonObject());
        String jwtKey = signing.getString("jwtKey");
        if (jwtKey != null) {
            key = derive(jwtKey.getBytes(StandardCharsets.UTF_8));
        } else if (clusterSecret != null) {
            key = derive(clusterSecret);
        } else if (identities.getString("stateKey") != null) {
            key = derive(identities.getString("stateKey").getBytes(StandardCharsets.UTF_8));
        }
    }

    String sign(Held held, long expiresAtMs) {
        JsonObject payload = new JsonObject()
                .put("s", held.service())
                .put("p", held.pending())
                .put("u", held.subject())
                .put("m", held.method())
                .put("t", held.target())
                .put("e", expiresAtMs);
        String body = ENCODE.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
        return PREFIX + body + "." + ENCODE.encodeToString(mac(body));
    }

    /**
     * The call a state names, after its signature, expiry and subject are checked; a state that fails any check is
     * refused with -32602 saying which.
     */
    Held verify(String state, String subject, long nowMs) {
        String rest = state.substring(PREFIX.length());
        int dot = rest.lastIndexOf('.');
        if (dot <= 0 || key == null) throw invalid("it is malformed");
        String body = rest.substring(0, dot);
        byte[] given;
        try {
            given = DECODE.decode(rest.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid("its signature is malformed");
        }
        if (!MessageDigest.isEqual(mac(body), given)) throw invalid("its signature does not match (tampered)");
        JsonObject payload;
        try {
            payload = new JsonObject(new String(DECODE.decode(body), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException e) {
            throw invalid("it is malformed");
        }
        if (payload.getLong("e", 0L) < nowMs) throw invalid("it has expired");
        if (!subject.equals(payload.getString("u"))) throw invalid("it was issued to another caller");
        return new Held(
                payload.getString("s"),
                payload.getString("p"),
                payload.getString("u"),
                payload.getString("m"),
                payload.getString("t"));
    }

    private static McpException invalid(String why) {
        return McpException.invalidParams("Invalid params: requestState rejected: " + why);
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key of its own for request states, so that the JWT key itself never signs anything else. */
    private static byte[] derive(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(CONTEXT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isOurs(Object state) {
        return state instanceof String s && s.startsWith(PREFIX);
    }
}
