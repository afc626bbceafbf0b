package io.mcpstore.config;

import io.mcpstore.security.SecurityConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole gateway configuration, validated. Built from the merged YAML/env/system-property JSON. */
public record GatewayConfig(
        Http http,
        Naming naming,
        int pageSize,
        Map<String, ServiceConfig> services,
        Map<String, AppConfig> apps,
        Sessions sessions,
        SecurityConfig security,
        Stateless stateless,
        ChatSettings chat) {

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

    /**
     * How long an MCP client session lives unused, and how many may be open at once on a node. Fixed at start-up,
     * like {@link Http}.
     *
     * @param idleTimeoutMs a session with no request, no open stream and no call in flight for this long is closed;
     *     0 = never
     * @param max sessions open at once on a node; a new one beyond it gets 503
     */
    public record Sessions(long idleTimeoutMs, int max) {
        public static final long DEFAULT_IDLE_TIMEOUT_MS = 1_800_000;
        public static final int DEFAULT_MAX = 100_000;

        public JsonObject toJson() {
            return new JsonObject().put("idleTimeoutMs", idleTimeoutMs).put("max", max);
        }
    }

    /**
     * How 2026-07-28 (stateless) clients are served.
     *
     * @param pendingTimeoutMs how long a call held at a 2025 upstream for the client's input ({@code input_required})
     *     waits for the client's retry before it is cancelled upstream; also the lifetime of its requestState
     * @param listTtlMs the {@code ttlMs} caching hint on list results served from the gateway's catalog
     */
    public record Stateless(long pendingTimeoutMs, long listTtlMs) {
        public static final long DEFAULT_PENDING_TIMEOUT_MS = 60_000;
        public static final Stateless DEFAULTS = new Stateless(DEFAULT_PENDING_TIMEOUT_MS, 0);

        public JsonObject toJson() {
            return new JsonObject().put("pendingTimeoutMs", pendingTimeoutMs).put("listTtlMs", listTtlMs);
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

    /** The known keys of each section (a service's are {@link ServiceConfig#KEYS}, an app's {@link AppConfig#KEYS}). */
    public static final ConfigKeys TOP_KEYS = ConfigKeys.of(
            "http",
            "naming",
            "catalog",
            "sessions",
            "stateless",
            "store",
            "cluster",
            "security",
            "services",
            "apps",
            "users",
            "keys",
            "roles",
            "signing",
            "chat");

    public static final ConfigKeys HTTP_KEYS = ConfigKeys.of(
            "host", "port", "maxBodyBytes", "allowedOrigins", "allowedHosts", "requestTimeoutMs", "idleTimeoutMs");
    public static final ConfigKeys NAMING_KEYS = ConfigKeys.of("mode", "separator");
    public static final ConfigKeys CATALOG_KEYS = ConfigKeys.of("pageSize");
    public static final ConfigKeys SESSIONS_KEYS = ConfigKeys.of("idleTimeoutMs", "max");
    public static final ConfigKeys STATELESS_KEYS = ConfigKeys.of("pendingTimeoutMs", "listTtlMs");

    /**
     * The known keys of the section at {@code path} ({@code [http]}, {@code [services, NAME]}), or null where keys
     * are free (service names, an {@code env} map, the security sections).
     */
    public static ConfigKeys keysAt(java.util.List<String> path) {
        if (path.isEmpty()) return TOP_KEYS;
        if (path.size() == 1) {
            return switch (path.get(0)) {
                case "http" -> HTTP_KEYS;
                case "naming" -> NAMING_KEYS;
                case "catalog" -> CATALOG_KEYS;
                case "sessions" -> SESSIONS_KEYS;
                case "stateless" -> STATELESS_KEYS;
                case "store" -> StoreSettings.KEYS;
                case "cluster" -> ClusterSettings.KEYS;
                case "security" -> SecurityConfig.KEYS;
                case "chat" -> ChatSettings.KEYS;
                default -> null;
            };
        }
        if (path.size() == 2 && path.get(0).equals("services")) return ServiceConfig.KEYS;
        if (path.size() == 2 && path.get(0).equals("apps")) return AppConfig.KEYS;
        if (path.size() == 3 && path.get(0).equals("services") && path.get(2).equals("placement")) {
            return ServicePlacement.KEYS;
        }
        return null;
    }

    /** Validates {@code json}; a {@link ConfigException} names the first offending key. */
    public static GatewayConfig fromJson(JsonObject json) {
        TOP_KEYS.check(json, "");
        SESSIONS_KEYS.check(object(json, "sessions", "sessions"), "sessions");
        JsonObject http = object(json, "http", "http");
        HTTP_KEYS.check(http, "http");
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
        NAMING_KEYS.check(naming, "naming");
        String mode = naming.getValue("mode") == null ? "always" : ServiceConfig.string(naming, "mode", "naming");
        String separator =
                naming.getValue("separator") == null ? "__" : ServiceConfig.string(naming, "separator", "naming");
        if (separator.isEmpty() || !separator.matches("[A-Za-z0-9_.:/-]{1,8}")) {
            throw new ConfigException(
                    "naming.separator", "must be 1-8 characters of letters, digits, '_', '.', ':', '/' or '-'");
        }
        Naming n = new Naming(Naming.Mode.parse(mode, "naming.mode"), separator);

        JsonObject catalog = object(json, "catalog", "catalog");
        CATALOG_KEYS.check(catalog, "catalog");
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
        for (String name : a.fieldNames()) {
            Object entry = a.getValue(name);
            AppConfig app = AppConfig.fromJson(
                    name, entry instanceof JsonObject o ? o : null, services.keySet(), "apps." + name);
            AppConfig.refuseOverlap(app, apps.values(), "apps." + name + ".prefix");
            apps.put(name, app);
        }
        JsonObject sessions = object(json, "sessions", "sessions");
        Sessions limits = new Sessions(
                intIn(sessions, "idleTimeoutMs", Sessions.DEFAULT_IDLE_TIMEOUT_MS, 0, Integer.MAX_VALUE, "sessions"),
                intIn(sessions, "max", Sessions.DEFAULT_MAX, 1, Integer.MAX_VALUE, "sessions"));
        Object sec = json.getValue("security");
        if (sec != null && !(sec instanceof JsonObject)) throw new ConfigException("security", "must be a map");
        SecurityConfig security = SecurityConfig.fromJson((JsonObject) sec, loopbackOnly(host));
        JsonObject st = object(json, "stateless", "stateless");
        STATELESS_KEYS.check(st, "stateless");
        Stateless stateless = new Stateless(
                intIn(
                        st,
                        "pendingTimeoutMs",
                        Stateless.DEFAULT_PENDING_TIMEOUT_MS,
                        1_000,
                        Integer.MAX_VALUE,
                        "stateless"),
                intIn(st, "listTtlMs", 0L, 0, Integer.MAX_VALUE, "stateless"));
        Object chat = json.getValue("chat");
        if (chat != null && !(chat instanceof JsonObject)) throw new ConfigException("chat", "must be a map");
        return new GatewayConfig(
                h, n, pageSize, services, apps, limits, security, stateless, ChatSettings.fromJson((JsonObject) chat));
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
        JsonObject out = new JsonObject()
                .put("http", http.toJson())
                .put("naming", naming.toJson())
                .put("catalog", new JsonObject().put("pageSize", pageSize))
                .put("services", s)
                .put("apps", a)
                .put("sessions", sessions.toJson())
                .put("security", security.toJson());
        // Only when set, so that configs written before it existed keep their canonical form.
        if (!stateless.equals(Stateless.DEFAULTS)) out.put("stateless", stateless.toJson());
        if (!chat.toJson().isEmpty()) out.put("chat", chat.toJson());
        return out;
    }

    /** Whether {@code host} is exactly {@code localhost} or a loopback IP literal (a name is never trusted to be). */
    public static boolean loopbackOnly(String host) {
        String h = host.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.equals("localhost")) return true;
        byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(h);
        try {
            return ip != null && java.net.InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
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
