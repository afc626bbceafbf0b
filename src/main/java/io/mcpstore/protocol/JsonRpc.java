package io.mcpstore.protocol;

import io.vertx.core.json.JsonObject;

/** JSON-RPC 2.0 error codes and message builders. */
public final class JsonRpc {
    private JsonRpc() {}

    public static final String VERSION = "2.0";

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined, as the MCP SDKs use them: the connection to the peer is gone. */
    public static final int CONNECTION_CLOSED = -32000;
    /** Implementation-defined, as the MCP SDKs use them: the peer did not answer in time. */
    public static final int REQUEST_TIMEOUT = -32001;
    /** As LSP and the SDKs use it: the request was cancelled. */
    public static final int REQUEST_CANCELLED = -32800;
    /** MCP: resource not found. */
    public static final int RESOURCE_NOT_FOUND = -32002;

    public static JsonObject request(Object id, String method, JsonObject params) {
        JsonObject m = new JsonObject().put("jsonrpc", VERSION).put("id", id).put("method", method);
        return params == null ? m : m.put("params", params);
    }

    public static JsonObject notification(String method, JsonObject params) {
        JsonObject m = new JsonObject().put("jsonrpc", VERSION).put("method", method);
        return params == null ? m : m.put("params", params);
    }

    public static JsonObject result(Object id, JsonObject result) {
        return new JsonObject().put("jsonrpc", VERSION).put("id", id).put("result", result);
    }

    public static JsonObject error(Object id, int code, String message) {
        return error(id, new JsonObject().put("code", code).put("message", message));
    }

    public static JsonObject error(Object id, JsonObject error) {
        return new JsonObject().put("jsonrpc", VERSION).put("id", id).put("error", error);
    }

    public static boolean isRequest(JsonObject m) {
        return m.containsKey("method") && m.containsKey("id") && m.getValue("id") != null;
    }

    public static boolean isNotification(JsonObject m) {
        return m.containsKey("method") && !m.containsKey("id");
    }

    public static boolean isResponse(JsonObject m) {
        return !m.containsKey("method") && m.containsKey("id") && (m.containsKey("result") || m.containsKey("error"));
    }
}
