package io.mcpstore.security;

import io.mcpstore.config.ConfigException;
import io.mcpstore.config.ConfigKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code security} section, fixed at start-up like {@code http}. The users and keys themselves live in the
 * config store's {@code users} and {@code keys} sections, which change at run time.
 *
 * @param enabled whether every MCP endpoint and admin route needs a credential. Defaults to on when {@code http.host}
 *     is not a loopback address, and may then be off only with {@code allowInsecure}
 * @param allowInsecure lets {@code enabled: false} stand on a non-loopback address
 * @param allowedCommands executables (or globs over the command as written and over its file name) that a stdio
 *     service may start; empty = any, for admins
 * @param tokenTtlSeconds how long a JWT from {@code POST /api/v1/auth/login} lasts
 * @param jwtKey the HS256 key of the gateway's own JWTs (a secret, usually {@code ${env:…}}); null = generated on
 *     first start and kept in the store
 * @param resource this gateway's canonical URL for RFC 9728 and the audience of its tokens; null = from the request
 * @param oauth the external issuer whose tokens MCP clients may bring; null = none
 * @param rateLimits token buckets per credential and per tool
 * @param audit where the audit log goes
 */
public record SecurityConfig(
        boolean enabled,
        boolean allowInsecure,
        List<String> allowedCommands,
        long tokenTtlSeconds,
        String jwtKey,
        String resource,
        OAuth oauth,
        RateLimits rateLimits,
        Audit audit) {

    public static final ConfigKeys KEYS = ConfigKeys.of(
            "enabled",
            "allowInsecure",
            "allowedCommands",
            "tokenTtlSeconds",
            "jwtKey",
            "resource",
            "oauth",
            "rateLimits",
            "audit");
    public static final ConfigKeys OAUTH_KEYS = ConfigKeys.of("issuer", "jwksUrl", "audience", "scopes", "role");
    public static final ConfigKeys RATE_KEYS = ConfigKeys.of("perKey", "perTool");
    public static final ConfigKeys BUCKET_KEYS = ConfigKeys.of("requestsPerSecond", "burst");
    public static final ConfigKeys AUDIT_KEYS = ConfigKeys.of("file", "maxBytes", "keep", "memoryEntries");

    public static final long DEFAULT_TOKEN_TTL_SECONDS = 3_600;

    /**
     * An external OAuth 2.1 / OIDC authorization server.
     *
     * @param issuer the {@code iss} its tokens must carry (and the authorization server RFC 9728 names)
     * @param jwksUrl where its signing keys are published
     * @param audience the {@code aud} a token must carry; null = the gateway's resource URL
     * @param scopes scopes a token needs for MCP access (all of them); empty = none
     * @param role the role its tokens get ({@code client} unless set)
     */
    public record OAuth(String issuer, String jwksUrl, String audience, List<String> scopes, Role role) {
        public OAuth {
            scopes = List.copyOf(scopes);
        }

        JsonObject toJson() {
            JsonObject json = new JsonObject()
                    .put("issuer", issuer)
                    .put("jwksUrl", jwksUrl)
                    .put("scopes", new JsonArray(new ArrayList<>(scopes)))
                    .put("role", role.id());
            return audience == null ? json : json.put("audience", audience);
        }
    }

    /** A token bucket: {@code burst} requests at once, refilled at {@code requestsPerSecond}. */
    public record Bucket(double requestsPerSecond, long burst) {
        JsonObject toJson() {
            return new JsonObject().put("requestsPerSecond", requestsPerSecond).put("burst", burst);
        }
    }

    /**
     * @param perKey one bucket for each credential (user, key or external subject); null = no limit
     * @param perTool a bucket per tool for every tool matching the pattern (public names, globs as in {@link
     *     ToolPatterns}), the first matching pattern wins
     */
    public record RateLimits(Bucket perKey, Map<String, Bucket> perTool) {
        public static final RateLimits NONE = new RateLimits(null, Map.of());

        public RateLimits {
            perTool = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perTool));
        }

        JsonObject toJson() {
            JsonObject tools = new JsonObject();
            perTool.forEach((k, v) -> tools.put(k, v.toJson()));
            JsonObject json = new JsonObject().put("perTool", tools);
            return perKey == null ? json : json.put("perKey", perKey.toJson());
        }
    }

    /**
     * @param file the JSON-lines file of a file store's audit log; null = beside the config file ({@code
     *     <config>.audit.jsonl}), or kept in memory for the memory store
     * @param maxBytes a file is rotated past this size
     * @param keep rotated files kept
     * @param memoryEntries entries the memory store keeps
     */
    public record Audit(String file, long maxBytes, int keep, int memoryEntries) {
        public static final Audit DEFAULT = new Audit(null, 10L * 1024 * 1024, 5, 10_000);

        JsonObject toJson() {
            JsonObject json =
                    new JsonObject().put("maxBytes", maxBytes).put("keep", keep).put("memoryEntries", memoryEntries);
            return file == null ? json : json.put("file", file);
        }
    }

    public SecurityConfig {
        allowedCommands = List.copyOf(allowedCommands);
    }

    /** Security off, as on a loopback-only gateway without a {@code security} section. */
    public static final SecurityConfig OFF = new SecurityConfig(
            false, false, List.of(), DEFAULT_TOKEN_TTL_SECONDS, null, null, null, RateLimits.NONE, Audit.DEFAULT);

    /**
     * Parses the section; {@code loopbackOnly} is whether the gateway binds to loopback only, which decides the
     * default of {@code enabled} and whether it may be off.
     */
    public static SecurityConfig fromJson(JsonObject json, boolean loopbackOnly) {
        if (json == null) json = new JsonObject();
        KEYS.check(json, "security");
        boolean allowInsecure = bool(json, "allowInsecure", false, "security");
        boolean enabled = bool(json, "enabled", !loopbackOnly, "security");
        if (!enabled && !loopbackOnly && !allowInsecure) {
            throw new ConfigException(
                    "security.enabled",
                    "may be false only on a loopback address; the gateway binds beyond it (http.host), so set"
                            + " security.allowInsecure: true to run it open on purpose");
        }
        long ttl = whole(json, "tokenTtlSeconds", DEFAULT_TOKEN_TTL_SECONDS, 60, 31L * 24 * 3600, "security");
        OAuth oauth = null;
        if (json.getValue("oauth") != null) {
            JsonObject o = object(json, "oauth", "security.oauth");
            OAUTH_KEYS.check(o, "security.oauth");
            String issuer = string(o, "issuer", "security.oauth");
            String jwks = string(o, "jwksUrl", "security.oauth");
            if (issuer == null) throw new ConfigException("security.oauth.issuer", "is required: the issuer's URL");
            if (jwks == null) throw new ConfigException("security.oauth.jwksUrl", "is required: its JWKS URL");
            String roleName = string(o, "role", "security.oauth");
            Role role = roleName == null ? Role.CLIENT : Role.of(roleName);
            if (role == null) throw badRole("security.oauth.role", roleName);
            oauth = new OAuth(
                    issuer,
                    jwks,
                    string(o, "audience", "security.oauth"),
                    strings(o, "scopes", "security.oauth"),
                    role);
        }
        RateLimits limits = RateLimits.NONE;
        if (json.getValue("rateLimits") != null) {
            JsonObject r = object(json, "rateLimits", "security.rateLimits");
            RATE_KEYS.check(r, "security.rateLimits");
            Bucket perKey = r.getValue("perKey") == null ? null : bucket(r, "perKey", "security.rateLimits");
            Map<String, Bucket> perTool = new LinkedHashMap<>();
            JsonObject tools = r.getValue("perTool") == null
                    ? new JsonObject()
                    : object(r, "perTool", "security.rateLimits.perTool");
            for (String pattern : tools.fieldNames()) {
                perTool.put(pattern, bucket(tools, pattern, "security.rateLimits.perTool"));
            }
            limits = new RateLimits(perKey, perTool);
        }
        Audit audit = Audit.DEFAULT;
        if (json.getValue("audit") != null) {
            JsonObject a = object(json, "audit", "security.audit");
            AUDIT_KEYS.check(a, "security.audit");
            audit = new Audit(
                    string(a, "file", "security.audit"),
                    whole(a, "maxBytes", Audit.DEFAULT.maxBytes(), 1024, Long.MAX_VALUE, "security.audit"),
                    (int) whole(a, "keep", Audit.DEFAULT.keep(), 1, 1000, "security.audit"),
                    (int) whole(a, "memoryEntries", Audit.DEFAULT.memoryEntries(), 1, 10_000_000, "security.audit"));
        }
        return new SecurityConfig(
                enabled,
                allowInsecure,
                strings(json, "allowedCommands", "security"),
                ttl,
                string(json, "jwtKey", "security"),
                string(json, "resource", "security"),
                oauth,
                limits,
                audit);
    }

    /** The canonical form the config store publishes (the gateway's own key included: it never leaves the node). */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("enabled", enabled)
                .put("allowInsecure", allowInsecure)
                .put("allowedCommands", new JsonArray(new ArrayList<>(allowedCommands)))
                .put("tokenTtlSeconds", tokenTtlSeconds)
                .put("rateLimits", rateLimits.toJson())
                .put("audit", audit.toJson());
        if (jwtKey != null) json.put("jwtKey", jwtKey);
        if (resource != null) json.put("resource", resource);
        if (oauth != null) json.put("oauth", oauth.toJson());
        return json;
    }

    private static ConfigException badRole(String key, String given) {
        return new ConfigException(key, "unknown role '" + given + "' (expected admin, operator, viewer or client)");
    }

    private static Bucket bucket(JsonObject json, String field, String key) {
        JsonObject b = object(json, field, key + "." + field);
        BUCKET_KEYS.check(b, key + "." + field);
        Object rate = b.getValue("requestsPerSecond");
        if (!(rate instanceof Number n) || n.doubleValue() <= 0) {
            throw new ConfigException(key + "." + field + ".requestsPerSecond", "must be a number above 0");
        }
        long burst = whole(b, "burst", Math.max(1, (long) Math.ceil(n.doubleValue())), 1, 1_000_000, key + "." + field);
        return new Bucket(n.doubleValue(), burst);
    }

    private static JsonObject object(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v instanceof JsonObject o) return o;
        throw new ConfigException(key, "must be a map");
    }

    private static String string(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new ConfigException(key + "." + field, "must be a string");
        return s;
    }

    private static boolean bool(JsonObject json, String field, boolean dflt, String key) {
        Object v = json.getValue(field);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
        throw new ConfigException(key + "." + field, "must be true or false, got '" + v + "'");
    }

    private static long whole(JsonObject json, String field, long dflt, long min, long max, String key) {
        Object v = json.getValue(field);
        if (v == null) return dflt;
        long n;
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) n = num.longValue();
        else if (v instanceof String s && s.trim().matches("\\d+")) n = Long.parseLong(s.trim());
        else throw new ConfigException(key + "." + field, "must be a whole number, got '" + v + "'");
        if (n < min || n > max) {
            throw new ConfigException(key + "." + field, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static List<String> strings(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return List.of();
        if (v instanceof String s) return s.isBlank() ? List.of() : List.of(s.split("\\s*,\\s*"));
        if (!(v instanceof JsonArray array)) throw new ConfigException(key + "." + field, "must be a list of strings");
        List<String> out = new ArrayList<>();
        array.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }
}
