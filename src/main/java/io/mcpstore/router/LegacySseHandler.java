package io.mcpstore.router;

import io.mcpstore.bus.Addresses;
import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.security.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The legacy HTTP+SSE transport (2024-11-05): {@code GET <prefix>/sse} opens the stream and names the POST URL;
 * {@code POST <prefix>/message?sessionId=} takes messages, and the answers travel on the stream.
 */
final class LegacySseHandler {
    private final McpDispatcher dispatcher;
    private final SessionStore sessions;
    private final SessionStreams streams;
    private final CallRelay relay;
    private final StreamRegistry registry;
    private final Vertx vertx;

    LegacySseHandler(RouterParts parts) {
        this.dispatcher = parts.dispatcher();
        this.sessions = parts.sessions();
        this.streams = parts.streams();
        this.relay = parts.relay();
        this.registry = parts.registry();
        this.vertx = parts.vertx();
    }

    void open(HttpServerRequest request, Endpoint endpoint, Principal principal) {
        HttpServerResponse ctx = request.response();
        // On this transport the stream is the session: it is in use for as long as the stream is open.
        Session session = sessions.open(endpoint.prefix(), Session.SSE, true, principal.subject());
        if (session == null) {
            HttpReplies.full(ctx, null, sessions);
            return;
        }
        String id = session.id();
        SseStream stream = registry.open(id).to(SseStream.http(ctx.setStatusCode(200)));
        ctx.closeHandler(v -> {
            streams.detach(id);
            stream.end();
            registry.release(stream);
            // A client that closed the stream has gone away: the session closes, its calls are cancelled.
            sessions.close(id);
        });
        streams.attach(id, endpoint.prefix(), stream)
                .onSuccess(v -> stream.event("endpoint", endpoint.prefix() + "/message?sessionId=" + id));
    }

    void post(HttpServerRequest request, Buffer body, Endpoint endpoint, Principal principal) {
        HttpServerResponse ctx = request.response();
        String id = request.getParam("sessionId");
        if (id == null || id.isBlank()) {
            HttpReplies.error(ctx, 400, "Bad Request: the sessionId query parameter is required");
            return;
        }
        Session session = sessions.get(id);
        if (session == null
                || !endpoint.prefix().equals(session.endpoint())
                || !Session.SSE.equals(session.transport())
                // The session id in the URL is no credential: only the subject that opened the stream may post.
                || !principal.subject().equals(session.subject())) {
            HttpReplies.error(ctx, 404, "Session not found");
            return;
        }
        if (!HttpReplies.isJson(request.getHeader("Content-Type"))) {
            HttpReplies.error(ctx, 415, "Unsupported Media Type: the body must be application/json");
            return;
        }
        Object parsed = parse(body);
        if (parsed == NOT_JSON) {
            HttpReplies.json(
                    ctx, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
            return;
        }
        if (!(parsed instanceof JsonObject message)) {
            HttpReplies.json(
                    ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: not a JSON-RPC message"));
            return;
        }
        String invalid = JsonRpcShape.problem(message);
        if (invalid != null) {
            HttpReplies.json(ctx, 400, JsonRpc.error(JsonRpcShape.safeId(message), JsonRpc.INVALID_REQUEST, invalid));
            return;
        }
        if (!JsonRpc.isRequest(message)) {
            ctx.setStatusCode(202).end("Accepted");
            sessions.touched(id);
            ClientMessages.accept(vertx, relay, id, message);
            return;
        }
        if (McpMethods.INITIALIZE.equals(message.getString("method"))) {
            ctx.setStatusCode(202).end("Accepted");
            deliver(
                    id,
                    dispatcher.initialize(
                            message, init -> sessions.update(id, s -> s.initialized(init.negotiated(), init.json()))));
            return;
        }
        Session answering = sessions.answering(id);
        if (answering == null) {
            HttpReplies.error(ctx, 404, "Session not found");
            return;
        }
        ctx.setStatusCode(202).end("Accepted");
        // Everything that belongs to the call travels on the session's one stream, before the answer.
        CallRelay.Sink sink = related -> deliver(id, related);
        CallRelay.Call[] call = new CallRelay.Call[1];
        McpDispatcher.Relay opener = service -> {
            call[0] = relay.open(id, message, service, sink);
            return relay.relayOf(call[0]);
        };
        dispatcher
                .answer(endpoint, principal, answering, message, opener)
                .onComplete(ar -> sessions.answered(id))
                .onSuccess(answer -> {
                    if (call[0] != null) relay.close(call[0]);
                    deliver(id, answer);
                });
    }

    private static final Object NOT_JSON = new Object();

    /** The body's JSON value (JSON {@code null} as {@code null}), or {@link #NOT_JSON}. */
    private static Object parse(Buffer body) {
        try {
            return Json.decodeValue(body);
        } catch (DecodeException | NullPointerException e) {
            return NOT_JSON;
        }
    }

    /** The stream may live on another router instance: the session's address reaches it. */
    private void deliver(String sessionId, JsonObject message) {
        vertx.eventBus().send(Addresses.session(sessionId), new JsonObject().put("message", message));
    }
}
