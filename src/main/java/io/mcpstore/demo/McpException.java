package io.mcpstore.demo;

/** A failure that the server core answers as a JSON-RPC error with this code, not as a tool result. */
public final class McpException extends RuntimeException {
    private final int code;

    public McpException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
