package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the state a server hands out with an {@code input_required} result ({@code requestState}, SEP-2322) so that
 * the client cannot change it: {@code fx1.<payload>.<HMAC-SHA256>}, both base64url, with an expiry in the payload.
 * The key is random per server, so a state is good only for the server (process) that made it.
 */
final class RequestStateSeal {
    private static final String PREFIX = "fx1.";
    private static final long TTL_MILLIS = 10 * 60 * 1000L;

    private final SecretKeySpec key;

    RequestStateSeal() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    String seal(JsonObject payload) {
        JsonObject body = payload.copy().put("exp", System.currentTimeMillis() + TTL_MILLIS);
        String encoded = PREFIX + base64(body.encode().getBytes(StandardCharsets.UTF_8));
        return encoded + "." + base64(mac(encoded));
    }

    /** The payload of a state this server sealed; any change, another server's state or an old one is a -32602. */
    JsonObject open(String state) {
        int dot = state.lastIndexOf('.');
        if (!state.startsWith(PREFIX) || dot <= PREFIX.length()) {
            throw invalid("it is not a requestState this server issued");
        }
        String encoded = state.substring(0, dot);
        byte[] signature;
        JsonObject payload;
        try {
            signature = Base64.getUrlDecoder().decode(state.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(encoded))) {
                throw invalid("its integrity check failed (tampered or issued by another server)");
            }
            payload = new JsonObject(new String(
                    Base64.getUrlDecoder().decode(encoded.substring(PREFIX.length())), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException e) {
            throw invalid("its integrity check failed (not well-formed)");
        }
        if (payload.getLong("exp", 0L) < System.currentTimeMillis()) {
            throw invalid("it has expired; call again without requestState");
        }
        return payload;
    }

    private static McpException invalid(String why) {
        return new McpException(JsonRpc.INVALID_PARAMS, "Invalid requestState: " + why);
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
