package io.mcpstore.upstream;

import io.mcpstore.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A pipe of JSON-RPC messages to one upstream MCP server. It knows nothing about ids, methods or state: the {@link
 * JsonRpcPeer} on top of it correlates, and the {@link UpstreamVerticle} decides what a lost connection means.
 *
 * <p>Every method is called on the verticle's context, and every callback comes back on that same context.
 */
interface Transport {

    /**
     * A message the server sent, and the id of our request it came with when the transport knows it: a Streamable
     * HTTP server answers each POST with a stream of its own, so what arrives there belongs to that request. Null
     * when the transport cannot tell (stdio, legacy SSE, the GET stream): the message itself may still say.
     */
    record Inbound(JsonObject message, Object request) {}

    /**
     * Connects. {@code inbound} receives each message the server sends (a batch arrives as its members, in order);
     * {@code closed} fires at most once, when the connection is lost on its own, and never after {@link #close()}.
     */
    Future<Void> open(Handler<Inbound> inbound, Handler<Throwable> closed);

    /** Sends one message. Completes when the server took it, not when it answered; many may be in flight. */
    Future<Void> send(JsonObject message);

    /** Ends the connection and everything it owns (a child process, HTTP connections, a server session). */
    Future<Void> close();

    /**
     * The call with this id ended without its answer (timed out, cancelled, connection lost): let go of whatever is
     * still open for it, such as the HTTP request its answer was to come on, so that it holds no connection.
     */
    default void abandon(long id) {}

    /**
     * The protocol version the handshake settled on (or is trying: 2026-07-28 before {@code server/discover}; null
     * to start over); HTTP transports send it on every later request, and for 2026-07-28 hold no session.
     */
    default void negotiated(String protocolVersion) {}

    /** For 2026-07-28: the headers each outgoing message adds to its POST (SEP-2243); HTTP transports only. */
    default void requestHeaders(java.util.function.Function<JsonObject, java.util.Map<String, String>> headers) {}

    /** What an operator wants to see about the connection: a pid, recent stderr lines, a session id. */
    default JsonObject describe() {
        return new JsonObject();
    }

    static Transport create(Vertx vertx, ServiceConfig service) {
        return switch (service.transport()) {
            case STDIO -> new StdioTransport(vertx, service);
            case STREAMABLE_HTTP -> new StreamableHttpTransport(vertx, service);
            case SSE -> new SseTransport(vertx, service);
        };
    }
}
