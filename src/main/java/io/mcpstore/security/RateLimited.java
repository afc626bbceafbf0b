package io.mcpstore.security;

/** A request refused because its bucket is empty: HTTP 429 with {@code Retry-After}, on MCP JSON-RPC -32029. */
public final class RateLimited extends RuntimeException {
    /** The JSON-RPC error code of a refused MCP request. */
    public static final int CODE = -32029;

    private final long retryAfterSeconds;

    public RateLimited(long retryAfterSeconds, String message) {
        super(message, null, false, false);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Whole seconds until the bucket holds a token again (at least 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
