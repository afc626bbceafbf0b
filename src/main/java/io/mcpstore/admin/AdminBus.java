package io.mcpstore.admin;

import io.mcpstore.bus.Addresses;
import io.mcpstore.cluster.Replicas;
import io.mcpstore.config.ServicePlacement;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The admin API's one client of the event bus: what a request looks like, how long it may take, and how its failure
 * becomes a {@link Problem}. Handlers get plain JSON or a failed future carrying a problem, never a bus exception.
 */
final class AdminBus {
    static final long STORE_TIMEOUT_MS = 15_000;
    static final long STATUS_TIMEOUT_MS = 5_000;
    /** What a tool call's bus request waits beyond the service's own timeout, so the upstream's 504 wins. */
    static final long CALL_GRACE_MS = 5_000;

    private final Vertx vertx;
    /** The replicas of services when clustered (null alone, or for a bus that makes no calls). */
    private final Replicas replicas;

    AdminBus(Vertx vertx) {
        this(vertx, null);
    }

    AdminBus(Vertx vertx, Replicas replicas) {
        this.vertx = vertx;
        this.replicas = replicas;
    }

    /** A config-store change ({@code CONFIG_UPDATE}): the store's reply, or its refusal as a problem. */
    Future<JsonObject> change(JsonObject op) {
        return request(Addresses.CONFIG_UPDATE, op, STORE_TIMEOUT_MS);
    }

    /**
     * A request to one of the gateway's own verticles (config store, audit log, service manager). A verticle that
     * failed the request answers with its code (404 stays 404, others 500); a reply carrying {@code error} is the
     * store's problem; no verticle or no answer in time is 503.
     */
    Future<JsonObject> request(String address, JsonObject body, long timeoutMs) {
        return vertx.eventBus()
                .<JsonObject>request(address, body, timeout(timeoutMs))
                .recover(e -> {
                    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                        int code = r.failureCode();
                        return Future.failedFuture(
                                new Problem(code == 404 || code == 409 || code == 400 ? code : 500, r.getMessage()));
                    }
                    return Future.failedFuture(new Problem(503, unreachable(address) + ": " + e.getMessage()));
                })
                .compose(m -> {
                    JsonObject reply = m.body();
                    if (reply != null && reply.getJsonObject("error") != null) {
                        return Future.failedFuture(Problem.fromStore(reply.getJsonObject("error")));
                    }
                    return Future.succeededFuture(reply);
                });
    }

    /** A request to a service's upstream verticle: its reply as it is, or a problem from {@link Problem#callFailed}. */
    /** Whether calls go to replicas of a cluster (else to the one local upstream). */
    boolean clustered() {
        return replicas != null;
    }

    /**
     * A call to a service's upstream: in a cluster to one of its replicas, as the MCP endpoints send them (its
     * balance; failing at once when the replica's node leaves, and going once to another replica when {@code
     * retrySafe}); alone, as {@link #upstream}.
     */
    Future<JsonObject> call(
            String service, JsonObject body, long timeoutMs, ServicePlacement placement, boolean retrySafe) {
        if (replicas == null) return upstream(service, body, timeoutMs);
        return replicas.request(
                        service, body, timeout(timeoutMs), placement == null ? null : placement.balance(), retrySafe)
                .map(Message::body)
                .recover(e -> Future.failedFuture(Problem.callFailed(service, e)));
    }

    Future<JsonObject> upstream(String service, JsonObject body, long timeoutMs) {
        return vertx.eventBus()
                .<JsonObject>request(Addresses.upstream(service), body, timeout(timeoutMs))
                .map(Message::body)
                .recover(e -> Future.failedFuture(Problem.callFailed(service, e)));
    }

    private static String unreachable(String address) {
        if (address.equals(Addresses.AUDIT_QUERY)) return "the audit log is unreachable";
        if (address.equals(Addresses.SERVICE_RESTART)) return "the service manager is unreachable";
        return "the config store is unreachable";
    }

    private static DeliveryOptions timeout(long ms) {
        return new DeliveryOptions().setSendTimeout(ms);
    }
}
