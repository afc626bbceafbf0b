package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An app: its own endpoint prefix ({@code /research/mcp}) that shows only its services. */
public record AppConfig(String name, String prefix, List<String> services) {

    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9_.~-]+)+");
    /** Paths the gateway serves itself; an app prefix may not shadow them. */
    private static final Set<String> RESERVED =
            Set.of("/mcp", "/sse", "/message", "/health", "/metrics", "/api", "/.well-known");

    /** The keys an app entry knows. */
    public static final ConfigKeys KEYS = ConfigKeys.of("prefix", "services");

    public AppConfig {
        services = List.copyOf(services);
    }

    static AppConfig fromJson(String name, JsonObject json, Set<String> knownServices, String key) {
        if (json == null) throw new ConfigException(key, "must be an object with 'prefix' and 'services'");
        KEYS.check(json, key);
        String prefix = ServiceConfig.string(json, "prefix", key);
        if (prefix == null) prefix = "/" + name;
        if (prefix.endsWith("/")) prefix = prefix.substring(0, prefix.length() - 1);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ConfigException(key + ".prefix", "must look like /name (letters, digits, '_', '.', '~', '-')");
        }
        String first = prefix.indexOf('/', 1) < 0 ? prefix : prefix.substring(0, prefix.indexOf('/', 1));
        if (RESERVED.contains(first)) {
            throw new ConfigException(key + ".prefix", "'" + prefix + "' is reserved by the gateway");
        }
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

    public JsonObject toJson() {
        return new JsonObject().put("prefix", prefix).put("services", new JsonArray(new ArrayList<>(services)));
    }
}
