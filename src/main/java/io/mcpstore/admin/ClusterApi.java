package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /cluster}: the nodes of the cluster, each with its HTTP address and the services it holds and their states
 * (from the node's cluster verticle). A gateway that is not clustered says so: {@code {enabled: false}}.
 */
final class ClusterApi extends Resource {
    private final Vertx vertx;

    ClusterApi(Vertx vertx, AdminBus bus, CurrentConfig current) {
        super(bus, current);
        this.vertx = vertx;
    }

    void get(RoutingContext ctx) {
        if (!vertx.isClustered()) {
            AdminHttp.json(ctx, 200, new JsonObject().put("enabled", false));
            return;
        }
        answer(ctx, nodes().map(n -> n.copy().put("enabled", true)), 200);
    }

    private Future<JsonObject> nodes() {
        return bus.request(Addresses.CLUSTER_NODES, new JsonObject(), AdminBus.STATUS_TIMEOUT_MS);
    }

    /**
     * The nodes holding {@code service}, {@code [{id, http}]}, for a service's status; none when not clustered or when
     * the cluster cannot say.
     */
    Future<JsonArray> holders(String service) {
        if (!vertx.isClustered()) return Future.succeededFuture(new JsonArray());
        return nodes().map(all -> {
                    JsonArray out = new JsonArray();
                    for (Object o : all.getJsonArray("nodes", new JsonArray())) {
                        JsonObject node = (JsonObject) o;
                        for (Object s : node.getJsonArray("services", new JsonArray())) {
                            if (service.equals(((JsonObject) s).getString("name"))) {
                                out.add(new JsonObject()
                                        .put("id", node.getString("id"))
                                        .put("name", node.getString("name"))
                                        .put("http", node.getString("http"))
                                        .put("slot", ((JsonObject) s).getInteger("slot")));
                            }
                        }
                    }
                    return out;
                })
                .otherwise(e -> new JsonArray());
    }
}
