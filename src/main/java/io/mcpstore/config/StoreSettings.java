package io.mcpstore.config;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The {@code store} section: where revisions live. {@code file} (the default when the config is a file on disk),
 * {@code postgres} ({@code url}, {@code schema}) or {@code memory} (the embedded gateway; nothing persisted).
 */
public record StoreSettings(String type, String file, String url, String schema) {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** The keys the {@code store} section knows. */
    public static final ConfigKeys KEYS = ConfigKeys.of("type", "path", "url", "schema");

    public static StoreSettings memory() {
        return new StoreSettings("memory", null, null, null);
    }

    /** Reads the {@code store} section; {@code file} is the config file on disk, or null when there is none. */
    public static StoreSettings fromJson(JsonObject store, String file) {
        JsonObject s = store == null ? new JsonObject() : store;
        KEYS.check(s, "store");
        String type = ServiceConfig.string(s, "type", "store");
        if (type == null) type = file == null ? "memory" : "file";
        return switch (type) {
            case "memory" -> memory();
            case "file" -> {
                String path = ServiceConfig.string(s, "path", "store");
                if (path == null) path = file;
                if (path == null)
                    throw new ConfigException(
                            "store.path", "a file store needs a config file: start with --config FILE");
                yield new StoreSettings("file", path, null, null);
            }
            case "postgres", "postgresql" -> {
                String url = ServiceConfig.string(s, "url", "store");
                if (url == null || !(url.startsWith("postgresql://") || url.startsWith("postgres://"))) {
                    throw new ConfigException(
                            "store.url", "must be a postgresql://user@host:port/database URL, got '" + url + "'");
                }
                String schema = ServiceConfig.string(s, "schema", "store");
                if (schema == null) schema = "mcpstore";
                if (!SCHEMA.matcher(schema).matches()) {
                    throw new ConfigException(
                            "store.schema",
                            "must be a lower-case SQL name (letters, digits, '_'), got '" + schema + "'");
                }
                yield new StoreSettings("postgres", null, Placeholders.resolve(url), schema);
            }
            default ->
                throw new ConfigException(
                        "store.type", "unknown store '" + type + "' (expected file, postgres or memory)");
        };
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("type", type);
        if (file != null) json.put("file", file);
        if (url != null) json.put("url", url);
        if (schema != null) json.put("schema", schema);
        return json;
    }

    public static StoreSettings fromDeployment(JsonObject json) {
        return new StoreSettings(
                json.getString("type"), json.getString("file"), json.getString("url"), json.getString("schema"));
    }

    /** The store in a form safe to show: no password in the URL. */
    public JsonObject describe() {
        JsonObject json = new JsonObject().put("type", type);
        if (file != null) json.put("file", file);
        if (url != null) json.put("url", Secrets.redactUrl(url));
        if (schema != null) json.put("schema", schema);
        return json;
    }
}
