package io.mcpstore.config;

import io.mcpstore.security.Identities;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The part of the config a store keeps and revises: {@code naming}, {@code catalog}, {@code services}, {@code apps}
 * (and, kept as given for the security settings, {@code users}, {@code keys}, {@code roles}). The rest — {@code
 * http}, {@code store} — is fixed at start-up. Also: secret redaction, YAML, and the {@code mcpServers} JSON of MCP
 * clients.
 */
public final class ConfigDocument {
    private ConfigDocument() {}

    /** Sections validated by {@link GatewayConfig}. */
    public static final List<String> REVISED = List.of("naming", "catalog", "services", "apps", "chat");
    /** Sections kept as given, for the security settings. */
    public static final List<String> PASSED_THROUGH = List.of("users", "keys", "roles", "signing");

    /** What the API shows instead of a secret. A write that sends it back keeps the stored value. */
    public static final String REDACTED = Secrets.REDACTED;

    /** The revised sections of {@code config}, in canonical form. */
    public static JsonObject of(JsonObject config) {
        JsonObject canonical = GatewayConfig.fromJson(config).toJson();
        JsonObject doc = new JsonObject();
        for (String k : REVISED) {
            if (canonical.getValue(k) != null) doc.put(k, canonical.getValue(k)); // chat: only when set
        }
        for (String k : PASSED_THROUGH) {
            if (config.getValue(k) != null) doc.put(k, config.getValue(k));
        }
        return doc;
    }

    /** {@code base} (the start-up config) with its revised sections replaced by {@code document}'s. */
    public static JsonObject effective(JsonObject base, JsonObject document) {
        JsonObject out = base.copy();
        for (String k : REVISED) {
            if (document.getValue(k) != null) out.put(k, document.getValue(k));
            else out.remove(k);
        }
        return out;
    }

    /**
     * Validates {@code document} on top of {@code base} and returns it in canonical form; a {@link ConfigException}
     * names the offending key.
     */
    public static JsonObject validate(JsonObject base, JsonObject document) {
        JsonObject doc = of(effective(base, document));
        for (String k : PASSED_THROUGH) {
            Object v = document.getValue(k);
            if (v == null) continue;
            if (!(v instanceof JsonObject) && !(v instanceof JsonArray)) {
                throw new ConfigException(k, "must be a map or a list");
            }
            doc.put(k, v);
        }
        // Names the offending key of a hand-edited user or key.
        for (String k : List.of("users", "keys", "signing")) {
            if (doc.getValue(k) != null && !(doc.getValue(k) instanceof JsonObject)) {
                throw new ConfigException(k, "must be a map");
            }
        }
        Identities.users(doc.getJsonObject("users"));
        Identities.keys(doc.getJsonObject("keys"));
        return doc;
    }

    /** A service entry as the API shows it: its secrets redacted (see {@link Secrets}). */
    public static JsonObject redact(JsonObject entry) {
        return Secrets.redact(entry);
    }

    /**
     * The document with every service entry redacted, users and keys without their hashes and no signing key: what
     * the API shows of the config and of a revision.
     */
    public static JsonObject redactDocument(JsonObject document) {
        return chat(Identities.redactDocument(services(document, Secrets::redact)), false);
    }

    /**
     * The document as an export carries it: references as written, secrets sealed with this gateway's key (or, with
     * none, left out as {@code ***}); see {@link Secrets#export}.
     */
    public static JsonObject exportDocument(JsonObject document) {
        return chat(Identities.redactDocument(services(document, Secrets::export)), true);
    }

    /** The document with the chat section's API key redacted, or sealed for an export (see {@link ChatSettings}). */
    private static JsonObject chat(JsonObject document, boolean export) {
        JsonObject shown = ChatSettings.redactSection(document.getValue("chat"), export);
        return shown == null ? document : document.put("chat", shown);
    }

    /** The document with every service's literal secrets sealed, when a key is set (a seed for a new store). */
    public static JsonObject sealDocument(JsonObject document) {
        if (SecretBox.current() == null) return document;
        JsonObject out = document.copy();
        JsonObject services = out.getJsonObject("services");
        if (services == null) return out;
        JsonObject sealed = new JsonObject();
        services.forEach(e -> sealed.put(
                e.getKey(),
                e.getValue() instanceof JsonObject o
                        ? Secrets.accept(o, null, "services." + e.getKey())
                        : e.getValue()));
        return out.put("services", sealed);
    }

    /**
     * {@code entry} made ready to be stored: {@code ***} sent back keeps the value stored in {@code old}, every
     * {@code ${enc:…}} must open with this gateway's key, literal secrets sealed when a key is set.
     */
    public static JsonObject accept(JsonObject entry, JsonObject old, String key) {
        return Secrets.accept(entry, old, key);
    }

    private static JsonObject services(JsonObject document, java.util.function.UnaryOperator<JsonObject> f) {
        JsonObject out = document.copy();
        JsonObject services = out.getJsonObject("services");
        if (services != null) {
            JsonObject shown = new JsonObject();
            services.forEach(
                    e -> shown.put(e.getKey(), e.getValue() instanceof JsonObject o ? f.apply(o) : e.getValue()));
            out.put("services", shown);
        }
        return out;
    }

