package io.mcpstore.router;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.ProtocolVersion;
import io.mcpstore.protocol.Stateless;
import io.mcpstore.security.Principal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The stateless revision (2026-07-28) on {@code <prefix>/mcp}: a POST that carries its own {@code _meta} (protocol
 * version, client capabilities) and no session. Checks the version header against the body, the standard headers
 * (SEP-2243) against the body, then answers as the session era does, on the request's own response.
 */
final class StatelessHandler {
    private final McpDispatcher dispatcher;
    private final CallRelay relay;
    private final StreamRegistry registry;
    private final ListenStreams listens;

    StatelessHandler(RouterParts parts, ListenStreams listens) {
        this.dispatcher = parts.dispatcher();
        this.relay = parts.relay();
        this.registry = parts.registry();
        this.listens = listens;
    }

    /**
     * Whether a POST speaks the stateless revision: no session, and either a version header that is none of the
     * session era's or the revision's {@code _meta} keys in its params.
     */
    static boolean applies(HttpServerRequest request, JsonObject message) {
        if (request.getHeader(StreamableHttpHandler.SESSION_HEADER) != null) return false;
        String version = request.getHeader(StreamableHttpHandler.VERSION_HEADER);
        if (version != null) return !ProtocolVersion.isSupported(version);
        JsonObject meta = meta(message);
        return meta != null
                && (meta.containsKey(Stateless.META_PROTOCOL_VERSION)
                        || meta.containsKey(Stateless.META_CLIENT_CAPABILITIES));
    }

    void post(HttpServerRequest request, Endpoint endpoint, Principal principal, JsonObject message) {
        HttpServerResponse response = request.response();
        Object id = JsonRpcShape.safeId(message);
        if (!JsonRpc.isRequest(message)) {
            // Notifications (a cancellation) and stray responses: nothing answers them.
            response.setStatusCode(202).end();
            return;
        }
        JsonObject refusal = refusal(request, message);
        if (refusal == null && McpMethods.TOOLS_CALL.equals(message.getString("method"))) {
            JsonObject params = message.getJsonObject("params");
            if (params.getValue("name") instanceof String name) {
                refusal = StandardHeaders.paramMismatch(
                        request,
                        params.getValue("arguments") instanceof JsonObject a ? a : null,
                        dispatcher.headerParams(endpoint, name));
            }
        }
        if (refusal != null) {
            // A _meta without what the revision needs is a bad request too (unlike other -32602s: an unknown tool).
            int code = refusal.getInteger("code");
            HttpReplies.json(response, code == JsonRpc.INVALID_PARAMS ? 400 : status(code), JsonRpc.error(id, refusal));
            return;
        }
        JsonObject meta = meta(message);
        JsonObject session = new JsonObject()
                .put("era", Stateless.VERSION)
                .put("capabilities", meta.getJsonObject(Stateless.META_CLIENT_CAPABILITIES))
                .put("clientInfo", meta.getValue(Stateless.META_CLIENT_INFO));
        String logLevel = meta.getValue(Stateless.META_LOG_LEVEL) instanceof String l ? l : null;
        if (logLevel != null) session.put("logLevel", logLevel);
        if (Stateless.SUBSCRIPTIONS_LISTEN.equals(message.getString("method"))) {
            listens.listen(request, endpoint, principal, message);
            return;
        }
        PostSink sink = new PostSink(response, registry, "");
        CallRelay.Sink filtered = m -> {
            // Log messages only for a request that asked for them, at its level or above.
            if (McpMethods.NOTIFICATIONS_MESSAGE.equals(m.getString("method"))) {
                String level = m.getJsonObject("params", new JsonObject()).getString("level", "info");
                if (logLevel == null || !LogLevels.passes(level, logLevel)) return;
            }
            sink.send(m);
        };
        CallRelay.Call[] call = new CallRelay.Call[1];
        McpDispatcher.Relay opener = service -> {
            call[0] = relay.open("", message, service, filtered);
            return relay.relayOf(call[0]);
        };
        dispatcher
                .answerStateless(endpoint, principal, session, message, opener)
                .onSuccess(answer -> {
                    if (call[0] != null) relay.close(call[0]);
                    int status = status(answer);
                    if (status != 200) {
                        HttpReplies.json(response, status, answer);
                    } else {
                        sink.finish(answer);
                    }
                });
    }

    /**
     * The checks before a stateless request is served, in the order the revision gives them: the version header,
     * the {@code _meta} keys, header and body naming the same version, a version we speak, then the standard headers
     * naming what the body names. {@code null} when it passes.
     */
    static JsonObject refusal(HttpServerRequest request, JsonObject message) {
        String header = request.getHeader(StreamableHttpHandler.VERSION_HEADER);
        if (header == null) {
            return error(Stateless.HEADER_MISMATCH, "Header mismatch: the MCP-Protocol-Version header is required");
        }
        JsonObject meta = meta(message);
        List<String> missing = new ArrayList<>();
        if (meta == null || !(meta.getValue(Stateless.META_PROTOCOL_VERSION) instanceof String)) {
            missing.add(Stateless.META_PROTOCOL_VERSION);
        }
        if (meta == null || !(meta.getValue(Stateless.META_CLIENT_CAPABILITIES) instanceof JsonObject)) {
            missing.add(Stateless.META_CLIENT_CAPABILITIES);
        }
        if (!missing.isEmpty()) {
            return error(
                    JsonRpc.INVALID_PARAMS,
                    "Invalid params: params._meta must carry " + String.join(" and ", missing) + " (protocol revision "
                            + Stateless.VERSION + " has no session to remember them)");
        }
        String version = meta.getString(Stateless.META_PROTOCOL_VERSION);
        if (!header.equals(version)) {
            return error(
                    Stateless.HEADER_MISMATCH,
                    "Header mismatch: MCP-Protocol-Version is '" + header + "' but params._meta says '" + version
                            + "'");
        }
        if (!ProtocolVersion.isStateless(version)) {
            List<String> supported = new ArrayList<>();
            supported.add(Stateless.VERSION);
            supported.addAll(ProtocolVersion.SUPPORTED);
            String hint = ProtocolVersion.isSupported(version)
                    ? " (" + version + " is spoken in a session: start one with initialize)"
                    : "";
            return error(Stateless.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + version + hint)
                    .put(
                            "data",
                            new JsonObject()
                                    .put("supported", new JsonArray(supported))
                                    .put("requested", version));
        }
        return StandardHeaders.mismatch(request, message);
    }

    /** The HTTP status of an answer: 404 for an unknown method, 400 for what the revision calls a bad request. */
    static int status(JsonObject answer) {
        JsonObject error = answer.getJsonObject("error");
        return error == null ? 200 : status(error.getInteger("code", 0));
    }

    private static int status(int code) {
        if (code == JsonRpc.METHOD_NOT_FOUND) return 404;
        if (code == Stateless.HEADER_MISMATCH
                || code == Stateless.MISSING_REQUIRED_CLIENT_CAPABILITY
                || code == Stateless.UNSUPPORTED_PROTOCOL_VERSION) {
            return 400;
        }
        return 200;
    }

    static JsonObject meta(JsonObject message) {
        JsonObject params = message.getValue("params") instanceof JsonObject p ? p : null;
        return params != null && params.getValue("_meta") instanceof JsonObject m ? m : null;
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }
}
