package io.mcpstore.upstream;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC over one {@link Transport}: assigns ids, correlates responses, times calls out (and tells the server with
 * {@code notifications/cancelled}), answers the server's own requests and hands its notifications on. Lives on the
 * verticle's context; one per connection attempt.
 */
final class JsonRpcPeer {
    private final Vertx vertx;
    private final Transport transport;
    private final String service;
    private final Function<Transport.Inbound, Future<JsonObject>> serverRequests;
    private final Handler<Transport.Inbound> notifications;
    /** How often calls in flight are checked against their deadlines (one timer for all, not one per call). */
    static final long DEADLINE_SWEEP_MS = 50;

    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextId = 1;
    private Throwable lost;
    private long sweepTimer = -1;

    private record Pending(Promise<JsonObject> promise, String method, long timeoutMs, long deadline) {}

    /**
     * @param serverRequests answers a request the server sends us: takes the request (with the request of ours it
     *     came with, when the transport knows), completes with the {@code result} object, or fails with an {@link
     *     RpcError} for a JSON-RPC error
     * @param notifications takes the server's notifications, likewise
     */
    JsonRpcPeer(
            Vertx vertx,
            Transport transport,
            String service,
            Function<Transport.Inbound, Future<JsonObject>> serverRequests,
            Handler<Transport.Inbound> notifications) {
        this.vertx = vertx;
        this.transport = transport;
        this.service = service;
        this.serverRequests = serverRequests;
        this.notifications = notifications;
    }

    /** A JSON-RPC error to answer a server request with. */
    static final class RpcError extends RuntimeException {
        final int code;

        RpcError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /** Opens the transport; {@code lost} fires once if the connection drops, after every pending call failed. */
    Future<Void> open(Handler<Throwable> lost) {
        return transport.open(this::receive, cause -> {
            failAll(UpstreamException.unavailable(service, "connection lost: " + cause.getMessage()));
            lost.handle(cause);
        });
    }

    Transport transport() {
        return transport;
    }

    /**
     * Sends a request and completes with the server's response message ({@code result} or {@code error}), or fails
     * with an {@link UpstreamException} (timeout, connection lost) or a {@link SessionExpiredException}.
     */
    Future<JsonObject> request(String method, JsonObject params, long timeoutMs) {
        return request(method, params, timeoutMs, id -> {});
    }

    /** As {@link #request(String, JsonObject, long)}, telling {@code onId} the id the request goes out with. */
    Future<JsonObject> request(String method, JsonObject params, long timeoutMs, java.util.function.LongConsumer onId) {
        if (lost != null) return Future.failedFuture(lost);
        long id = nextId++;
        onId.accept(id);
        Promise<JsonObject> promise = Promise.promise();
        pending.put(id, new Pending(promise, method, timeoutMs, System.nanoTime() + timeoutMs * 1_000_000));
        if (sweepTimer < 0) sweepTimer = vertx.setPeriodic(DEADLINE_SWEEP_MS, t -> sweep());
        transport.send(JsonRpc.request(id, method, params)).onFailure(cause -> settle(id, null, sendFailure(cause)));
        return promise.future();
    }

    Future<Void> notify(String method, JsonObject params) {
        if (lost != null) return Future.failedFuture(lost);
        return transport.send(JsonRpc.notification(method, params));
    }

    /** Fails every pending call with {@code cause}, and every later one. */
    void failAll(Throwable cause) {
        if (lost == null) lost = cause;
        List<Long> ids = new ArrayList<>(pending.keySet());
        ids.forEach(id -> settle(id, null, cause));
    }

    Future<Void> close() {
        if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
        sweepTimer = -1;
        return transport.close();
    }

    int inFlight() {
        return pending.size();
    }

    /** Times out the calls past their deadline; stops once nothing is in flight (the next call starts it again). */
    private void sweep() {
        if (pending.isEmpty()) {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
            return;
        }
        long now = System.nanoTime();
        List<Long> expired = new ArrayList<>();
        pending.forEach((id, p) -> {
            if (now - p.deadline() >= 0) expired.add(id);
        });
        expired.forEach(this::timedOut);
    }

    private void timedOut(long id) {
        Pending p = pending.get(id);
        if (p == null) return;
        String method = p.method();
        long timeoutMs = p.timeoutMs();
        settle(id, null, UpstreamException.timeout(service, method, timeoutMs));
        // Let the server stop working on it; a late answer is ignored anyway.
        notify(
                McpMethods.NOTIFICATIONS_CANCELLED,
                new JsonObject().put("requestId", id).put("reason", "timed out after " + timeoutMs + " ms"));
    }

    private Throwable sendFailure(Throwable cause) {
        if (cause instanceof SessionExpiredException || cause instanceof UpstreamException) return cause;
        return UpstreamException.unavailable(service, cause.getMessage());
    }

    private void settle(long id, JsonObject response, Throwable failure) {
        Pending p = pending.remove(id);
        if (p == null) return;
        if (failure != null) {
            // Timed out, cancelled, lost: whatever the transport still holds for it (an HTTP request) is let go.
            transport.abandon(id);
            p.promise().fail(failure);
        } else {
            p.promise().complete(response);
        }
    }

    private void receive(Transport.Inbound inbound) {
        JsonObject message = inbound.message();
        if (JsonRpc.isResponse(message)) {
            Object raw = message.getValue("id");
            Long id = idOf(raw);
            if (id != null) {
                settle(id, message, null);
            } else if (raw == null && message.containsKey("error")) {
                unattributed(message);
            }
        } else if (JsonRpc.isRequest(message)) {
            answer(inbound);
        } else if (JsonRpc.isNotification(message)) {
            notifications.handle(inbound);
        }
    }

    /**
     * An error that names no request (JSON-RPC's null id: the server, or our transport for a message too large to
     * read, could not tell which): it can only be the call in flight if there is exactly one; else it is logged.
     */
    private void unattributed(JsonObject error) {
        if (pending.size() == 1) {
            settle(pending.keySet().iterator().next(), error, null);
        } else {
            LoggerFactory.getLogger("mcpstore.upstream." + service)
                    .warn(
                            "service '{}' sent an error for no request in particular ({} calls in flight): {}",
                            service,
                            pending.size(),
                            error.getValue("error"));
        }
    }

    private void answer(Transport.Inbound inbound) {
        Object id = inbound.message().getValue("id");
        Future<JsonObject> result;
        try {
            result = serverRequests.apply(inbound);
        } catch (RpcError e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(done -> {
            if (lost != null) return;
            transport.send(
                    done.succeeded()
                            ? JsonRpc.result(id, done.result())
                            : done.cause() instanceof RpcError e
                                    ? JsonRpc.error(id, e.code, e.getMessage())
                                    : JsonRpc.error(
                                            id,
                                            JsonRpc.INTERNAL_ERROR,
                                            String.valueOf(done.cause().getMessage())));
        });
    }

    /** Settles a call the client cancelled: the server is told, and the caller gets {@code cause}. */
    void cancel(long id, String reason, Throwable cause) {
        if (!pending.containsKey(id)) return;
        settle(id, null, cause);
        notify(
                McpMethods.NOTIFICATIONS_CANCELLED,
                new JsonObject().put("requestId", id).put("reason", reason));
    }

    /** Our ids are numbers; a server may echo them back as numbers of another width, or as strings. */
    static Long idOf(Object id) {
        if (id instanceof Number n) return n.longValue();
        if (id instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException notOurs) {
                return null;
            }
        }
        return null;
    }
}
