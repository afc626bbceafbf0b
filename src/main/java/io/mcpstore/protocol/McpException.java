package io.mcpstore.protocol;

import io.vertx.core.json.JsonObject;

/** A JSON-RPC error to answer the client with: raised anywhere, turned into a response in one place. */
public final class McpException extends RuntimeException {
    private final int code;
    private final Object data;

    public McpException(int code, String message) {
        this(code, message, null);
    }

    public McpException(int code, String message, Object data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    public JsonObject toError() {
        JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
        return data == null ? error : error.put("data", data);
    }

    public static McpException invalidParams(String message) {
        return new McpException(JsonRpc.INVALID_PARAMS, message);
    }
}
