package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An app: its own endpoint prefix ({@code /research/mcp}) that shows only its services. */
public record AppConfig(String name, String prefix, List<String> services) {

    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9_.~-]+)+");
    /** Paths the gateway serves itself; an app prefix may not shadow them. */
    private static final List<String> RESERVED =
            List.of("/mcp", "/sse", "/message", "/api", "/health", "/metrics", "/.well-known");

    /** The keys an app entry knows. */
    public static final ConfigKeys KEYS = ConfigKeys.of("prefix", "services");

    public AppConfig {
        services = List.copyOf(services);
    }

    static AppConfig fromJson(String name, JsonObject json, Set<String> knownServices, String key) {
        if (json == null) throw new ConfigException(key, "must be an object with 'prefix' and 'services'");
        KEYS.check(json, key);
        String given = ServiceConfig.string(json, "prefix", key);
        String prefix = prefix(given == null ? "/" + name : given, key + ".prefix");
        Object list = json.getValue("services");
        if (!(list instanceof JsonArray array)) {
            throw new ConfigException(key + ".services", "must be a list of service names");
        }
        List<String> services = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object s = array.getValue(i);
            if (!(s instanceof String service) || !knownServices.contains(service)) {
                throw new ConfigException(
                        key + ".services[" + i + "]", "'" + s + "' is not a service defined under 'services'");
            }
            services.add(service);
        }
        return new AppConfig(name, prefix, services);
    }

    /**
     * The prefix normalised (no trailing '/'), or a {@link ConfigException} naming {@code key}: it must be one or
     * more plain path segments, none of them {@code .} or {@code ..} (a client's URL normalisation would send those
     * requests elsewhere), and not start with a path the gateway serves itself.
     */
    private static String prefix(String given, String key) {
        String prefix = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
        if (prefix.isEmpty()) {
            throw new ConfigException(key, "'" + given + "' is the gateway's own endpoint (/mcp, /sse, /message)");
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ConfigException(
                    key, "must look like /name (letters, digits, '_', '.', '~', '-'), got '" + given + "'");
        }
        List<String> segments = List.of(prefix.substring(1).split("/"));
        for (String segment : segments) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new ConfigException(key, "'" + given + "' has a '" + segment + "' segment; use plain names");
            }
        }
        if (RESERVED.contains("/" + segments.get(0))) {
            throw new ConfigException(
                    key, "'" + given + "' is reserved by the gateway (" + String.join(", ", RESERVED) + ")");
        }
        return prefix;
    }

    /**
     * Refuses {@code app} when its prefix equals another app's or one is a path prefix of the other ({@code /a} and
     * {@code /a/b}): every request path must belong to one endpoint. {@code others} are the apps accepted before it.
     */
    static void refuseOverlap(AppConfig app, Collection<AppConfig> others, String key) {
        for (AppConfig other : others) {
            if (other.prefix.equals(app.prefix)) {
                throw new ConfigException(key, "'" + app.prefix + "' is already used by app '" + other.name + "'");
            }
            if (nests(other.prefix, app.prefix) || nests(app.prefix, other.prefix)) {
                throw new ConfigException(
                        key,
                        "'" + app.prefix + "' overlaps app '" + other.name + "' at '" + other.prefix
                                + "' (one prefix may not lie inside another)");
            }
        }
    }

    /** Whether {@code inner} lies below {@code outer}, segment-wise: {@code /a/b} below {@code /a}, not {@code /ab}. */
    private static boolean nests(String outer, String inner) {
        return inner.startsWith(outer + "/");
    }

    public JsonObject toJson() {
        return new JsonObject().put("prefix", prefix).put("services", new JsonArray(new ArrayList<>(services)));
    }
}
