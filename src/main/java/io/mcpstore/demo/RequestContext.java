package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a tool handler may do besides answering: report progress, log, and send notifications that belong to this
 * request (a Streamable HTTP server streams them on the request's own response).
 */
public final class RequestContext {
    private final McpServerCore server;
    private final Object requestId;
    private final Object progressToken;
    private final Consumer<JsonObject> related;
    private final Runnable closeStream;
    /** The 2026-07-28 request's own context; null for a request of a 2025 session. */
    private final StatelessRequest stateless;

    RequestContext(
            McpServerCore server,
            Object requestId,
            Object progressToken,
            Consumer<JsonObject> related,
            Runnable closeStream,
            StatelessRequest stateless) {
        this.server = server;
        this.requestId = requestId;
        this.progressToken = progressToken;
        this.related = related;
        this.closeStream = closeStream;
        this.stateless = stateless;
    }

    /** Whether this is a 2026-07-28 request (stateless: no session, questions to the client end the round). */
    public boolean stateless() {
        return stateless != null;
    }

    /** Whether the request carried a {@code requestState} this server issued, intact (2026-07-28 only). */
    public boolean requestStateVerified() {
        return stateless != null && stateless.stateVerified();
    }

    public McpServerCore server() {
        return server;
    }

    /** The JSON-RPC id of the request being served. */
    public Object requestId() {
        return requestId;
    }

    /** Whether the client declared this capability ({@code sampling}, {@code elicitation}, {@code roots}). */
    public boolean clientSupports(String capability) {
        JsonObject declared = stateless != null ? stateless.capabilities() : server.clientCapabilities();
        return declared.containsKey(capability);
    }

    /** The client capabilities of this request: its {@code _meta}'s (2026-07-28) or the session's. */
    public JsonObject clientCapabilities() {
        return (stateless != null ? stateless.capabilities() : server.clientCapabilities()).copy();
    }

    /**
     * Asks the client something ({@code sampling/createMessage}, {@code elicitation/create}, {@code roots/list});
     * completes with the client's result, or fails with its JSON-RPC error. In a 2025 session the request goes on
     * this request's stream; in a 2026-07-28 request it becomes an entry of an {@code input_required} result (keyed
     * {@code elicitation_1}, {@code sampling_1}, … in the order asked) and the handler runs again with the answers.
     */
    public CompletableFuture<JsonObject> requestClient(String method, JsonObject params) {
        return stateless != null
                ? stateless.ask(stateless.nextKey(method), method, params)
                : server.requestClient(method, params, related);
    }

    /**
     * Same as {@link #requestClient(String, JsonObject)}, with the key of the 2026-07-28 {@code inputRequests} entry.
     * In a 2025 session the key travels in the request's {@code _meta} ({@value #META_INPUT_KEY}), so that a gateway
     * turning the request into an {@code input_required} result for a 2026 client can use the same key.
     */
    public CompletableFuture<JsonObject> requestClient(String key, String method, JsonObject params) {
        if (stateless != null) {
            return stateless.ask(key, method, params);
        }
        JsonObject keyed = params == null ? new JsonObject() : params.copy();
        JsonObject meta = keyed.getValue("_meta") instanceof JsonObject m ? m : new JsonObject();
        keyed.put("_meta", meta.put(META_INPUT_KEY, key));
        return server.requestClient(method, keyed, related);
    }

    /** The gateway's extension key naming a server→client request's entry in a 2026 {@code inputRequests} map. */
    public static final String META_INPUT_KEY = "io.mcpstore/inputKey";

    /**
     * Ends the transport's stream for this request while the request goes on (SEP-1699 polling): the client
     * resumes with {@code Last-Event-ID} and receives the rest. Does nothing where streams cannot be resumed.
     */
    public void closeStream() {
        closeStream.run();
    }

    /** Sends a notification that belongs to this request, as it is (on this request's stream where there is one). */
    public void notify(String method, JsonObject params) {
        related.accept(JsonRpc.notification(method, params));
    }

    /** Sends {@code notifications/progress} when the caller asked for progress (sent a progress token). */
    public void progress(double progress, Double total, String message) {
        if (progressToken == null) {
            return;
        }
        JsonObject params = new JsonObject().put("progressToken", progressToken).put("progress", progress);
        if (total != null) {
            params.put("total", total);
        }
        if (message != null) {
            params.put("message", message);
        }
        related.accept(JsonRpc.notification(McpMethods.NOTIFICATIONS_PROGRESS, params));
    }

    /**
     * Sends {@code notifications/message} when the client's logging level lets this level through: the session's
     * ({@code logging/setLevel}), or for a 2026-07-28 request its {@code _meta} logLevel (none: no log messages).
     */
    public void log(LogLevel level, String logger, Object data) {
        if (stateless != null ? !stateless.logs(level) : !server.logs(level)) {
            return;
        }
        JsonObject params = new JsonObject().put("level", level.wireName()).put("data", data);
        if (logger != null) {
            params.put("logger", logger);
        }
        related.accept(JsonRpc.notification(McpMethods.NOTIFICATIONS_MESSAGE, params));
    }
}
