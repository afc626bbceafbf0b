package io.mcpstore.upstream;

import io.mcpstore.config.ServiceConfig;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.upstream.rest.RestServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * A rest service's "connection": its {@link RestServer}, an MCP server in this process whose tools are HTTP calls,
 * so that the upstream verticle's handshake, pings, timeouts and catalog work on it as on any other. Nothing to lose
 * but the HTTP client pool, which {@link #close()} closes.
 */
final class RestTransport implements Transport {
    private final Vertx vertx;
    private final ServiceConfig service;
    private RestServer server;
    private Handler<Inbound> inbound;
    private boolean closed;

    RestTransport(Vertx vertx, ServiceConfig service) {
        this.vertx = vertx;
        this.service = service;
    }

    @Override
    public Future<Void> open(Handler<Inbound> inbound, Handler<Throwable> lost) {
        this.inbound = inbound;
        try {
            server = RestServer.create(vertx, service);
        } catch (RuntimeException e) { // an unset ${env:…}, a schema that does not compile
            return Future.failedFuture(e);
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> send(JsonObject message) {
        if (server == null || closed) return Future.failedFuture(new IOException("transport is closed"));
        if (JsonRpc.isRequest(message)) {
            Object id = message.getValue("id");
            Long call = JsonRpcPeer.idOf(id);
            server.handle(message, call).onComplete(done -> {
                if (closed) return;
                JsonObject response = done.succeeded()
                        ? done.result()
                        : JsonRpc.error(
                                id,
                                JsonRpc.INTERNAL_ERROR,
                                String.valueOf(done.cause().getMessage()));
                inbound.handle(new Inbound(response, id));
            });
        } else if (McpMethods.NOTIFICATIONS_CANCELLED.equals(message.getString("method"))) {
            Long call = JsonRpcPeer.idOf(
                    message.getJsonObject("params", new JsonObject()).getValue("requestId"));
            if (call != null) server.abandon(call);
        }
        return Future.succeededFuture();
    }

    @Override
    public void abandon(long id) {
        if (server != null) server.abandon(id);
    }

    @Override
    public Future<Void> close() {
        closed = true;
        return server == null ? Future.succeededFuture() : server.close();
    }

    @Override
    public JsonObject describe() {
        return server == null ? new JsonObject() : server.describe();
    }
}
