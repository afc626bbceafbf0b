package io.mcpstore.bus;

/**
 * The names of the MRTR hold on the bus (SEP-2322, a 2026-07-28 client in front of a 2025 upstream): the upstream
 * parks its server→client requests under a pending id and answers the call with {@code input_required}; the
 * router's retry resumes the pending call with the client's input responses.
 */
public final class InputHold {
    private InputHold() {}

    /** The bus method of a retry: {@code {method, params: {pending, inputResponses}, session, relay}}. */
    public static final String RESUME = "mcpstore/resume";
    /** In a call's bus reply beside {@code result}: the id the parked requests are held under. */
    public static final String PENDING = "pending";

    public static final String INPUT_RESPONSES = "inputResponses";
    /** In the bus body's {@code session}: the caller's era; 2026-07-28 means a stateless caller. */
    public static final String ERA = "era";
    /** In the bus body: how long a parked call waits for the client's retry before it is cancelled. */
    public static final String TIMEOUT_MS = "pendingTimeoutMs";

    public static final long DEFAULT_TIMEOUT_MS = 60_000;
    /**
     * In a 2025 server's server→client request {@code _meta}: the key its request gets in {@code inputRequests}
     * (else the gateway numbers them), so that a server that knows the gateway can name its inputs.
     */
    public static final String META_INPUT_KEY = "io.mcpstore/inputKey";
}