    /** {@code services} entries from the {@code {"mcpServers": {...}}} JSON that MCP clients write. */
    public static JsonObject fromMcpServers(JsonObject json) {
        return fromServers(
                json, json.containsKey("servers") && !json.containsKey("mcpServers") ? "servers" : "mcpServers");
    }

    /**
     * {@code json} as our config when it is an MCP client's file: {@code {"mcpServers": {...}}} (Claude Desktop,
     * Cursor) or VS Code's {@code {"servers": {...}}} (entries with {@code type: stdio|http|sse}); their servers become
     * the {@code services}, other keys stay. Our own config is returned as it is.
     */
    public static JsonObject fromClientShape(JsonObject json) {
        String key = json.containsKey("mcpServers") ? "mcpServers" : json.containsKey("servers") ? "servers" : null;
        if (key == null) return json;
        if (json.containsKey("services")) {
            throw new ConfigException(key, "a config has either 'services' or '" + key + "', not both");
        }
        JsonObject out = json.copy();
        out.remove(key);
        if (key.equals("servers")) {
            // VS Code's prompts for secrets; a ${input:…} could not be resolved here.
            Object inputs = out.remove("inputs");
            if (inputs instanceof JsonArray list && !list.isEmpty()) {
                throw new ConfigException(
                        "inputs", "VS Code input prompts are not supported: use ${env:NAME} references");
            }
        }
        return out.put("services", fromServers(json, key));
    }

    private static JsonObject fromServers(JsonObject json, String key) {
        Object servers = json.getValue(key);
        if (!(servers instanceof JsonObject map)) throw new ConfigException(key, "must be a map of servers");
        JsonObject services = new JsonObject();
        for (String name : map.fieldNames()) {
            Object v = map.getValue(name);
            if (!(v instanceof JsonObject entry)) throw new ConfigException(key + "." + name, "must be an object");
            JsonObject e = entry.copy();
            // Client-only keys that are not ours.
            e.remove("disabled");
            if (Boolean.TRUE.equals(entry.getValue("disabled"))) e.put("enabled", false);
            services.put(name, e);
        }
        return services;
    }

    /**
     * The services of {@code document} as the {@code mcpServers} JSON of MCP clients (rest services left out: they
     * have no server of their own); give it a redacted or exported document.
     */
    public static JsonObject toMcpServers(JsonObject document) {
        JsonObject servers = new JsonObject();
        JsonObject services = document.getJsonObject("services", new JsonObject());
        for (String name : services.fieldNames()) {
            JsonObject e = services.getJsonObject(name);
            // A rest service is no MCP server a client could reach by itself: only the gateway serves its tools.
            if ("rest".equals(e.getValue("transport"))) continue;
            JsonObject out = new JsonObject();
            if (e.getValue("command") != null) {
                out.put("command", e.getValue("command")).put("args", e.getValue("args", new JsonArray()));
                if (e.getValue("env") != null) out.put("env", e.getValue("env"));
                if (e.getValue("cwd") != null) out.put("cwd", e.getValue("cwd"));
            } else {
                out.put("type", "sse".equals(e.getString("transport")) ? "sse" : "http")
                        .put("url", e.getValue("url"));
                if (e.getValue("headers") != null) out.put("headers", e.getValue("headers"));
            }
            if (Boolean.FALSE.equals(e.getValue("enabled"))) out.put("disabled", true);
            servers.put(name, out);
        }
        return new JsonObject().put("mcpServers", servers);
    }

    /** Parses YAML (or JSON, which is YAML) into JSON; a malformed text is a {@link ConfigException} at the root. */
    public static JsonObject parseYaml(String text) {
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where =
                    mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            String problem = e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage());
            throw new ConfigException("(document)", "is not valid YAML or JSON: " + where + problem);
        } catch (RuntimeException e) {
            throw new ConfigException("(document)", "is not valid YAML or JSON: " + firstLine(e.getMessage()));
        }
        if (parsed == null) return new JsonObject();
        if (!(parsed instanceof Map<?, ?> map)) throw new ConfigException("(document)", "must be a map at the top");
        return new JsonObject(toJsonMap(map));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toJsonMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), toJsonValue(v)));
        return out;
    }

    private static Object toJsonValue(Object v) {
        if (v instanceof Map<?, ?> m) return new JsonObject(toJsonMap(m));
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(i -> out.add(toJsonValue(i)));
            return new JsonArray(out);
        }
        if (v instanceof java.util.Date d) return d.toInstant().toString();
        return v;
    }

    /** Writes {@code json} as block-style YAML. */
    public static String toYaml(JsonObject json) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(120);
        return new Yaml(options).dump(plain(json));
    }

    private static Object plain(Object v) {
        if (v instanceof JsonObject o) {
            Map<String, Object> out = new LinkedHashMap<>();
            o.forEach(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        if (v instanceof JsonArray a) {
            List<Object> out = new ArrayList<>();
            a.forEach(i -> out.add(plain(i)));
            return out;
        }
        return v;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
