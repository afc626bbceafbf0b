package io.mcpstore.audit;

import io.mcpstore.config.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes an entry fit to be stored: {@code at} set when missing, every other field kept — except, as a last defence
 * behind the emitters' own redaction, any text under a secret-named key (the config store's rule in {@link
 * Secrets#isSecretName}, also on camelCase words, and {@code hash}) and any API key, JWT, bearer value or password
 * hash wherever it appears.
 */
public final class AuditEntries {
    private AuditEntries() {}

    private static final Pattern API_KEY = Pattern.compile("mcps_[A-Za-z0-9_-]{6,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");
    private static final Pattern PHC = Pattern.compile("\\$(pbkdf2|argon2|bcrypt|scrypt)[^\\s\"]*");
    /** An environment reference names where a secret is, not the secret: kept as written. */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:[A-Za-z_][A-Za-z0-9_]*}");

    /** The entry to store, or null when the body is not an object. */
    public static JsonObject normalise(Object body, Instant now) {
        if (!(body instanceof JsonObject given)) return null;
        JsonObject entry = object(given);
        entry.remove("id"); // the store numbers entries
        Instant at = entry.getValue("at") instanceof String s ? AuditQuery.parseInstant(s) : null;
        entry.put("at", (at == null ? now : at).toString());
        return entry;
    }

    /** Field names seen so far and whether they are secret-named: entries have few, and they repeat. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> SECRET_KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int MAX_REMEMBERED_KEYS = 4_096;

    /** Whether a value under this key is dropped. */
    static boolean isSecretKey(String name) {
        Boolean known = SECRET_KEYS.get(name);
        if (known != null) return known;
        boolean secret = secretNamed(name);
        if (SECRET_KEYS.size() < MAX_REMEMBERED_KEYS) SECRET_KEYS.put(name, secret);
        return secret;
    }

    private static boolean secretNamed(String name) {
        String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        if (Secrets.isSecretName(name) || Secrets.isSecretName(snake)) return true;
        for (String word : snake.split("[-_.]")) {
            if (word.equals("hash") || word.endsWith("hash")) return true;
        }
        return false;
    }

    private static JsonObject object(JsonObject in) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> e : in) {
            Object v = e.getValue();
            if (isSecretKey(e.getKey()) && secretShaped(v)) {
                out.put(e.getKey(), Secrets.REDACTED);
            } else {
                out.put(e.getKey(), value(v));
            }
        }
        return out;
    }

    /** Numbers and booleans under a secret-named key are settings ({@code tokenTtlSeconds}), not secrets. */
    private static boolean secretShaped(Object v) {
        if (v instanceof String s) return !s.isEmpty() && !s.equals(Secrets.REDACTED) && !isReference(s);
        return v instanceof JsonObject || v instanceof JsonArray || v instanceof Map || v instanceof java.util.List;
    }

    private static boolean isReference(String s) {
        return ENV_REFERENCE.matcher(s).matches();
    }

    private static Object value(Object v) {
        if (v instanceof JsonObject o) return object(o);
        if (v instanceof Map<?, ?> m) return object(new JsonObject(cast(m)));
        if (v instanceof JsonArray a) return array(a);
        if (v instanceof java.util.List<?> l) return array(new JsonArray(new java.util.ArrayList<>(l)));
        if (v instanceof String s) return text(s);
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static JsonArray array(JsonArray in) {
        JsonArray out = new JsonArray();
        in.forEach(v -> out.add(value(v)));
        return out;
    }

    static String text(String s) {
        if (s.indexOf("mcps_") >= 0) s = API_KEY.matcher(s).replaceAll("mcps_" + Secrets.REDACTED);
        if (s.indexOf("eyJ") >= 0) s = JWT.matcher(s).replaceAll(Secrets.REDACTED);
        if (s.indexOf('$') >= 0) s = PHC.matcher(s).replaceAll(Secrets.REDACTED);
        if (s.length() > 12 && mentionsScheme(s)) s = BEARER.matcher(s).replaceAll("$1 " + Secrets.REDACTED);
        return s;
    }

    /** Whether {@code s} has "bearer" or "basic" in any case: the cheap test before the expression. */
    private static boolean mentionsScheme(String s) {
        for (int i = 0; i + 5 <= s.length(); i++) {
            char c = s.charAt(i);
            if ((c == 'b' || c == 'B')
                    && (s.regionMatches(true, i, "bearer", 0, 6) || s.regionMatches(true, i, "basic", 0, 5))) {
                return true;
            }
        }
        return false;
    }
}
