package io.mcpstore.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a service runs in a cluster, and how calls to it may be retried: {@code replicas} nodes each hold one upstream
 * connection (calls are spread across them by {@code balance}), only on nodes with all of {@code labels} ({@code
 * placement: {labels: [...]}}); {@code retrySafe} ({@code retry: safe}) lets a call that failed because its replica
 * died go once to another replica, whatever the tool's annotations say. Without a cluster every service runs once, on
 * the one node.
 */
public record ServicePlacement(int replicas, boolean retrySafe, List<String> labels, Balance balance) {
    public static final ServicePlacement DEFAULT = new ServicePlacement(1, false, List.of());
    public static final int MAX_REPLICAS = 64;
    public static final ConfigKeys KEYS = ConfigKeys.of("labels");

    /** How a router picks one of a service's replicas for a call. */
    public enum Balance {
        /** Each replica in turn. */
        ROUND_ROBIN("round-robin"),
        /** The replica with the fewest calls in flight from this router; ties in turn. */
        LEAST_INFLIGHT("least-inflight");

        private final String id;

        Balance(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Balance of(Object value, String key) {
            for (Balance b : values()) if (b.id.equals(value)) return b;
            throw new ConfigException(key, "must be 'round-robin' or 'least-inflight', got '" + value + "'");
        }
    }

    public ServicePlacement {
        labels = List.copyOf(labels);
        if (balance == null) balance = Balance.ROUND_ROBIN;
    }

    public ServicePlacement(int replicas, boolean retrySafe, List<String> labels) {
        this(replicas, retrySafe, labels, Balance.ROUND_ROBIN);
    }

    /** Reads {@code replicas}, {@code retry} and {@code placement} of a service entry at {@code key}. */
    static ServicePlacement fromJson(JsonObject entry, String key) {
        Object r = entry.getValue("replicas");
        int replicas = 1;
        if (r != null) {
            if (!(r instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new ConfigException(key + ".replicas", "must be a whole number, got '" + r + "'");
            }
            if (n.longValue() < 1 || n.longValue() > MAX_REPLICAS) {
                throw new ConfigException(
                        key + ".replicas", "must be between 1 and " + MAX_REPLICAS + ", got " + n.longValue());
            }
            replicas = n.intValue();
        }
        Object retry = entry.getValue("retry");
        if (retry != null && !"safe".equals(retry) && !"never".equals(retry)) {
            throw new ConfigException(key + ".retry", "must be 'safe' or 'never', got '" + retry + "'");
        }
        Object b = entry.getValue("balance");
        Balance balance = b == null ? Balance.ROUND_ROBIN : Balance.of(b, key + ".balance");
        Object p = entry.getValue("placement");
        List<String> labels = new ArrayList<>();
        if (p != null) {
            if (!(p instanceof JsonObject placement)) throw new ConfigException(key + ".placement", "must be a map");
            KEYS.check(placement, key + ".placement");
            Object l = placement.getValue("labels");
            if (l instanceof String s) l = new JsonArray().add(s);
            if (l != null && !(l instanceof JsonArray)) {
                throw new ConfigException(key + ".placement.labels", "must be a list of strings");
            }
            if (l != null) {
                for (Object o : (JsonArray) l) {
                    if (!(o instanceof String s) || s.isBlank()) {
                        throw new ConfigException(key + ".placement.labels", "must be a list of strings");
                    }
                    labels.add(s);
                }
            }
        }
        return new ServicePlacement(replicas, "safe".equals(retry), labels, balance);
    }

    /** Writes only what differs from the default, so that entries without placement stay as they were. */
    void write(JsonObject json) {
        if (replicas != 1) json.put("replicas", replicas);
        if (retrySafe) json.put("retry", "safe");
        if (balance != Balance.ROUND_ROBIN) json.put("balance", balance.id());
        if (!labels.isEmpty()) {
            json.put("placement", new JsonObject().put("labels", new JsonArray(new ArrayList<>(labels))));
        }
    }

    /** Whether a node offering {@code nodeLabels} may hold this service. */
    public boolean fits(List<String> nodeLabels) {
        return nodeLabels.containsAll(labels);
    }
}
