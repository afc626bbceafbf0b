package io.mcpstore.bus;

/**
 * Failure codes carried by event-bus replies ({@code message.fail(code, text)}). The router maps them to JSON-RPC
 * errors in one place; the text is what the client reads, so it names the service and what went wrong.
 */
public final class Failures {
    private Failures() {}

    /** The service exists but cannot take calls now (connecting, reconnecting, failed, stopped). */
    public static final int UNAVAILABLE = 503;
    /** The upstream did not answer within the service's call timeout. */
    public static final int TIMEOUT = 504;
    /** The client cancelled the call (or went away) before the upstream answered. */
    public static final int CANCELLED = 499;
    /** The request itself was wrong (unknown method for this upstream, bad params). */
    public static final int BAD_REQUEST = 400;
    /** Anything else that went wrong inside the gateway. */
    public static final int INTERNAL = 500;
}
