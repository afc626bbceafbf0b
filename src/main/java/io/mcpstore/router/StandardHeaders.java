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

    /**
     * The -32020 error when an {@code Mcp-Param-<name>} header of a tool parameter marked {@code x-mcp-header:
     * <name>} is missing, malformed or says something else than the argument; null when all agree. {@code params}:
     * parameter name → header name, from the tool's input schema.
     */
    static JsonObject paramMismatch(
            HttpServerRequest request, JsonObject arguments, java.util.Map<String, String> params) {
        for (var e : params.entrySet()) {
            String header = Stateless.HEADER_PARAM_PREFIX + e.getValue();
            String sent = request.getHeader(header);
            Object value = arguments == null ? null : arguments.getValue(e.getKey());
            if (value == null) {
                if (sent != null) return error(header + " is set but arguments." + e.getKey() + " is absent");
                continue;
            }
            if (sent == null)
                return error("the " + header + " header is required: arguments." + e.getKey() + " is set");
            String decoded = decode(sent);
            if (decoded == null) return error(header + " is not valid Base64 inside =?base64?…?=");
            String expected = text(value);
            if (expected == null || !expected.equals(decoded)) {
                return error(header + " does not match arguments." + e.getKey());
            }
        }
        return null;
    }

    /** A header value as sent: {@code =?base64?…?=} decoded (strictly, padding and alphabet), anything else as is. */
    static String decode(String value) {
        if (!(value.startsWith("=?base64?") && value.endsWith("?=") && value.length() >= 11)) return value;
        String encoded = value.substring("=?base64?".length(), value.length() - 2);
        if (encoded.length() % 4 != 0 || !encoded.matches("[A-Za-z0-9+/]*={0,2}")) return null;
        try {
            return new String(java.util.Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An argument as clients mirror it: strings as they are, numbers in decimal, booleans as true/false. */
    private static String text(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Boolean b) return b.toString();
        if (value instanceof Integer || value instanceof Long) return value.toString();
        if (value instanceof Number n) {
            java.math.BigDecimal d = new java.math.BigDecimal(n.toString()).stripTrailingZeros();
            return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
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
