package io.mcpstore.cluster;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** The cluster part of {@code /health/ready}: this node's membership, or nothing when the gateway is not clustered. */
public final class ClusterHealth {
    private static final DeliveryOptions ASK =
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(2_000);

    private ClusterHealth() {}

    /** {@code {state: joined|left, name, node, members, nodes}}; null (at once) when not clustered. */
    public static Future<JsonObject> of(Vertx vertx) {
        if (!vertx.isClustered()) return Future.succeededFuture(null);
        return vertx.eventBus()
                .<JsonObject>request(Addresses.CLUSTER_STATUS, new JsonObject(), ASK)
                .map(Message::body)
                .otherwise(e -> new JsonObject().put("state", "starting").put("error", e.getMessage()));
    }

    /** Whether {@code status} (from {@link #of}) lets the node be ready: not clustered, or joined. */
    public static boolean joined(JsonObject status) {
        return status == null || "joined".equals(status.getString("state"));
    }
}
