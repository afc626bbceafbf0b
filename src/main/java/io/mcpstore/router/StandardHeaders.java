package io.mcpstore.router;

import io.mcpstore.protocol.McpMethods;
import io.mcpstore.protocol.Stateless;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * The standard headers of a stateless request (SEP-2243): {@code Mcp-Method} names the JSON-RPC method and {@code
 * Mcp-Name} what it is about (tool, prompt, resource URI, task). They let a proxy route without reading the body;
 * the gateway reads the body, so it checks that they say the same, and never decides anything by them.
 */
final class StandardHeaders {
    private StandardHeaders() {}

    /** The -32020 error when a header is missing or says something else than the body; null when they agree. */
    static JsonObject mismatch(HttpServerRequest request, JsonObject message) {
        String method = message.getString("method");
        String header = request.getHeader(Stateless.HEADER_METHOD);
        if (header == null) return error("the " + Stateless.HEADER_METHOD + " header is required");
        if (!header.equals(method)) {
            return error(Stateless.HEADER_METHOD + " is '" + header + "' but the body's method is '" + method + "'");
        }
        String named = nameOf(method, message.getValue("params") instanceof JsonObject p ? p : new JsonObject());
        if (named == null) return null;
        String name = request.getHeader(Stateless.HEADER_NAME);
        if (name == null) return error("the " + Stateless.HEADER_NAME + " header is required for " + method);
        if (!name.equals(named)) {
            return error(Stateless.HEADER_NAME + " is '" + name + "' but the body names '" + named + "'");
        }
        return null;
    }

    /** What {@code Mcp-Name} must carry for {@code method}, from the body; null for methods that name nothing. */
    static String nameOf(String method, JsonObject params) {
        Object value = switch (method) {
            case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> params.getValue("name");
            case McpMethods.RESOURCES_READ -> params.getValue("uri");
            case Stateless.TASKS_GET, Stateless.TASKS_UPDATE, Stateless.TASKS_CANCEL -> params.getValue("taskId");
            default -> null;
        };
        return value instanceof String s ? s : null;
    }

    private static JsonObject error(String message) {
        return new JsonObject().put("code", Stateless.HEADER_MISMATCH).put("message", "Header mismatch: " + message);
    }
}
