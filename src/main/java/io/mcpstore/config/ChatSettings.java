package io.mcpstore.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The {@code chat} section: the OpenAI-compatible chat-completions endpoint the console's chat lab talks to.
 * {@code baseUrl} is the API root ({@code https://api.openai.com/v1}; {@code /chat/completions} is appended), and
 * may be on a private network or loopback (a local model server is the common case, and only admins set it).
 * {@code apiKey} is a secret: kept in the store (sealed when {@code MCPSTORE_SECRET_KEY} is set, or a {@code
 * ${env:NAME}} reference), never shown by the API, sent only to {@code baseUrl}. {@code maxRounds} bounds the
 * model ↔ tools loop of one message; {@code timeoutMs} how long the endpoint may stay silent.
 */
public record ChatSettings(String baseUrl, String model, String apiKey, int maxRounds, long timeoutMs) {
    public static final ConfigKeys KEYS = ConfigKeys.of("baseUrl", "model", "apiKey", "maxRounds", "timeoutMs");
    public static final int DEFAULT_MAX_ROUNDS = 8;
    public static final long DEFAULT_TIMEOUT_MS = 60_000;
    public static final ChatSettings NONE = new ChatSettings(null, null, null, DEFAULT_MAX_ROUNDS, DEFAULT_TIMEOUT_MS);

    /** Whether the endpoint is set up enough to be called. */
    public boolean configured() {
        return baseUrl != null && model != null;
    }

    /** Reads the section (null = not set); a {@link ConfigException} names the offending key. */
    public static ChatSettings fromJson(JsonObject json) {
        if (json == null) return NONE;
        KEYS.check(json, "chat");
        String baseUrl = blankToNull(ServiceConfig.string(json, "baseUrl", "chat"));
        if (baseUrl != null) baseUrl = checkUrl(baseUrl);
        String model = blankToNull(ServiceConfig.string(json, "model", "chat"));
        if (model != null && model.length() > 200)
            throw new ConfigException("chat.model", "must be at most 200 characters");
        String apiKey = blankToNull(ServiceConfig.string(json, "apiKey", "chat"));
        int rounds = (int) whole(json, "maxRounds", DEFAULT_MAX_ROUNDS, 1, 32);
        long timeout = whole(json, "timeoutMs", DEFAULT_TIMEOUT_MS, 1_000, 600_000);
        return new ChatSettings(baseUrl, model, apiKey, rounds, timeout);
    }

    private static String checkUrl(String url) {
        String u = url.trim();
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException("chat.baseUrl", "must be an http:// or https:// URL, got '" + u + "'");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
                throw new ConfigException(
                        "chat.baseUrl", "must carry no user info or query: put the key in chat.apiKey");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException("chat.baseUrl", "is not a URL: " + e.getMessage());
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    private static long whole(JsonObject json, String field, long dflt, long min, long max) {
        Object v = json.getValue(field);
        if (v == null) return dflt;
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException("chat." + field, "must be a whole number, got '" + v + "'");
        }
        if (n.longValue() < min || n.longValue() > max) {
            throw new ConfigException("chat." + field, "must be between " + min + " and " + max + ", got " + v);
        }
        return n.longValue();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The canonical form the store keeps; empty when nothing is set (then the section is left out). */
    public JsonObject toJson() {
        JsonObject out = new JsonObject();
        if (baseUrl != null) out.put("baseUrl", baseUrl);
        if (model != null) out.put("model", model);
        if (apiKey != null) out.put("apiKey", apiKey);
        if (maxRounds != DEFAULT_MAX_ROUNDS) out.put("maxRounds", maxRounds);
        if (timeoutMs != DEFAULT_TIMEOUT_MS) out.put("timeoutMs", timeoutMs);
        return out;
    }

    /** The section as the API may show it: the key replaced by whether one is set. */
    public JsonObject shown() {
        JsonObject out = toJson();
        out.remove("apiKey");
        return out.put("apiKeySet", apiKey != null)
                .put("maxRounds", maxRounds)
                .put("timeoutMs", timeoutMs)
                .put("configured", configured());
    }

    /** The key to send: references ({@code ${env:…}}, {@code ${enc:…}}) resolved; null when none is set. */
    public String resolvedApiKey() {
        return apiKey == null ? null : Placeholders.resolve(apiKey);
    }

    /** A document's {@code chat} section with its key redacted ({@code ***}) or sealed for an export. */
    static JsonObject redactSection(Object section, boolean export) {
        if (!(section instanceof JsonObject chat) || chat.getValue("apiKey") == null) return null;
        JsonObject out = chat.copy();
        String key = String.valueOf(chat.getValue("apiKey"));
        if (key.startsWith("${env:")) return out; // a reference is shown as written: the secret is elsewhere
        if (export && SecretBox.isSealed(key)) return out;
        SecretBox box = SecretBox.current();
        out.put("apiKey", export && box != null ? box.seal(key) : Secrets.REDACTED);
        return out;
    }

    /** A key as the store should keep it: sealed when {@code MCPSTORE_SECRET_KEY} is set (references stay). */
    public static String seal(String key) {
        SecretBox box = SecretBox.current();
        return box == null ? key : box.seal(key);
    }
}
