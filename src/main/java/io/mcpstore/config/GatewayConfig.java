package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole gateway configuration, validated. Built from the merged YAML/env/system-property JSON. */
public record GatewayConfig(
        Http http, Naming naming, int pageSize, Map<String, ServiceConfig> services, Map<String, AppConfig> apps) {

    /**
     * Where and how the gateway listens. {@code requestTimeoutMs}: how long a client may take to send a whole request
     * (headers and body); {@code idleTimeoutMs}: how long a connection with no request in flight is kept.
     */
    public record Http(
            String host,
            int port,
            long maxBodyBytes,
            List<String> allowedOrigins,
            List<String> allowedHosts,
            long requestTimeoutMs,
            long idleTimeoutMs) {
        public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;
        public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
        public static final long DEFAULT_IDLE_TIMEOUT_MS = 120_000;

        public Http {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedHosts = List.copyOf(allowedHosts);
        }

        public JsonObject toJson() {
            return new JsonObject()
                    .put("host", host)
                    .put("port", port)
                    .put("maxBodyBytes", maxBodyBytes)
                    .put("allowedOrigins", new JsonArray(new ArrayList<>(allowedOrigins)))
                    .put("allowedHosts", new JsonArray(new ArrayList<>(allowedHosts)))
                    .put("requestTimeoutMs", requestTimeoutMs)
                    .put("idleTimeoutMs", idleTimeoutMs);
        }
    }

    /** How public tool and prompt names are made from an upstream's names. */
    public record Naming(Mode mode, String separator) {
        public enum Mode {
            ALWAYS,
            ON_COLLISION,
            NEVER;

            static Mode parse(String value, String key) {
                return switch (value) {
                    case "always" -> ALWAYS;
                    case "on-collision" -> ON_COLLISION;
                    case "never" -> NEVER;
                    default ->
                        throw new ConfigException(
                                key, "unknown mode '" + value + "' (expected always, on-collision or never)");
                };
            }

            public String id() {
                return name().toLowerCase().replace('_', '-');
            }
        }

        public JsonObject toJson() {
            return new JsonObject().put("mode", mode.id()).put("separator", separator);
        }
    }

    public GatewayConfig {
        services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
        apps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(apps));
    }

    /**
     * Items per page of the list methods. Large: a page is pre-encoded and costs a copy to send, so the round trips
     * are what a client pays for; most catalogs fit in one page (clients that ignore nextCursor see them whole), and
     * 50,000 tools take 10.
     */
    public static final int DEFAULT_PAGE_SIZE = 5_000;

    /** Validates {@code json}; a {@link ConfigException} names the first offending key. */
    public static GatewayConfig fromJson(JsonObject json) {
        JsonObject http = object(json, "http", "http");
        String host = http.getValue("host") == null ? "127.0.0.1" : ServiceConfig.string(http, "host", "http");
        int port = intIn(http, "port", 8080, 0, 65535, "http");
        long maxBody =
                intIn(http, "maxBodyBytes", GatewayConfig.Http.DEFAULT_MAX_BODY, 1024, Integer.MAX_VALUE, "http");
        long requestTimeout =
                intIn(http, "requestTimeoutMs", Http.DEFAULT_REQUEST_TIMEOUT_MS, 100, Integer.MAX_VALUE, "http");
        long idleTimeout = intIn(http, "idleTimeoutMs", Http.DEFAULT_IDLE_TIMEOUT_MS, 100, Integer.MAX_VALUE, "http");
        Http h = new Http(
                host,
                port,
                maxBody,
                strings(http, "allowedOrigins", "http"),
                strings(http, "allowedHosts", "http"),
                requestTimeout,
                idleTimeout);

        JsonObject naming = object(json, "naming", "naming");
        String mode = naming.getValue("mode") == null ? "always" : ServiceConfig.string(naming, "mode", "naming");
        String separator =
                naming.getValue("separator") == null ? "__" : ServiceConfig.string(naming, "separator", "naming");
        if (separator.isEmpty() || !separator.matches("[A-Za-z0-9_.:/-]{1,8}")) {
            throw new ConfigException(
                    "naming.separator", "must be 1-8 characters of letters, digits, '_', '.', ':', '/' or '-'");
        }
        Naming n = new Naming(Naming.Mode.parse(mode, "naming.mode"), separator);

        JsonObject catalog = object(json, "catalog", "catalog");
        int pageSize = (int) intIn(catalog, "pageSize", DEFAULT_PAGE_SIZE, 1, 100_000, "catalog");

        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        JsonObject s = object(json, "services", "services");
        for (String name : s.fieldNames()) {
            Object entry = s.getValue(name);
            if (!(entry instanceof JsonObject o)) throw new ConfigException("services." + name, "must be an object");
            services.put(name, ServiceConfig.fromJson(name, o, "services." + name));
        }
        Map<String, AppConfig> apps = new LinkedHashMap<>();
        JsonObject a = object(json, "apps", "apps");
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (String name : a.fieldNames()) {
            Object entry = a.getValue(name);
            AppConfig app = AppConfig.fromJson(
                    name, entry instanceof JsonObject o ? o : null, services.keySet(), "apps." + name);
            String clash = prefixes.put(app.prefix(), name);
            if (clash != null) {
                throw new ConfigException(
                        "apps." + name + ".prefix", "'" + app.prefix() + "' is already used by app '" + clash + "'");
            }
            apps.put(name, app);
        }
        return new GatewayConfig(h, n, pageSize, services, apps);
    }

    /** The canonical JSON form: what the config store keeps and publishes. */
    public JsonObject toJson() {
        JsonObject s = new JsonObject();
        services.forEach((name, svc) -> {
            JsonObject entry = svc.toJson();
            entry.remove("name");
            s.put(name, entry);
        });
        JsonObject a = new JsonObject();
        apps.forEach((name, app) -> a.put(name, app.toJson()));
        return new JsonObject()
                .put("http", http.toJson())
                .put("naming", naming.toJson())
                .put("catalog", new JsonObject().put("pageSize", pageSize))
                .put("services", s)
                .put("apps", a);
    }

    private static JsonObject object(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return new JsonObject();
        if (v instanceof JsonObject o) return o;
        throw new ConfigException(key, "must be a map");
    }

    private static long intIn(JsonObject json, String field, long dflt, long min, long max, String key) {
        Object v = json.getValue(field);
        if (v == null) return dflt;
        long n;
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            n = num.longValue();
        } else if (v instanceof String str && str.trim().matches("-?\\d+")) {
            n = Long.parseLong(str.trim());
        } else {
            throw new ConfigException(key + "." + field, "must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(key + "." + field, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static int intIn(JsonObject json, String field, int dflt, int min, int max, String key) {
        return (int) intIn(json, field, (long) dflt, min, max, key);
    }

    private static List<String> strings(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return List.of();
        if (v instanceof String str) return List.of(str.split("\\s*,\\s*"));
        if (!(v instanceof JsonArray array)) throw new ConfigException(key + "." + field, "must be a list of strings");
        List<String> out = new ArrayList<>();
        array.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }
}
