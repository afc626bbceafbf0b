package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One upstream service, as a {@code services} entry reads: the {@code mcpServers} shape MCP clients use ({@code
 * command}/{@code args}/{@code env} for stdio, {@code url}/{@code headers} for HTTP) plus gateway settings.
 * {@code allowPrivateNetwork} lets a service created through the admin API (with security on) point at a loopback,
 * private or link-local address; a service in the config file needs no such permission. A {@code transport: rest}
 * service has no server to connect to: its tools are HTTP calls ({@link #rest()}, see {@link RestConfig}).
 */
public record ServiceConfig(
        String name,
        Transport transport,
        String command,
        List<String> args,
        Map<String, String> env,
        String cwd,
        String url,
        Map<String, String> headers,
        long timeoutMs,
        long pingIntervalMs,
        int maxRestarts,
        boolean enabled,
        long maxMessageBytes,
        boolean inheritEnv,
        List<Root> roots,
        boolean allowPrivateNetwork,
        boolean auditArguments,
        RestConfig rest,
        Protocol protocol,
        ServicePlacement placement) {

    /**
     * A root the gateway names when the upstream asks {@code roots/list} and no client can answer (outside a call,
     * or the calling client has no roots): {@code {uri, name?}}, as MCP's {@code Root}.
     */
    public record Root(String uri, String name) {
        public JsonObject toJson() {
            JsonObject json = new JsonObject().put("uri", uri);
            return name == null ? json : json.put("name", name);
        }
    }

    public enum Transport {
        STDIO("stdio"),
        STREAMABLE_HTTP("streamable-http"),
        SSE("sse"),
        /** HTTP API calls as tools ({@link RestConfig}), served in the gateway itself. */
        REST("rest");

        private final String id;

        Transport(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Transport parse(String key, String value) {
            for (Transport t : values()) {
                if (t.id.equals(value)) return t;
            }
            // Aliases other gateways and clients write.
            return switch (value) {
                case "http", "streamableHttp", "streamable_http", "streamable" -> STREAMABLE_HTTP;
                default ->
                    throw new ConfigException(
                            key, "unknown transport '" + value + "' (expected stdio, streamable-http, sse or rest)");
            };
        }
    }

    /**
     * Which MCP era the gateway speaks to the upstream: {@code auto} tries the stateless 2026-07-28 revision
     * ({@code server/discover}) and falls back to {@code initialize}; {@code 2025} and {@code 2026} force one.
     */
    public enum Protocol {
        AUTO("auto"),
        V2025("2025"),
        V2026("2026");

        private final String id;

        Protocol(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Protocol parse(String key, String value) {
            for (Protocol p : values()) {
                if (p.id.equals(value)) return p;
            }
            return switch (value) {
                case "2025-11-25" -> V2025;
                case "2026-07-28" -> V2026;
                default ->
                    throw new ConfigException(key, "unknown protocol '" + value + "' (expected auto, 2025 or 2026)");
            };
        }
    }

    public static final long DEFAULT_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_PING_INTERVAL_MS = 30_000;
    public static final int DEFAULT_MAX_RESTARTS = 10;
    /** The largest message an upstream may send (one stdout line, one HTTP body, one SSE event): 64 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L * 1024 * 1024;
    /** Above this a message cannot be held in one Java array or string anyway. */
    static final long MAX_MESSAGE_BYTES_LIMIT = Integer.MAX_VALUE - 64;

    /** The keys a service entry knows ({@code type} is the mcpServers spelling of {@code transport}). */
    public static final ConfigKeys KEYS = ConfigKeys.of(
            "transport",
            "type",
            "command",
            "args",
            "env",
            "cwd",
            "url",
            "headers",
            "timeoutMs",
            "pingIntervalMs",
            "maxRestarts",
            "enabled",
            "maxMessageBytes",
            "inheritEnv",
            "roots",
            "allowPrivateNetwork",
            "auditArguments",
            "baseUrl",
            "query",
            "auth",
            "maxResponseBytes",
            "redirects",
            "retries",
            "tools",
            "protocol",
            "replicas",
            "retry",
            "balance",
            "placement");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}]*}");

    public ServiceConfig {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        headers = Map.copyOf(headers);
        roots = List.copyOf(roots);
    }

    public boolean isStdio() {
        return transport == Transport.STDIO;
    }

    public boolean isRest() {
        return transport == Transport.REST;
    }

    /**
     * Reads and validates one entry. {@code key} is the entry's path for error messages ({@code services.NAME}).
     */
    public static ServiceConfig fromJson(String name, JsonObject json, String key) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException(
                    key, "service name must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (json == null) throw new ConfigException(key, "must be an object");
        KEYS.check(json, key);
        String command = string(json, "command", key);
        String url = string(json, "url", key);
        String declared = string(json, "transport", key);
        if (declared == null) declared = string(json, "type", key); // the mcpServers spelling
        boolean rest = declared != null && Transport.parse(key + ".transport", declared) == Transport.REST;
        if (rest) {
            if (command != null)
                throw new ConfigException(key + ".command", "is not for a rest service (give baseUrl)");
            if (url != null) {
                throw new ConfigException(key + ".url", "is not for a rest service: give the API's URL as baseUrl");
            }
            if (json.containsKey("args")) {
                throw new ConfigException(key + ".args", "is not for a rest service (each tool has its own args)");
            }
        } else {
            for (String restKey : RestConfig.SERVICE_KEYS) {
                if (json.containsKey(restKey)) {
                    throw new ConfigException(key + "." + restKey, "is only for a rest service (transport: rest)");
                }
            }
        }
        if (!rest && command != null && url != null) {
            throw new ConfigException(key, "give either 'command' (stdio) or 'url' (HTTP), not both");
        }
        if (!rest && command == null && url == null) {
            throw new ConfigException(
                    key,
                    "needs 'command' (a stdio server) or 'url' (an HTTP server), or transport: rest with a baseUrl");
        }
        Transport transport;
        if (rest) {
            transport = Transport.REST;
        } else if (command != null) {
            transport = declared == null ? Transport.STDIO : Transport.parse(key + ".transport", declared);
            if (transport != Transport.STDIO) {
                throw new ConfigException(key + ".transport", "'" + declared + "' needs a 'url', not a 'command'");
            }
            if (command.isBlank()) throw new ConfigException(key + ".command", "must not be empty");
        } else {
            if (declared == null) {
                transport = url.endsWith("/sse") ? Transport.SSE : Transport.STREAMABLE_HTTP;
            } else {
                transport = Transport.parse(key + ".transport", declared);
            }
            if (transport == Transport.STDIO) {
                throw new ConfigException(key + ".transport", "stdio needs a 'command', not a 'url'");
            }
            validateUrl(url, key + ".url");
        }
        long timeoutMs = positiveLong(json, "timeoutMs", DEFAULT_TIMEOUT_MS, key);
        long pingMs = nonNegativeLong(json, "pingIntervalMs", DEFAULT_PING_INTERVAL_MS, key);
        long maxRestarts = nonNegativeLong(json, "maxRestarts", DEFAULT_MAX_RESTARTS, key);
        Object enabled = json.getValue("enabled", Boolean.TRUE);
        if (!(enabled instanceof Boolean)) throw new ConfigException(key + ".enabled", "must be true or false");
        long maxMessageBytes = positiveLong(json, "maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES, key);
        if (maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
            throw new ConfigException(key + ".maxMessageBytes", "must be at most " + MAX_MESSAGE_BYTES_LIMIT);
        }
        Object inheritEnv = json.getValue("inheritEnv", Boolean.FALSE);
        if (!(inheritEnv instanceof Boolean)) {
            throw new ConfigException(key + ".inheritEnv", "must be true or false");
        }
        Object allowPrivate = json.getValue("allowPrivateNetwork", Boolean.FALSE);
        if (!(allowPrivate instanceof Boolean)) {
            throw new ConfigException(key + ".allowPrivateNetwork", "must be true or false");
        }
        Object auditArguments = json.getValue("auditArguments", Boolean.FALSE);
        if (!(auditArguments instanceof Boolean)) {
            throw new ConfigException(key + ".auditArguments", "must be true or false");
        }
        Map<String, String> env = stringMap(json, "env", key);
        String protocolName = string(json, "protocol", key);
        Protocol protocol = protocolName == null ? Protocol.AUTO : Protocol.parse(key + ".protocol", protocolName);
        if (protocol == Protocol.V2026 && transport == Transport.SSE) {
            throw new ConfigException(key + ".protocol", "the legacy sse transport speaks only the 2024-11-05 era");
        }
        return new ServiceConfig(
                name,
                transport,
                command,
                stringList(json, "args", key),
                env,
                string(json, "cwd", key),
                url,
                stringMap(json, "headers", key),
                timeoutMs,
                pingMs,
                (int) Math.min(maxRestarts, Integer.MAX_VALUE),
                (Boolean) enabled,
                maxMessageBytes,
                (Boolean) inheritEnv,
                roots(json, key),
                (Boolean) allowPrivate,
                (Boolean) auditArguments,
                rest ? RestConfig.fromJson(json, env, key) : null,
                protocol,
                ServicePlacement.fromJson(json, key));
    }

    /**
     * The entry as the deployment config of its upstream verticle, secrets as stored; anything shown goes through
     * {@link Secrets#redact} first.
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("name", name).put("transport", transport.id());
        if (command != null) json.put("command", command).put("args", new JsonArray(new ArrayList<>(args)));
        if (!env.isEmpty()) json.put("env", new JsonObject(new LinkedHashMap<>(env)));
        if (cwd != null) json.put("cwd", cwd);
        if (url != null) json.put("url", url);
        if (!headers.isEmpty()) json.put("headers", new JsonObject(new LinkedHashMap<>(headers)));
        if (!roots.isEmpty()) {
            json.put("roots", new JsonArray(roots.stream().map(Root::toJson).toList()));
        }
        json.put("timeoutMs", timeoutMs)
                .put("pingIntervalMs", pingIntervalMs)
                .put("maxRestarts", maxRestarts)
                .put("enabled", enabled);
        // Written only when set, so that exports and the file store stay as they were for everyone else.
        if (maxMessageBytes != DEFAULT_MAX_MESSAGE_BYTES) json.put("maxMessageBytes", maxMessageBytes);
        if (inheritEnv) json.put("inheritEnv", true);
        if (allowPrivateNetwork) json.put("allowPrivateNetwork", true);
        if (auditArguments) json.put("auditArguments", true);
        if (rest != null) rest.writeTo(json);
        if (protocol != Protocol.AUTO) json.put("protocol", protocol.id());
        placement.write(json);
        return json;
    }

    /** Reads back what {@link #toJson()} wrote (a verticle's {@code config()}). */
    public static ServiceConfig fromDeployment(JsonObject json) {
        String name = json.getString("name");
        JsonObject entry = json.copy();
        entry.remove("name");
        return fromJson(name, entry, "services." + name);
    }

    /**
     * Checks the URL's shape, with each reference ({@code ${env:…}}, {@code ${enc:…}}: resolved when the upstream
     * starts) standing for a plain word; messages show it redacted (see {@link Secrets}).
     */
    static void validateUrl(String url, String key) {
        String shown = Secrets.redactUrl(url);
        try {
            URI uri = new URI(REFERENCE.matcher(url).replaceAll("x"));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(key, "must be an http:// or https:// URL, got '" + shown + "'");
            }
            if (uri.getHost() == null) throw new ConfigException(key, "has no host: '" + shown + "'");
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URL: '" + shown + "'" + urlProblem(e));
        }
    }

    /** What is wrong, without the URL itself (the exception's message quotes it whole). */
    private static String urlProblem(java.net.URISyntaxException e) {
        return " (" + e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + ")";
    }

    /** {@code roots}: a list of {@code {uri, name?}}, each uri an absolute URI (file:///… as a rule). */
    private static List<Root> roots(JsonObject json, String key) {
        Object v = json.getValue("roots");
        if (v == null) return List.of();
        if (!(v instanceof JsonArray array)) {
            throw new ConfigException(key + ".roots", "must be a list of {uri, name?}");
        }
        List<Root> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = key + ".roots[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject root)) throw new ConfigException(at, "must be {uri, name?}");
            String uri = string(root, "uri", at);
            if (uri == null) throw new ConfigException(at + ".uri", "is required (a URI such as file:///path)");
            try {
                if (!new URI(uri).isAbsolute()) {
                    throw new ConfigException(at + ".uri", "must be a URI such as file:///path, got '" + uri + "'");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(at + ".uri", "is not a valid URI: " + e.getMessage());
            }
            out.add(new Root(uri, string(root, "name", at)));
        }
        return out;
    }

    static String string(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return null;
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        throw new ConfigException(key + "." + field, "must be a string");
    }

    static long positiveLong(JsonObject json, String field, long dflt, String key) {
        long v = nonNegativeLong(json, field, dflt, key);
        if (v == 0) throw new ConfigException(key + "." + field, "must be greater than 0");
        return v;
    }

    static long nonNegativeLong(JsonObject json, String field, long dflt, String key) {
        Object v = json.getValue(field);
        if (v == null) return dflt;
        long n;
        if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
            n = num.longValue();
        } else if (v instanceof String s && s.matches("\\d+")) {
            n = Long.parseLong(s);
        } else {
            throw new ConfigException(key + "." + field, "must be a whole number, got '" + v + "'");
        }
        if (n < 0) throw new ConfigException(key + "." + field, "must not be negative");
        return n;
    }

    static List<String> stringList(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return List.of();
        if (!(v instanceof JsonArray array)) throw new ConfigException(key + "." + field, "must be a list of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (item == null || item instanceof JsonObject || item instanceof JsonArray) {
                throw new ConfigException(key + "." + field + "[" + i + "]", "must be a string");
            }
            out.add(String.valueOf(item));
        }
        return out;
    }

    static Map<String, String> stringMap(JsonObject json, String field, String key) {
        Object v = json.getValue(field);
        if (v == null) return Map.of();
        if (!(v instanceof JsonObject obj)) throw new ConfigException(key + "." + field, "must be a map of strings");
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : obj.fieldNames()) {
            Object item = obj.getValue(k);
            if (item == null || item instanceof JsonObject || item instanceof JsonArray) {
                throw new ConfigException(key + "." + field + "." + k, "must be a string");
            }
            out.put(k, String.valueOf(item));
        }
        return out;
    }
}
