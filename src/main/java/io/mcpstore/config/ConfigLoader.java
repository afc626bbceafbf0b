package io.mcpstore.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the gateway config once, through vertx-config, in this order (later wins): the YAML file, environment
 * variables {@code MCPSTORE_*} ({@code MCPSTORE_HTTP_PORT=9000} sets {@code http.port}), then system properties
 * {@code mcpstore.*} ({@code -Dmcpstore.naming.mode=never}). A file in an MCP client's shape ({@code mcpServers},
 * VS Code's {@code servers}) is read as the services.
 *
 * <p>A variable or property whose first segment is a config section ({@code MCPSTORE_HTTP_…}) must name a known key,
 * like the file's keys; one whose first segment is close to a section is taken for a typo ({@code MCPSTORE_HTPP_PORT}).
 * Others ({@code MCPSTORE_SECRET_KEY}, {@code MCPSTORE_LOG_LEVEL}, {@code -Dmcpstore.nativeTransport}) are settings
 * the code reads itself, not config keys, and are left alone.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    private static final String ENV_PREFIX = "MCPSTORE_";
    private static final String SYS_PREFIX = "mcpstore.";

    /** A config that cannot be used: names the file, the key and what is wrong. */
    public static final class InvalidConfig extends RuntimeException {
        public InvalidConfig(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Future<JsonObject> load(Vertx vertx, Path file) {
        // A relative path missing on disk may still be packaged in the jar (the embedded default config).
        boolean packaged = !file.isAbsolute()
                && ConfigLoader.class
                                .getClassLoader()
                                .getResource(file.toString().replace('\\', '/'))
                        != null;
        if (!Files.isRegularFile(file) && !packaged) {
            return Future.failedFuture(new InvalidConfig("Config error: file " + file + " does not exist", null));
        }
        ConfigStoreOptions yaml = new ConfigStoreOptions()
                .setType("file")
                .setFormat("yaml")
                .setConfig(new JsonObject().put("path", file.toString()));
        ConfigStoreOptions env =
                new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true));
        ConfigStoreOptions sys = new ConfigStoreOptions().setType("sys");
        // Three retrievals rather than one merge, so that overrides are told apart from the file's own keys.
        return retrieve(vertx, yaml)
                .recover(e -> Future.failedFuture(
                        new InvalidConfig("Config error in " + file + ": cannot read it: " + rootMessage(e), e)))
                .map(config -> {
                    try {
                        return ConfigDocument.fromClientShape(config);
                    } catch (ConfigException e) {
                        throw new InvalidConfig("Config error in " + file + ": " + e.getMessage(), e);
                    }
                })
                .compose(config -> retrieve(vertx, env).map(vars -> overlay(config, vars, ENV_PREFIX, "_")))
                .compose(config -> retrieve(vertx, sys).map(props -> overlay(config, props, SYS_PREFIX, "\\.")));
    }

    private static Future<JsonObject> retrieve(Vertx vertx, ConfigStoreOptions store) {
        ConfigRetriever retriever = ConfigRetriever.create(
                vertx,
                new ConfigRetrieverOptions()
                        .setScanPeriod(0)
                        .setIncludeDefaultStores(false)
                        .addStore(store));
        return retriever.getConfig().eventually(retriever::close);
    }

    /** Validates the loaded JSON; the error message names {@code source}, the key and the rule. */
    public static GatewayConfig validate(JsonObject json, String source) {
        try {
            return GatewayConfig.fromJson(json);
        } catch (ConfigException e) {
            throw new InvalidConfig("Config error in " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code store} section: a config file given with {@code --config} defaults to the file store; the built-in
     * default config (conf/mcpstore.yaml, in the jar or the checkout) to memory, so that it is never written.
     */
    public static StoreSettings storeSettings(JsonObject json, Path file, boolean given) {
        try {
            // An MCP client's file stays the client's: it is read, never rewritten in our shape.
            boolean ours = given && Files.isRegularFile(file) && !isClientFile(file);
            return StoreSettings.fromJson(json.getJsonObject("store"), ours ? file.toString() : null);
        } catch (ConfigException e) {
            throw new InvalidConfig("Config error in " + file + ": " + e.getMessage(), e);
        } catch (ClassCastException e) {
            throw new InvalidConfig("Config error in " + file + ": store: must be a map", e);
        }
    }

    /** The {@code cluster} section; {@code forced} is {@code serve --cluster}, which turns it on. */
    public static ClusterSettings clusterSettings(JsonObject json, Path file, boolean forced) {
        try {
            Object c = json.getValue("cluster");
            if (c != null && !(c instanceof JsonObject)) throw new ConfigException("cluster", "must be a map");
            return ClusterSettings.fromJson((JsonObject) c, forced);
        } catch (ConfigException e) {
            throw new InvalidConfig("Config error in " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isClientFile(Path file) {
        try {
            JsonObject raw = ConfigDocument.parseYaml(Files.readString(file));
            return raw.containsKey("mcpServers") || raw.containsKey("servers");
        } catch (java.io.IOException | ConfigException e) {
            return false; // load() has read it already; a file changed since is caught by the store
        }
    }

    /** Applies every {@code prefix}ed key of {@code source} to {@code config}, split into a path by {@code separator}. */
    static JsonObject overlay(JsonObject config, JsonObject source, String prefix, String separator) {
        for (Map.Entry<String, Object> e : source) {
            if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
                String origin = (prefix.equals(ENV_PREFIX) ? "environment variable " : "system property ") + e.getKey();
                set(config, List.of(e.getKey().substring(prefix.length()).split(separator)), e.getValue(), origin);
            }
        }
        return config;
    }

    private static void set(JsonObject root, List<String> path, Object raw, String origin) {
        ConfigKeys top = GatewayConfig.TOP_KEYS;
        if (top.canonical(path.get(0)) == null) {
            if (top.closest(path.get(0)) == null) return; // not a config key: a setting the code reads itself
            throw new InvalidConfig(
                    "Config error in " + origin + ": "
                            + top.unknown(path.get(0), "").getMessage(),
                    null);
        }
        JsonObject node = root;
        List<String> done = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            String key = matchKey(node, done, path.get(i), origin);
            done.add(key);
            if (i == path.size() - 1) {
                node.put(key, parseValue(raw));
            } else {
                Object child = node.getValue(key);
                if (!(child instanceof JsonObject)) {
                    child = new JsonObject();
                    node.put(key, child);
                }
                node = (JsonObject) child;
            }
        }
    }

    /**
     * {@code MAXBODYBYTES} is the known key {@code maxBodyBytes} of its section, and must be one; where keys are free
     * (service names, env), an existing key in any case, else the lower-cased segment.
     */
    private static String matchKey(JsonObject node, List<String> parent, String segment, String origin) {
        ConfigKeys known = GatewayConfig.keysAt(parent);
        if (known != null) {
            String key = known.canonical(segment);
            if (key == null) {
                String section = String.join(".", parent);
                throw new InvalidConfig(
                        "Config error in " + origin + ": "
                                + known.unknown(segment.toLowerCase(Locale.ROOT), section)
                                        .getMessage(),
                        null);
            }
            return key;
        }
        for (String existing : node.fieldNames()) {
            if (existing.equalsIgnoreCase(segment)) return existing;
        }
        return segment.toLowerCase(Locale.ROOT);
    }

    private static Object parseValue(Object raw) {
        if (!(raw instanceof String s)) return raw;
        String t = s.trim();
        if (t.startsWith("{") || t.startsWith("[") || t.matches("-?\\d+") || t.equals("true") || t.equals("false")) {
            try {
                return Json.decodeValue(t);
            } catch (DecodeException ignored) {
                return s;
            }
        }
        return s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.toString() : m;
    }
}
