package io.mcpstore.demo;

import io.mcpstore.protocol.JsonRpc;
import io.mcpstore.protocol.McpMethods;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * What a tool handler may do besides answering: report progress, log, and send notifications that belong to this
 * request (a Streamable HTTP server streams them on the request's own response).
 */
public final class RequestContext {
    private final McpServerCore server;
    private final Object progressToken;
    private final Consumer<JsonObject> related;

    RequestContext(McpServerCore server, Object progressToken, Consumer<JsonObject> related) {
        this.server = server;
        this.progressToken = progressToken;
        this.related = related;
    }

    public McpServerCore server() {
        return server;
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
