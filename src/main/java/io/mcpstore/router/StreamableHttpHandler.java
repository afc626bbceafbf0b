package io.mcpstore.router;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The Streamable HTTP transport (2025-11-25) on {@code <prefix>/mcp}: POST, GET and DELETE. */
final class StreamableHttpHandler {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "Mcp-Protocol-Version";

    private final McpDispatcher dispatcher;
    private final SessionStore sessions;
    private final SessionStreams streams;
    private final CallRelay relay;
    private final StreamRegistry registry;
    private final Vertx vertx;
    private final StatelessHandler stateless;
    private final SessionOwner owners;

    StreamableHttpHandler(RouterParts parts, StatelessHandler stateless, SessionOwner owners) {
        this.stateless = stateless;
        this.owners = owners;
        this.dispatcher = parts.dispatcher();
        this.sessions = parts.sessions();
        this.streams = parts.streams();
        this.relay = parts.relay();
        this.registry = parts.registry();
        this.vertx = parts.vertx();
    }

    void post(HttpServerRequest request, Buffer body, Endpoint endpoint, Principal principal) {
        HttpServerResponse ctx = request.response();
        if (!accepts(request, "application/json") || !accepts(request, "text/event-stream")) {
            HttpReplies.error(
                    ctx, 406, "Not Acceptable: the client must accept application/json and text/event-stream");
            return;
        }
        if (!HttpReplies.isJson(request.getHeader("Content-Type"))) {
            HttpReplies.error(ctx, 415, "Unsupported Media Type: the body must be application/json");
            return;
        }
        Object parsed;
        try {
            parsed = Json.decodeValue(body);
        } catch (DecodeException | NullPointerException e) {
            HttpReplies.json(
                    ctx, 400, JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON"));
            return;
        }
        if (parsed instanceof JsonObject message) {
            postMessage(request, endpoint, principal, message);
        } else if (parsed instanceof JsonArray batch) {
            postBatch(request, endpoint, principal, batch);
        } else {
            HttpReplies.json(
                    ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: not a JSON-RPC message"));
        }
    }

    private void postMessage(HttpServerRequest request, Endpoint endpoint, Principal principal, JsonObject message) {
        HttpServerResponse ctx = request.response();
        String invalid = JsonRpcShape.problem(message);
        if (invalid != null) {
            HttpReplies.json(ctx, 400, JsonRpc.error(JsonRpcShape.safeId(message), JsonRpc.INVALID_REQUEST, invalid));
            return;
        }
        if (StatelessHandler.applies(request, message)) {
            stateless.post(request, endpoint, principal, message);
            return;
        }
        if (McpMethods.INITIALIZE.equals(message.getString("method")) && JsonRpc.isRequest(message)) {
            initialize(ctx, endpoint, principal, message);
            return;
        }
        withSession(request, endpoint, principal, found -> postMessage(ctx, endpoint, principal, message, found));
    }

    private void postMessage(
            HttpServerResponse ctx, Endpoint endpoint, Principal principal, JsonObject message, Session found) {
        String id = found.id();
        if (!JsonRpc.isRequest(message)) {
            // Notifications and responses are accepted as they are; nothing answers them.
            if (sessions.touched(id) == null) {
                notFound(ctx);
                return;
            }
            ctx.setStatusCode(202).end();
            ClientMessages.accept(vertx, relay, id, message);
            return;
        }
        String owner = sessions.owner(id);
        if (owner != null && SessionOwner.atOwner(message.getString("method"))) {
            // What the owner holds for the session (log level, subscriptions) changes there.
            sessions.touched(id);
            owners.answerAtOwner(owner, id, message)
                    .onSuccess(answer -> HttpReplies.json(ctx, 200, answer))
                    .onFailure(e -> ownerFailed(ctx, e));
            return;
        }
        Session session = sessions.answering(id);
        if (session == null) {
            notFound(ctx);
            return;
        }
        PostSink sink = new PostSink(ctx, registry, id);
        CallRelay.Call[] call = new CallRelay.Call[1];
        McpDispatcher.Relay opener = service -> {
            call[0] = relay.open(id, message, service, sink);
            return relay.relayOf(call[0]);
        };
        dispatcher
                .answer(endpoint, principal, session, message, opener)
                .onComplete(ar -> sessions.answered(id))
                .onSuccess(answer -> {
                    if (call[0] != null) relay.close(call[0]);
                    sink.finish(answer);
                });
    }

    /** A session is made only of well-formed params; a refused initialize gets 400 and no session. */
    private void initialize(HttpServerResponse ctx, Endpoint endpoint, Principal principal, JsonObject message) {
        boolean[] full = {false};
        JsonObject answer = dispatcher.initialize(message, init -> {
            Session opened = sessions.open(endpoint.prefix(), principal.subject(), init.negotiated(), init.json());
            if (opened == null) {
                full[0] = true;
                return;
            }
            ctx.putHeader(SESSION_HEADER, opened.id());
        });
        if (full[0]) {
            HttpReplies.full(ctx, message.getValue("id"), sessions);
            return;
        }
        HttpReplies.json(ctx, answer.containsKey("error") ? 400 : 200, answer);
    }

    /** JSON-RPC batches: only sessions that negotiated 2025-03-26 may send them. */
    private void postBatch(HttpServerRequest request, Endpoint endpoint, Principal principal, JsonArray batch) {
        withSession(
                request,
                endpoint,
                principal,
                session -> postBatch(request.response(), endpoint, principal, batch, session));
    }

    private void postBatch(
            HttpServerResponse ctx, Endpoint endpoint, Principal principal, JsonArray batch, Session session) {
        String id = session.id();
        String version = session.protocolVersion();
        if (!ProtocolVersion.allowsBatches(version)) {
            HttpReplies.json(
                    ctx,
                    400,
                    JsonRpc.error(
                            null,
                            JsonRpc.INVALID_REQUEST,
                            "Invalid Request: JSON-RPC batches are not supported in protocol version " + version));
            return;
        }
        if (batch.isEmpty()) {
            HttpReplies.json(ctx, 400, JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Invalid Request: empty batch"));
            return;
        }
        if (sessions.answering(id) == null) {
            notFound(ctx);
            return;
        }
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (Object item : batch) {
            JsonObject message = item instanceof JsonObject o ? o : null;
            String invalid =
                    message == null ? "Invalid Request: not a JSON-RPC message" : JsonRpcShape.problem(message);
            if (invalid == null && McpMethods.INITIALIZE.equals(message.getString("method"))) {
                invalid = "Invalid Request: initialize must not be part of a batch";
            }
            if (invalid != null) {
                answers.add(Future.succeededFuture(
                        JsonRpc.error(JsonRpcShape.safeId(message), JsonRpc.INVALID_REQUEST, invalid)));
            } else if (JsonRpc.isRequest(message)) {
                String owner = sessions.owner(id);
                answers.add(
                        owner != null && SessionOwner.atOwner(message.getString("method"))
                                ? owners.answerAtOwner(owner, id, message)
                                        .otherwise(e -> JsonRpc.error(
                                                message.getValue("id"),
                                                JsonRpc.INTERNAL_ERROR,
                                                SessionOwner.refused(e).getMessage()))
                                : dispatcher.answer(endpoint, principal, session, message));
            }
        }
        if (answers.isEmpty()) {
            sessions.answered(id);
            ctx.setStatusCode(202).end();
            return;
        }
        Future.all(answers)
                .onComplete(ar -> sessions.answered(id))
                .onSuccess(all -> HttpReplies.json(ctx, 200, new JsonArray(all.list())));
    }

    void get(HttpServerRequest request, Endpoint endpoint, Principal principal) {
        HttpServerResponse ctx = request.response();
        if (!accepts(request, "text/event-stream")) {
            HttpReplies.error(ctx, 406, "Not Acceptable: a GET stream needs Accept: text/event-stream");
            return;
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        withSession(request, endpoint, principal, session -> get(ctx, endpoint, session.id(), lastEventId));
    }

    private void get(HttpServerResponse ctx, Endpoint endpoint, String id, String lastEventId) {
        if (lastEventId != null) {
            resume(ctx, endpoint, id, lastEventId);
            return;
        }
        String owner = sessions.owner(id);
        if (owner != null) {
            // Another node's session: its stream is held there, and shown here.
            sessions.touched(id);
            owners.stream(ctx, owner, id);
            return;
        }
        if (!sessions.claimStream(id)) {
            if (sessions.get(id) == null) {
                notFound(ctx);
                return;
            }
            HttpReplies.error(ctx, 409, "Conflict: this session already has a GET stream open");
            return;
        }
        SseStream stream = registry.open(id).to(SseStream.http(ctx.setStatusCode(200)));
        live(ctx, endpoint, id, stream).onSuccess(v -> stream.prime());
    }

    /** The session's GET stream on {@code stream}, until the client goes. */
    private Future<Void> live(HttpServerResponse ctx, Endpoint endpoint, String id, SseStream stream) {
        ctx.closeHandler(v -> {
            streams.detach(id);
            sessions.releaseStream(id);
            stream.end();
            registry.release(stream);
        });
        return streams.attach(id, endpoint.prefix(), stream);
    }

    /**
     * {@code GET} with {@code Last-Event-ID}: replays that one stream after the event. A call's stream that still
     * runs goes on on this response; a session's GET stream goes on as a new live stream.
     */
    private void resume(HttpServerResponse ctx, Endpoint endpoint, String id, String lastEventId) {
        sessions.touched(id);
        registry.resume(id, lastEventId, ctx.setStatusCode(200))
                .onSuccess(replay -> {
                    if (!replay.ended()) return;
                    // (Another node's session goes on as a new GET stream held by its owner, on a new request.)
                    if (sessions.owner(id) == null && sessions.claimStream(id)) {
                        live(ctx, endpoint, id, registry.open(id).to(replay.out()));
                    } else {
                        replay.out().end();
                    }
                })
                .onFailure(e -> HttpReplies.error(ctx, 400, "Bad Request: cannot resume: " + e.getMessage()));
    }

    void delete(HttpServerRequest request, Endpoint endpoint, Principal principal) {
        HttpServerResponse ctx = request.response();
        withSession(request, endpoint, principal, session -> {
            if (!sessions.clustered()) {
                // Every instance that holds a stream of this session ends it, and cancels the calls it still runs.
                if (sessions.close(session.id())) ctx.setStatusCode(200).end();
                else notFound(ctx);
                return;
            }
            // Closed by its owner, wherever it is; answered once every node has forgotten it.
            owners.close(session.id())
                    .onSuccess(closed -> {
                        if (closed) ctx.setStatusCode(200).end();
                        else notFound(ctx);
                    })
                    .onFailure(e -> ownerFailed(ctx, e));
        });
    }

    private static void ownerFailed(HttpServerResponse ctx, Throwable e) {
        SessionOwner.Refused r = SessionOwner.refused(e);
        if (r.status == 404) notFound(ctx);
        else HttpReplies.error(ctx, 503, r.getMessage());
    }

    /**
     * Runs {@code then} with the session a request names, after the 400 (no header), 404 (unknown, another endpoint's
     * or another subject's: a session id is no credential, and others' sessions are not told apart from unknown
     * ones) and 400 (unsupported protocol version) checks; those answer the request themselves. A clustered node
     * serves another node's session too: the first time it sees one, its owner is asked whether it is open.
     */
    private void withSession(
            HttpServerRequest request, Endpoint endpoint, Principal principal, Consumer<Session> then) {
        HttpServerResponse ctx = request.response();
        String id = request.getHeader(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            HttpReplies.error(ctx, 400, "Bad Request: Mcp-Session-Id header is required");
            return;
        }
        Session known = sessions.get(id);
        if (known != null || !sessions.clustered()) {
            Session checked = checked(request, endpoint, principal, known);
            if (checked != null) then.accept(checked);
            return;
        }
        // (The body, if any, has been read already: nothing is lost while the owner answers.)
        owners.find(id).onComplete(ar -> {
            if (ar.failed()) {
                ownerFailed(ctx, ar.cause());
                return;
            }
            Session checked = checked(request, endpoint, principal, ar.result());
            if (checked != null) then.accept(checked);
        });
    }

    private Session checked(HttpServerRequest request, Endpoint endpoint, Principal principal, Session session) {
        HttpServerResponse ctx = request.response();
        if (session == null
                || !endpoint.prefix().equals(session.endpoint())
                || !Session.STREAMABLE_HTTP.equals(session.transport())
                || !principal.subject().equals(session.subject())) {
            notFound(ctx);
            return null;
        }
        String version = request.getHeader(VERSION_HEADER);
        if (version != null && !ProtocolVersion.isSupported(version)) {
            HttpReplies.error(
                    ctx,
                    400,
                    "Bad Request: unsupported protocol version " + version + " (supported: "
                            + String.join(", ", ProtocolVersion.SUPPORTED) + ")");
            return null;
        }
        return session;
    }

    private static void notFound(HttpServerResponse ctx) {
        HttpReplies.error(ctx, 404, "Session not found");
    }

    private static boolean accepts(HttpServerRequest request, String type) {
        String accept = request.getHeader("Accept");
        if (accept == null) return false;
        for (String part : accept.split(",")) {
            String t = part.trim();
            int semi = t.indexOf(';');
            if (semi >= 0) t = t.substring(0, semi).trim();
            if (t.equalsIgnoreCase(type) || t.equals("*/*")) return true;
        }
        return false;
    }
}
