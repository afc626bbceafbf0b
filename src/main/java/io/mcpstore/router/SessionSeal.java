package io.mcpstore.router;

import io.mcpstore.cluster.ClusterSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session ids of a clustered gateway: {@code c1.<base64url(nonce ‖ AES-256-GCM(facts))>}, the facts being what
 * every node needs to serve a 2025-era session without asking anyone — its owner node, endpoint, subject, protocol
 * version, the client's capabilities and name — sealed under a key that every member of the cluster shares and no
 * one outside it has. A tampered id, or one sealed by another cluster, does not open. The key is derived from a
 * secret held in the cluster manager's map (made by the first node, read by the others): it lives as long as the
 * cluster, as the sessions it seals do (a session dies with its owner node).
 */
final class SessionSeal {
    static final String PREFIX = "c1.";
    private static final String SECRET = "sessions";
    private static final byte[] CONTEXT = "mcpstore session id v1".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Capabilities beyond this are cut to the ones relayed to upstreams, so that an id stays a modest header. */
    static final int MAX_CAPABILITIES_CHARS = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    /** What an id says of its session; fixed for its life. */
    record Facts(
            String owner,
            String endpoint,
            String subject,
            String protocolVersion,
            JsonObject capabilities,
            String clientName,
            String clientVersion,
            long created) {

        JsonObject toJson() {
            JsonObject json = new JsonObject()
                    .put("o", owner)
                    .put("e", endpoint)
                    .put("u", subject)
                    .put("v", protocolVersion)
                    .put("c", capabilities)
                    .put("t", created);
            if (clientName != null) json.put("n", clientName);
            if (clientVersion != null) json.put("w", clientVersion);
            return json;
        }

        static Facts fromJson(JsonObject json) {
            return new Facts(
                    json.getString("o"),
                    json.getString("e"),
                    json.getString("u"),
                    json.getString("v"),
                    json.getJsonObject("c", new JsonObject()),
                    json.getString("n"),
                    json.getString("w"),
                    json.getLong("t", 0L));
        }
    }

    private final SecretKeySpec key;

    SessionSeal(byte[] secret) {
        this.key = new SecretKeySpec(derive(secret), "AES");
    }

    /** The cluster's seal: its secret from the cluster manager's map, put there by whichever node came first. */
    static Future<SessionSeal> cluster(Vertx vertx) {
        return ClusterSecrets.get(vertx, SECRET).map(SessionSeal::new);
    }

    String seal(Facts facts) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(CONTEXT);
            byte[] sealed = cipher.doFinal(facts.toJson().encode().getBytes(StandardCharsets.UTF_8));
            return PREFIX
                    + ENCODE.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The facts of an id this cluster sealed; {@code null} for anything else (malformed, tampered, foreign). */
    Facts open(String id) {
        if (id == null || !id.startsWith(PREFIX)) return null;
        String body = id.substring(PREFIX.length());
        byte[] raw;
        try {
            raw = DECODE.decode(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
        // One spelling per id: a last character changed only in its unused bits decodes alike, and is refused.
        if (!ENCODE.encodeToString(raw).equals(body)) return null;
        if (raw.length <= NONCE_BYTES + TAG_BITS / 8) return null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(CONTEXT);
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return Facts.fromJson(new JsonObject(new String(plain, StandardCharsets.UTF_8)));
        } catch (AEADBadTagException | DecodeException | ClassCastException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client's capabilities as an id carries them: whole when small, else the ones upstreams ask about. */
    static JsonObject carried(JsonObject capabilities) {
        if (capabilities.encode().length() <= MAX_CAPABILITIES_CHARS) return capabilities;
        JsonObject kept = new JsonObject();
        for (String k : new String[] {"sampling", "elicitation", "roots"}) {
            if (capabilities.containsKey(k)) kept.put(k, capabilities.getValue(k));
        }
        return kept.encode().length() <= MAX_CAPABILITIES_CHARS ? kept : new JsonObject();
    }

    /** A key of its own for session ids (HMAC-SHA256 of a fixed context under the secret). */
    private static byte[] derive(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(CONTEXT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
