package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code cluster} section: this node's place in a cluster of gateways sharing one event bus (Hazelcast). Node-local
 * like {@code store} (each node has its own host and ports), so it is read from the file at start and never kept in the
 * config store. Off unless {@code enabled} (or {@code mcpstore serve --cluster}).
 *
 * @param name the cluster name: nodes join only a cluster of the same name
 * @param host the one interface Hazelcast and the event bus bind to, and the address other nodes reach this node at
 * @param port Hazelcast's port (no auto-increment: a busy port is a start failure, not a surprise)
 * @param busPort the event bus's port on {@code host}; 0 = any free port (other nodes learn it through Hazelcast)
 * @param members the other nodes to join, {@code host:port} (TCP/IP join; multicast and auto-detection are off)
 * @param labels what this node offers, for services pinned with {@code placement: {labels: [...]}}
 */
public record ClusterSettings(
        boolean enabled, String name, String host, int port, int busPort, List<String> members, List<String> labels) {
    public static final String DEFAULT_NAME = "mcpstore";
    public static final int DEFAULT_PORT = 5701;
    public static final ClusterSettings OFF =
            new ClusterSettings(false, DEFAULT_NAME, "127.0.0.1", DEFAULT_PORT, 0, List.of(), List.of());

    /** The keys the {@code cluster} section knows. */
    public static final ConfigKeys KEYS =
            ConfigKeys.of("enabled", "name", "host", "port", "busPort", "members", "labels");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

    public ClusterSettings {
        members = List.copyOf(members);
        labels = List.copyOf(labels);
    }

    /** Reads the {@code cluster} section (null when absent); {@code forced} is {@code --cluster}. */
    public static ClusterSettings fromJson(JsonObject cluster, boolean forced) {
        JsonObject c = cluster == null ? new JsonObject() : cluster;
        KEYS.check(c, "cluster");
        Object enabled = c.getValue("enabled", Boolean.FALSE);
        if (!(enabled instanceof Boolean)) throw new ConfigException("cluster.enabled", "must be true or false");
        String name = ServiceConfig.string(c, "name", "cluster");
        if (name == null) name = DEFAULT_NAME;
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(
                    "cluster.name", "must be 1-64 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        String host = ServiceConfig.string(c, "host", "cluster");
        if (host == null) host = "127.0.0.1";
        host = host.trim();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            throw new ConfigException(
                    "cluster.host",
                    "must be the one address of this node that the other nodes reach (not a wildcard), got '" + host
                            + "'");
        }
        int port = port(c, "port", DEFAULT_PORT, 1);
        int busPort = port(c, "busPort", 0, 0);
        if (busPort != 0 && busPort == port) {
            throw new ConfigException("cluster.busPort", "must differ from cluster.port (" + port + ")");
        }
        List<String> members = new ArrayList<>();
        for (String m : strings(c, "members")) {
            members.add(member(m.trim()));
        }
        List<String> labels = new ArrayList<>();
        for (String l : strings(c, "labels")) {
            if (!LABEL.matcher(l).matches()) {
                throw new ConfigException(
                        "cluster.labels", "a label is 1-64 letters, digits, '_', '.', ':' or '-', got '" + l + "'");
            }
            labels.add(l);
        }
        return new ClusterSettings(forced || (Boolean) enabled, name, host, port, busPort, members, labels);
    }

    /** {@code host:port} or {@code host} (then port 5701), as Hazelcast's TCP/IP join takes it. */
    private static String member(String m) {
        String key = "cluster.members";
        String host = m;
        String port = null;
        int colon = m.lastIndexOf(':');
        if (m.startsWith("[")) {
            int close = m.indexOf(']');
            if (close < 0) throw new ConfigException(key, "a member is host:port, got '" + m + "'");
            host = m.substring(0, close + 1);
            if (close + 1 < m.length()) {
                if (m.charAt(close + 1) != ':')
                    throw new ConfigException(key, "a member is host:port, got '" + m + "'");
                port = m.substring(close + 2);
            }
        } else if (colon > 0 && m.indexOf(':') == colon) {
            host = m.substring(0, colon);
            port = m.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains(" ") || host.contains("/")) {
            throw new ConfigException(key, "a member is host:port, got '" + m + "'");
        }
        if (port == null) return host + ":" + DEFAULT_PORT;
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new ConfigException(key, "a member's port must be 1-65535, got '" + m + "'");
        }
        return host + ":" + port;
    }

    private static int port(JsonObject c, String field, int dflt, int min) {
        Object v = c.getValue(field);
        if (v == null) return dflt;
        if (v instanceof String s && s.trim().matches("\\d+")) v = Long.parseLong(s.trim());
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException("cluster." + field, "must be a whole number, got '" + v + "'");
        }
        long p = n.longValue();
        if (p < min || p > 65535) {
            throw new ConfigException("cluster." + field, "must be between " + min + " and 65535, got " + p);
        }
        return (int) p;
    }

    private static List<String> strings(JsonObject c, String field) {
        Object v = c.getValue(field);
        if (v == null) return List.of();
        if (v instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim().split("\\s*,\\s*"));
        }
        if (!(v instanceof JsonArray a)) throw new ConfigException("cluster." + field, "must be a list of strings");
        List<String> out = new ArrayList<>();
        for (Object o : a) {
            if (!(o instanceof String s)) {
                throw new ConfigException("cluster." + field, "must be a list of strings, got '" + o + "'");
            }
            out.add(s);
        }
        return out;
    }

    /** This node's name in metrics and logs: {@code host:port} of its Hazelcast member, known before it joins. */
    public String nodeName() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("enabled", enabled)
                .put("name", name)
                .put("host", host)
                .put("port", port)
                .put("busPort", busPort)
                .put("members", new JsonArray(new ArrayList<>(members)))
                .put("labels", new JsonArray(new ArrayList<>(labels)));
    }

    public static ClusterSettings fromDeployment(JsonObject json) {
        if (json == null) return OFF;
        return fromJson(json, false);
    }
}
