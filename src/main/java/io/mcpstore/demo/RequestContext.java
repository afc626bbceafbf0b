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

    RequestContext(
            McpServerCore server,
            Object requestId,
            Object progressToken,
            Consumer<JsonObject> related,
            Runnable closeStream) {
        this.server = server;
        this.requestId = requestId;
        this.progressToken = progressToken;
        this.related = related;
        this.closeStream = closeStream;
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
        return server.clientCapabilities().containsKey(capability);
    }

    /**
     * Asks the client something ({@code sampling/createMessage}, {@code elicitation/create}, {@code roots/list}) on
     * this request's stream; completes with the client's result, or fails with its JSON-RPC error.
     */
    public CompletableFuture<JsonObject> requestClient(String method, JsonObject params) {
        return server.requestClient(method, params, related);
    }

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

    /** Sends {@code notifications/message} when the client's logging level lets this level through. */
    public void log(LogLevel level, String logger, Object data) {
        if (!server.logs(level)) {
            return;
        }
        JsonObject params = new JsonObject().put("level", level.wireName()).put("data", data);
        if (logger != null) {
            params.put("logger", logger);
        }
        related.accept(JsonRpc.notification(McpMethods.NOTIFICATIONS_MESSAGE, params));
    }
}
